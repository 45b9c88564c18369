import type { Policy } from './policy.js';

export const calendarActions = ['manage'] as const;
export type CalendarAction = (typeof calendarActions)[number];

/** The school's closed days (the calendar referral response times count on): its admins keep them. */
export const calendarPolicy: Policy<CalendarAction, { tenantId: string }> = (user, _action, { tenantId }) => user.tenantId === tenantId && user.role === 'admin';
