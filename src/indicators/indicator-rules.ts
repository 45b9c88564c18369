import { z } from 'zod';
import { documentKind } from '../configuration/configuration.kinds.js';
import type { Locale } from '../web/i18n.js';
import { rulesPreview } from './rules-preview.js';
import { indicatorNames, type IndicatorConfig, type IndicatorName, type TierCondition, type TierRule } from './indicators.schemas.js';

/**
 * Indicator bands and tier rules as a district changes them from the console (issue 14 item 3): a
 * configuration document of kind `indicator-rules`, one a tenant. It holds the numbers a school decides
 * (the recent window, each indicator's band thresholds, chronic absence, the failing score) and the tier
 * rules. The bands themselves (their ids, order and labels in every language), what counts as attending
 * and the GPA scale stay installation-wide in config/indicators.json: the caseload's needs-attention
 * rules, the school view and reports name bands by id.
 *
 * Drawn as a form (src/configuration/schema-form.ts), so thresholds are one number a band boundary, named
 * by the band the value reaches (`attendance.thresholds.watch`: attending at least this share is "watch"
 * or better), and a tier rule is one flat row: what it tests (`is`) and the fields that test takes.
 */
export const tierTests = ['band', 'chronicAbsence', 'suspension', 'coursesFailing', 'indicatorsInBands'] as const;
type TierTest = (typeof tierTests)[number];

const percent = z.number().min(0).max(100);
const ruleId = z.string().max(60).regex(/^[a-z0-9-]{1,60}$/);

/** The document's schema for an installation's bands (best first): one threshold for each band but the last. */
export function indicatorRulesSchema(bandIds: readonly [string, ...string[]]) {
  const thresholds = z.strictObject(Object.fromEntries(bandIds.slice(0, -1).map((id) => [id, z.number()])) as Record<string, z.ZodNumber>);
  const rule = z.strictObject({
    id: ruleId,
    tier: z.number().int().min(2).max(3),
    is: z.enum(tierTests),
    /** `band`: the indicator tested. */
    indicator: z.enum(indicatorNames).optional(),
    /** `band`, `indicatorsInBands`: the bands that count. */
    bands: z.array(z.enum(bandIds)),
    /** `suspension`: days; `coursesFailing`: courses; `indicatorsInBands`: indicators at once. */
    atLeast: z.number().min(0).optional(),
  });
  return z
    .strictObject({
      recent: z.strictObject({ days: z.number().int().min(7).max(365), minSchoolDays: z.number().int().min(1).max(365) }),
      attendance: z.strictObject({ thresholds, chronicAbsencePercent: percent }),
      behaviour: z.strictObject({ thresholds }),
      grades: z.strictObject({ thresholds, failingBelow: percent }),
      wellbeing: z.strictObject({ thresholds }),
      tierRules: z.array(rule).max(40),
    })
    .superRefine((doc, c) => {
      if (doc.recent.minSchoolDays > doc.recent.days) c.addIssue({ code: 'custom', path: ['recent', 'minSchoolDays'], message: 'cannot exceed recent.days', params: { code: 'indicators_min_days' } });
      const seen = new Set<string>();
      doc.tierRules.forEach((r, i) => {
        if (seen.has(r.id)) c.addIssue({ code: 'custom', path: ['tierRules', i, 'id'], message: `rule id ${r.id} is used twice`, params: { code: 'indicators_rule_twice', key: r.id } });
        seen.add(r.id);
        for (const field of needs[r.is]) {
          const missing = field === 'bands' ? r.bands.length === 0 : r[field] === undefined;
          if (missing) c.addIssue({ code: 'custom', path: ['tierRules', i, field], message: `a ${r.is} rule needs ${field}`, params: { code: `indicators_rule_needs_${field}`, key: r.id } });
        }
        if (r.is === 'indicatorsInBands' && r.atLeast !== undefined && (r.atLeast < 2 || r.atLeast > indicatorNames.length || !Number.isInteger(r.atLeast))) {
          c.addIssue({ code: 'custom', path: ['tierRules', i, 'atLeast'], message: 'between 2 and the number of indicators', params: { code: 'indicators_rule_count', key: r.id, maximum: String(indicatorNames.length) } });
        }
      });
    });
}
export type IndicatorRules = z.infer<ReturnType<typeof indicatorRulesSchema>>;
type RuleRow = IndicatorRules['tierRules'][number];

/** What each test reads besides its tier. */
const needs: Record<TierTest, readonly ('indicator' | 'bands' | 'atLeast')[]> = {
  band: ['indicator', 'bands'],
  chronicAbsence: [],
  suspension: ['atLeast'],
  coursesFailing: ['atLeast'],
  indicatorsInBands: ['bands', 'atLeast'],
};

