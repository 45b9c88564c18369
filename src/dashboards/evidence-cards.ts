import type { Cell } from '../reports/suppression.js';
import type { PulseTable } from './pulse-figures.js';
import type { Coverage, ReferralCategoryFigures } from './school-figures.js';

/**
 * The school view's figures a team can attach to a reflection as evidence (issue 13, item 2), each the
 * same number the school view shows for the same school and day: they are computed by the school
 * view's own functions (school.service.ts `evidence`), with the same small-group suppression. Stored
 * frozen in a reflection, so every shape here is plain JSON.
 */
export const evidenceCardKinds = ['coverage', 'checkin-cadence', 'pulse-by-group', 'referral-response', 'tiers-by-grade'] as const;
export type EvidenceCardKind = (typeof evidenceCardKinds)[number];

export type EvidenceFigures =
  | { kind: 'coverage'; coverage: Coverage }
  /** Seen within the check-in cadence, seen but not within it, not seen in two weeks (or never). */
  | { kind: 'checkin-cadence'; cadenceDays: number; students: number; seenWithinCadence: number; lapsed: number; notSeen2Weeks: number }
  /** The latest pulse window's favourable shares by grade; null: no window yet, or the reader may not read results. */
  | { kind: 'pulse-by-group'; pulse: { windowId: string; table: PulseTable } | null }
  | { kind: 'referral-response'; referrals: ReferralCategoryFigures[] }
  | { kind: 'tiers-by-grade'; columns: string[]; rows: { key: string; cells: Cell[] }[] };

/** The check-in cadence from the school's coverage: every student falls in exactly one of the three. */
export const cadenceOf = (c: Coverage, cadenceDays: number): EvidenceFigures => ({
  kind: 'checkin-cadence',
  cadenceDays,
  students: c.students,
  seenWithinCadence: c.seenWithinCadence,
  lapsed: c.students - c.seenWithinCadence - c.notSeen2Weeks,
  notSeen2Weeks: c.notSeen2Weeks,
});
