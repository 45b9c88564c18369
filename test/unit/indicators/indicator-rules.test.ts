import { expect } from 'chai';
import type { z } from 'zod';
import { loadIndicatorConfig } from '../../../src/indicators/indicators.schemas.js';
import { indicatorRulesKind, rulesOfConfig, withRules, type IndicatorRules } from '../../../src/indicators/indicator-rules.js';
import { bodyFrom, formFields, jsonSchemaOf, type FormField } from '../../../src/configuration/schema-form.js';
import { suggestTier, computeIndicators } from '../../../src/indicators/compute.js';

const base = loadIndicatorConfig();
const kind = indicatorRulesKind(base);
const problemsOf = (doc: unknown) => {
  const parsed = kind.schema.safeParse(doc);
  return parsed.success ? [] : parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: (i as z.core.$ZodIssueCustom).params?.code as string | undefined }));
};
const edited = (change: (d: IndicatorRules) => void): IndicatorRules => {
  const d = structuredClone(kind.shipped());
  change(d);
  return d;
};

/** Issue 14 item 3: a school's indicator thresholds and tier rules as a configuration document. */
describe('indicator rules document', () => {
  it('the shipped document is config/indicators.json: applied to it, it changes nothing', () => {
    expect(problemsOf(kind.shipped())).to.deep.equal([]);
    expect(withRules(base, rulesOfConfig(base))).to.deep.equal(base);
  });

  it("a school's thresholds and rules change what the computation says", () => {
    // 88% attendance: "at risk" by the shipped bands (90 / 80), "watch" once watch starts at 85; a rule on "watch" then suggests tier 2.
    const days = Array.from({ length: 25 }, (_, i) => ({ day: `2026-03-${String(i + 2).padStart(2, '0')}`, status: (i < 22 ? 'present' : 'absent') as 'present' | 'absent' }));
    const input = { attendance: days, incidents: [], scores: [], wellbeing: [], pulse: [] };
    const shipped = computeIndicators(input, base, '2026-03-27', '08-01');
    expect(shipped.bands.attendance).to.equal('at-risk');
    const school = withRules(base, edited((d) => {
      d.attendance.thresholds.watch = 85;
      d.tierRules = [{ id: 'attendance-watch', tier: 2, is: 'band', indicator: 'attendance', bands: ['watch'] }];
    }));
    const mine = computeIndicators(input, school, '2026-03-27', '08-01');
    expect(mine.bands.attendance).to.equal('watch');
    expect(suggestTier(mine, school).tier).to.equal(2);
    expect(suggestTier(mine, base).tier).to.equal(2, 'at risk suggests tier 2 by the shipped rules');
    expect(suggestTier(shipped, school).tier).to.equal(1, 'the school dropped the at-risk rule');
  });

  it('refuses thresholds out of order, a rule without what its test reads, and an id used twice, each with its code at its place', () => {
    expect(problemsOf(edited((d) => (d.attendance.thresholds.watch = 96)))).to.deep.equal([{ path: 'attendance.thresholds.watch', code: 'indicators_thresholds_fall' }]);
    expect(problemsOf(edited((d) => (d.behaviour.thresholds['at-risk'] = 1)))).to.deep.equal([{ path: 'behaviour.thresholds.at-risk', code: 'indicators_thresholds_rise' }]);
    expect(problemsOf(edited((d) => d.tierRules.push({ id: 'lonely', tier: 3, is: 'band', bands: [] })))).to.deep.equal([
      { path: `tierRules.${kind.shipped().tierRules.length}.indicator`, code: 'indicators_rule_needs_indicator' },
      { path: `tierRules.${kind.shipped().tierRules.length}.bands`, code: 'indicators_rule_needs_bands' },
    ]);
    expect(problemsOf(edited((d) => d.tierRules.push({ ...d.tierRules[0]! })))).to.deep.equal([{ path: `tierRules.${kind.shipped().tierRules.length}.id`, code: 'indicators_rule_twice' }]);
    expect(problemsOf(edited((d) => (d.recent.minSchoolDays = 40)))).to.deep.equal([{ path: 'recent.minSchoolDays', code: 'indicators_min_days' }]);
  });

  it('round-trips through its form: the form of the shipped document, posted as drawn, reads back as it', () => {
    const schema = jsonSchemaOf(kind.schema);
    const posted: Record<string, string> = {};
    const fill = (fields: readonly FormField[]) => {
      for (const f of fields) {
        if (f.kind === 'group') fill(f.fields);
        else if (f.kind === 'list') for (const item of f.items) fill(item.fields);
        else if (f.kind === 'choices') for (const o of f.options) { if (o.checked) posted[o.name] = 'on'; }
        else if (f.kind === 'select') posted[f.name] = f.options.find((o) => o.selected)?.value ?? '';
        else if (f.kind === 'checkbox') { if (f.checked) posted[f.name] = 'on'; }
        else posted[f.name] = f.value;
      }
    };
    fill(formFields(kind.id, schema, kind.shipped()));
    expect(kind.schema.parse(bodyFrom(schema, posted))).to.deep.equal(kind.shipped());
  });
});
