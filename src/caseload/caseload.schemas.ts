import { z } from 'zod';

export const caseloadSorts = ['attention', 'name', 'status', 'checkin'] as const;
export const caseloadFilters = ['all', 'overdue', 'urgent', 'needs', 'noplan'] as const;
/** The plan-status filter: '' is any status. */
export const planStatusFilters = ['', 'none', 'draft', 'active'] as const;

/** The caseload's query string; anything unknown falls back to the default view rather than failing. */
export const caseloadQuery = z.object({
  sort: z.enum(caseloadSorts).catch('attention'),
  show: z.enum(caseloadFilters).catch('all'),
  status: z.enum(planStatusFilters).catch(''),
  q: z.string().trim().max(100).catch(''),
  /** `caseload`: the students you navigate, even when launched from a subject course (which lands on its own list). */
  view: z.enum(['caseload', '']).catch(''),
});
export type CaseloadQuery = z.infer<typeof caseloadQuery>;

export const reassignForm = z.object({
  navigatorId: z.string().uuid({ error: 'caseload.errors.chooseAdvisor' }),
});

export const preferredAdultForm = z.object({
  preferredAdult: z.string().trim().max(200, 'caseload.errors.tooLong'),
});