const valuesOf = (t: IndicatorConfig[IndicatorName]['bands']) => ('atLeast' in t ? t.atLeast : t.atMost);

/** A tier condition as a form row's fields. */
function rowOf(r: TierRule): RuleRow {
  const w = r.when;
  const row: RuleRow = { id: r.id, tier: r.tier, is: w.is, bands: 'bands' in w ? w.bands : [] };
  if (w.is === 'band') row.indicator = w.indicator;
  if (w.is === 'suspension') row.atLeast = w.atLeastDays;
  if (w.is === 'coursesFailing' || w.is === 'indicatorsInBands') row.atLeast = w.atLeast;
  return row;
}

/** A checked row as the tier condition the computation reads. */
function conditionOf(r: RuleRow): TierCondition {
  if (r.is === 'band') return { is: 'band', indicator: r.indicator!, bands: r.bands };
  if (r.is === 'suspension') return { is: 'suspension', atLeastDays: r.atLeast! };
  if (r.is === 'coursesFailing') return { is: 'coursesFailing', atLeast: r.atLeast! };
  if (r.is === 'indicatorsInBands') return { is: 'indicatorsInBands', bands: r.bands, atLeast: r.atLeast! };
  return { is: 'chronicAbsence' };
}

/** The installation's numbers and rules as the shipped document. */
export function rulesOfConfig(base: IndicatorConfig): IndicatorRules {
  const boundaries = (name: IndicatorName) => Object.fromEntries(valuesOf(base[name].bands).map((v, i) => [base.bands[i]!.id, v]));
  return {
    recent: { ...base.recent },
    attendance: { thresholds: boundaries('attendance'), chronicAbsencePercent: base.attendance.chronicAbsencePercent },
    behaviour: { thresholds: boundaries('behaviour') },
    grades: { thresholds: boundaries('grades'), failingBelow: base.grades.failingBelow },
    wellbeing: { thresholds: boundaries('wellbeing') },
    tierRules: base.tiers.rules.map(rowOf),
  };
}

/** The installation's document (in one language) with a school's numbers and rules: what the computation reads for that school. */
export function withRules(base: IndicatorConfig, rules: IndicatorRules): IndicatorConfig {
  const bandsOf = (name: IndicatorName) => {
    const values = base.bands.slice(0, -1).map((b) => rules[name].thresholds[b.id]!);
    return 'atLeast' in base[name].bands ? { atLeast: values } : { atMost: values };
  };
  return {
    ...base,
    recent: rules.recent,
    attendance: { ...base.attendance, bands: bandsOf('attendance'), chronicAbsencePercent: rules.attendance.chronicAbsencePercent },
    behaviour: { bands: bandsOf('behaviour') },
    grades: { ...base.grades, bands: bandsOf('grades'), failingBelow: rules.grades.failingBelow },
    wellbeing: { bands: bandsOf('wellbeing') },
    tiers: { rules: rules.tierRules.map((r) => ({ id: r.id, tier: r.tier as 2 | 3, when: conditionOf(r) })) },
  };
}

/**
 * The `indicator-rules` kind for an installation's document. Thresholds must run from the best band to
 * the worst (falling for "at least", rising for "at most"), checked here with the band the admin typed.
 */
export function indicatorRulesKind(base: IndicatorConfig, configs: Readonly<Partial<Record<Locale, IndicatorConfig>>> = {}) {
  const ids = base.bands.map((b) => b.id) as [string, ...string[]];
  const schema = indicatorRulesSchema(ids).superRefine((doc, c) => {
    for (const name of indicatorNames) {
      const falling = 'atLeast' in base[name].bands;
      const values = ids.slice(0, -1).map((id) => doc[name].thresholds[id]!);
      values.forEach((v, i) => {
        if (i > 0 && (falling ? v >= values[i - 1]! : v <= values[i - 1]!)) {
          c.addIssue({ code: 'custom', path: [name, 'thresholds', ids[i]!], message: `thresholds must ${falling ? 'fall' : 'rise'} from the best band to the worst`, params: { code: falling ? 'indicators_thresholds_fall' : 'indicators_thresholds_rise' } });
        }
      });
    }
  });
  // The preview bands its sample students in the reader's language (`configs`: the installation's bands per language).
  return documentKind<IndicatorRules>({ id: 'indicator-rules', schema, shipped: () => rulesOfConfig(base), preview: rulesPreview((rules: IndicatorRules) => withRules(base, rules), configs) });
}
