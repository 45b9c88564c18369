import type { Policy } from './policy.js';

export const dataImportActions = ['view', 'upload', 'managePushToken'] as const;
export type DataImportAction = (typeof dataImportActions)[number];

/**
 * The school's data imports (/admin/data: attendance, incidents, OneRoster files, the SIS's push
 * token and the import history) are a school-wide admin matter: that school's admins only.
 */
export const dataImportPolicy: Policy<DataImportAction, { tenantId: string }> = (user, _action, resource) =>
  user.role === 'admin' && user.tenantId === resource.tenantId;
