import { z } from 'zod';

export const caseloadSorts = ['attention', 'name', 'status', 'checkin', 'tier'] as const;
export const caseloadFilters = ['all', 'overdue', 'urgent', 'needs', 'noplan'] as const;
/** How the caseload is laid out: '' (chosen by size), cards, or the compact table. */
export const caseloadLayouts = ['', 'cards', 'table'] as const;
/** From this many students the caseload opens as a table unless the reader chose cards. */
export const tableFrom = 30;
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
  /** Which page of the ranked list (1 = the first; past the last shows the last). */
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type CaseloadQuery = z.infer<typeof caseloadQuery>;

/** The page's query: the list's, and how to lay it out (cards or a compact table; '' lets the size decide). */
export const caseloadPageQuery = caseloadQuery.extend({ layout: z.enum(caseloadLayouts).catch('') });
export type CaseloadPageQuery = z.infer<typeof caseloadPageQuery>;

/** The person's preference key (people.preferences) for the layout they last chose, and its value read back. */
export const layoutPreference = 'caseloadLayout';
export const rememberedLayout = z.enum(['cards', 'table']);
export type RememberedLayout = z.infer<typeof rememberedLayout>;

export const reassignForm = z.object({
  navigatorId: z.string().uuid({ error: 'caseload.errors.chooseAdvisor' }),
});

export const preferredAdultForm = z.object({
  preferredAdult: z.string().trim().max(200, 'caseload.errors.tooLong'),
});
