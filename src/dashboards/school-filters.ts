import { z } from 'zod';
import { indicatorNames } from '../indicators/indicators.schemas.js';
import { bandOf, seenOn, tierColumns, type SeenBucket, type StudentFacts } from './school-figures.js';

/**
 * Which students are behind a number of the school view: every number links to the list with the
 * filter that counted it, and the list filters with the same facts, so the two always agree.
 */
export const studentShows = ['all', 'no_navigator', 'no_active_plan', 'seen_within', 'not_seen_2w', 'need', 'tier', 'band'] as const;
export type StudentShow = (typeof studentShows)[number];

export const studentFilter = z.object({
  show: z.enum(studentShows).default('all'),
  /** With show=need: the need category. */
  category: z.string().trim().min(1).max(60).optional(),
  /** With show=tier. */
  tier: z.enum(tierColumns).optional(),
  /** With show=band: the indicator and its band id (`none`: no band yet). */
  indicator: z.enum(indicatorNames).optional(),
  band: z.string().trim().regex(/^[a-z0-9-]{1,40}$/).optional(),
  grade: z.string().trim().min(1).max(10).optional(),
  advisory: z.uuid().optional(),
  navigator: z.uuid().optional(),
  /** A subgroup: dimension and value together (src/schools/groups.ts). */
  dimension: z.string().trim().min(1).max(70).optional(),
  value: z.string().trim().min(1).max(40).optional(),
});
export type StudentFilter = z.infer<typeof studentFilter>;

/** The filter as a test of one student, for a whole school's list: the day's seen bounds are worked out once, not per student. */
export function matcherOf(f: StudentFilter, today: string, cadenceDays: number): (s: StudentFacts) => boolean {
  const seenBy = seenOn(today, cadenceDays);
  return (s) => matches(s, f, seenBy);
}

function matches(s: StudentFacts, f: StudentFilter, seenBy: (lastSeenOn: string | null) => SeenBucket): boolean {
  if (f.grade !== undefined && (s.grade ?? 'none') !== f.grade) return false;
  if (f.advisory !== undefined && s.advisoryId !== f.advisory) return false;
  if (f.navigator !== undefined && !s.navigatorIds.includes(f.navigator)) return false;
  if (f.dimension !== undefined && (s.groups[f.dimension] ?? 'none') !== f.value) return false;
  switch (f.show) {
    case 'all':
      return true;
    case 'no_navigator':
      return s.navigatorIds.length === 0;
    case 'no_active_plan':
      return s.plan !== 'active';
    case 'seen_within':
      return seenBy(s.lastSeenOn) === 'within';
    case 'not_seen_2w':
      return seenBy(s.lastSeenOn) === 'not_seen_2w';
    case 'need':
      return s.needs.some((n) => n.category === f.category);
    case 'tier':
      return String(s.tier ?? 'none') === f.tier;
    case 'band':
      return f.indicator !== undefined && bandOf(s, f.indicator) === f.band;
  }
}
