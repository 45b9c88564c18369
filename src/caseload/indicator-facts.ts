import type { CaseloadIndicators, IndicatorBadge } from './caseload.service.js';
import type { IndicatorFacts } from './needs-attention.js';

/**
 * The caseload's view of one student's indicators, from what the indicators feature gives: its summary
 * (badges worded in the reader's language, the tier and the adult's decision) and the computed numbers
 * the needs-attention rules read as flags (chronic absence, courses failing, suspension days).
 */
export interface SummaryParts {
  computedAt: Date | null;
  tier: 1 | 2 | 3;
  decision: { tier: 1 | 2 | 3; overridden: boolean } | null;
  badges: IndicatorBadge[];
}
/** The part of src/indicators/compute.ts Indicators the flags come from. */
export interface FlagParts {
  recentDays: number;
  attendance: { chronicAbsence: boolean; missedPercentYear: number | null };
  behaviour: { recent: { suspensionDays: number } };
  grades: { failing: number };
}

export function caseloadIndicatorsOf(summary: SummaryParts, numbers: FlagParts | null): CaseloadIndicators {
  // No data yet and no adult decision: no tier to show (the rules' tier 1 would say nothing true).
  const tier = summary.computedAt === null && summary.decision === null ? null : { tier: summary.tier, confirmed: summary.decision !== null, overridden: summary.decision?.overridden ?? false };
  const badges = Object.fromEntries(summary.badges.map((b) => [b.indicator, { band: b.band, name: b.name, value: b.value, bandLabel: b.bandLabel }])) as IndicatorFacts['badges'];
  const facts: IndicatorFacts = {
    recentDays: numbers?.recentDays ?? 0,
    badges,
    chronicAbsence: numbers?.attendance.chronicAbsence && numbers.attendance.missedPercentYear !== null ? { missedPercent: numbers.attendance.missedPercentYear } : null,
    coursesFailing: numbers?.grades.failing ?? 0,
    suspensionDays: numbers?.behaviour.recent.suspensionDays ?? 0,
    tier: tier && { tier: tier.tier, confirmed: tier.confirmed },
  };
  return { badges: summary.badges, tier, facts };
}
