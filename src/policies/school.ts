import type { Policy } from './policy.js';

export const schoolActions = ['manage'] as const;
export type SchoolAction = (typeof schoolActions)[number];

/** The district's schools (/admin/schools: schools, courses' schools, students' moves, the programs file): its admins only. */
export const schoolPolicy: Policy<SchoolAction, { tenantId: string }> = (user, _action, { tenantId }) => user.tenantId === tenantId && user.role === 'admin';
