import type { Locale } from '../web/i18n.js';
import type { Indicators, SuggestedTier } from './compute.js';
import { badgesOf, describeReason, type Badge } from './describe.js';
import type { IndicatorConfig } from './indicators.schemas.js';

export type { Badge } from './describe.js';
export type Tier = 1 | 2 | 3;

/**
 * One student's indicators as the caseload shows them (`summaryFor(tenantId, studentIds, locale)`):
 * read from the stored per-student row, so a caseload of any size is one query. Worded in `locale`.
 * A student with no data yet has `computedAt: null`, the four badges saying "no recent data" and tier 1.
 */
export interface IndicatorSummary {
  studentId: string;
  /** When the stored indicators were last computed (null: never). */
  computedAt: Date | null;
  /** The tier to sort by and show: the adult's confirmed or overriding decision, else the suggestion. */
  tier: Tier;
  /** What the rules suggest now. */
  suggestedTier: Tier;
  /** The latest adult decision, if any: `overridden` when it differs from the suggestion it was made on. */
  decision: { tier: Tier; overridden: boolean; decidedAt: Date } | null;
  /** The suggestion's reasons as sentences, highest tier first ("attended 84% of days in the last 30 (at risk)"). */
  reasons: string[];
  /** One badge per indicator, in a fixed order: attendance, behaviour, grades, well-being. */
  badges: Badge[];
}

/** The summary of computed indicators and a decision, in one language (`config`: the document in `locale`). */
export function summaryOf(
  studentId: string,
  stored: { indicators: Indicators; suggestion: SuggestedTier; computedAt: Date } | null,
  decision: { tier: Tier; suggestedTier: Tier; decidedAt: Date } | null,
  config: IndicatorConfig,
  locale: Locale,
  empty: Indicators,
): IndicatorSummary {
  const indicators = stored?.indicators ?? empty;
  const suggestedTier = stored?.suggestion.tier ?? 1;
  const reasons = (stored?.suggestion.reasons ?? []).map((r) => describeReason(r, config, locale));
  return {
    studentId,
    computedAt: stored?.computedAt ?? null,
    tier: decision?.tier ?? suggestedTier,
    suggestedTier,
    decision: decision ? { tier: decision.tier, overridden: decision.tier !== decision.suggestedTier, decidedAt: decision.decidedAt } : null,
    reasons,
    badges: badgesOf(indicators, config, locale),
  };
}
