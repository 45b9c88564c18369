import type { Policy } from './policy.js';
import { relationshipTo, type StudentScope } from './student-record.js';

export const recordsRequestActions = ['export', 'scheduleDeletion', 'cancelDeletion'] as const;
export type RecordsRequestAction = (typeof recordsRequestActions)[number];

/**
 * A records request (issue 14 item 7): everything the tool holds about one student, for the district
 * to answer a family's or the student's request. Least privilege: the tenant's admins only; district
 * leaders, staff and advisors read the record through its own pages, never the whole export.
 */
export const recordsRequestPolicy: Policy<RecordsRequestAction, { scope: StudentScope }> = (user, _action, { scope }) => relationshipTo(user, scope) === 'admin';
