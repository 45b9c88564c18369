import type { Policy } from './policy.js';

export const reportSettingsActions = ['view', 'edit'] as const;
export type ReportSettingsAction = (typeof reportSettingsActions)[number];

/** The school's report settings (the minimum group size that school and district views hide below): its admins. */
export const reportSettingsPolicy: Policy<ReportSettingsAction, { tenantId: string }> = (user, _action, { tenantId }) => user.tenantId === tenantId && user.role === 'admin';
