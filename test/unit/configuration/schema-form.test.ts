import { expect } from 'chai';
import { z } from 'zod';
import { bodyFrom, formFields, jsonSchemaOf, type FormField } from '../../../src/configuration/schema-form.js';
import { loadReferralsConfig, referralRulesKind } from '../../../src/referrals/referrals.schemas.js';
import { locales, t } from '../../../src/web/i18n.js';
import { retentionKind } from '../../../src/records-requests/retention.js';
import { documentOf, planTemplateKind } from '../../../src/plans/plan-template.js';
import { loadPlanTemplates } from '../../../src/plans/plans.schemas.js';
import type { DocumentKind } from '../../../src/configuration/configuration.kinds.js';
import { permissionSetKind } from '../../../src/policies/permission-set.kind.js';
import { goalCategoriesKind } from '../../../src/goals/goals.schemas.js';
import { loadCheckinScripts } from '../../../src/checkins/checkins.schemas.js';
import { checkinScriptKind } from '../../../src/checkins/script-document.js';
import { needsScreenerKind } from '../../../src/checkins/needs-screener.js';
import { indicatorRulesKind } from '../../../src/indicators/indicator-rules.js';
import { terminologyKind } from '../../../src/web/terminology.js';
import { pulseSurveysKind } from '../../../src/surveys/pulse-document.js';
import { alertRoutingKind } from '../../../src/alerts/routing-document.js';
import { loadAlertRouting } from '../../../src/alerts/alerts.schemas.js';
import { loadSurveys } from '../../../src/surveys/surveys.schemas.js';
import { loadIndicatorConfig } from '../../../src/indicators/indicators.schemas.js';
import { customFieldsKind, loadShippedFields } from '../../../src/custom-fields/custom-fields.kind.js';
import { schoolCalendarKind, shippedCalendar } from '../../../src/calendar/school-calendar.js';

const picklist = z.strictObject({
  title: z.string().min(1).max(80),
  values: z.array(z.strictObject({ id: z.string().min(1), label: z.string().min(1), active: z.boolean(), order: z.number().int().optional() })).min(1),
});

/** Every label and option key of a form, at any depth. */
function keysOf(fields: readonly FormField[]): string[] {
  return fields.flatMap((f) => {
    const own = [f.labelKey];
    if (f.kind === 'group') return [...own, ...keysOf(f.fields)];
    if (f.kind === 'list') return [...own, ...f.items.flatMap((i) => keysOf(i.fields))];
    if (f.kind === 'select' || f.kind === 'choices') return [...own, ...f.options.map((o) => o.labelKey)];
    return own;
  });
}

describe('forms from schemas (issue 14 item 8)', () => {
  const schema = jsonSchemaOf(picklist);

  it('draws a field for every setting, named by its path, with the value in it and the error in place', () => {
    const fields = formFields('picklist', schema, { title: 'Goal kinds', values: [{ id: 'academic', label: 'Academic', active: true }] }, new Map([['values.0.label', 'Too short']]));
    expect(fields.map((f) => [f.kind, f.labelKey])).to.deep.equal([['text', 'configuration.kinds.picklist.title.label'], ['list', 'configuration.kinds.picklist.values.label']]);
    const list = fields[1] as Extract<FormField, { kind: 'list' }>;
    // The row there is, and one blank row to add another.
    expect(list.items).to.have.length(2);
    expect(list.items[0]!.fields.map((f) => ('name' in f ? f.name : f.kind))).to.deep.equal(['f.values.0.id', 'f.values.0.label', 'f.values.0.active', 'f.values.0.order']);
    expect(list.items[0]!.fields[1]).to.deep.include({ value: 'Academic', error: 'Too short' });
    expect(list.items[0]!.fields[2]).to.deep.include({ kind: 'checkbox', checked: true });
    expect(list.items[1]!.fields[0]).to.deep.include({ name: 'f.values.1.id', value: '' });
  });

  it('reads a posted form back: numbers as numbers, unticked boxes false, removed and blank rows left out, bad numbers kept as typed', () => {
    const body = bodyFrom(schema, {
      'f.title': ' Goal kinds ',
      'f.values.0.id': 'academic', 'f.values.0.label': 'Academic', 'f.values.0.active': 'on', 'f.values.0.order': '2',
      'f.values.1.id': 'old', 'f.values.1.label': 'Old', 'f.values.1._remove': 'on',
      'f.values.10.id': 'career', 'f.values.10.label': 'Career', 'f.values.10.order': 'first',
      'f.values.11.id': '', 'f.values.11.label': '', 'f.values.11.order': '',
    });
    expect(body).to.deep.equal({ title: 'Goal kinds', values: [{ id: 'academic', label: 'Academic', active: true, order: 2 }, { id: 'career', label: 'Career', active: false, order: 'first' }] });
    // The schema then refuses the number that is none, at its path.
    const parsed = picklist.safeParse(body);
    expect(parsed.success).to.equal(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).to.deep.equal(['values.1.order']);
  });

  it('round-trips the referral rules: the form of the shipped rules reads back as the shipped rules', () => {
    const kind = referralRulesKind(loadReferralsConfig());
    const rulesSchema = jsonSchemaOf(kind.schema);
    const posted: Record<string, string> = {};
    const fill = (fields: readonly FormField[]) => {
      for (const f of fields) {
        if (f.kind === 'group') fill(f.fields);
        else if (f.kind === 'choices') for (const o of f.options) { if (o.checked) posted[o.name] = 'on'; }
        else if (f.kind === 'select') posted[f.name] = f.options.find((o) => o.selected)?.value ?? '';
        else if (f.kind === 'checkbox') { if (f.checked) posted[f.name] = 'on'; }
        else if (f.kind !== 'list') posted[f.name] = f.value;
      }
    };
    const fields = formFields(kind.id, rulesSchema, kind.shipped());
    fill(fields);
    expect(bodyFrom(rulesSchema, posted)).to.deep.equal(kind.shipped());
    // Every label and option has words in every language the tool speaks.
    for (const locale of locales) for (const key of keysOf(fields)) expect(t(key, {}, locale), `${locale} ${key}`).to.not.equal(key);
  });

  it('has words for every shipped kind: its title, its intro, every label', () => {
    for (const kind of [referralRulesKind(loadReferralsConfig()), retentionKind, planTemplateKind(documentOf(loadPlanTemplates(locales))), goalCategoriesKind, permissionSetKind, checkinScriptKind(loadCheckinScripts(locales), needsScreenerKind(loadCheckinScripts(locales)), customFieldsKind(loadShippedFields())), needsScreenerKind(loadCheckinScripts(locales)), indicatorRulesKind(loadIndicatorConfig()), terminologyKind, pulseSurveysKind(loadSurveys(locales)), alertRoutingKind(loadAlertRouting()), customFieldsKind(loadShippedFields()), schoolCalendarKind(() => Promise.resolve(shippedCalendar()))] as DocumentKind[]) {
      const keys = [`configuration.kinds.${kind.id}.title`, `configuration.kinds.${kind.id}.intro`, ...keysOf(formFields(kind.id, jsonSchemaOf(kind.schema), kind.shipped()))];
      for (const locale of locales) for (const key of keys) expect(t(key, {}, locale), `${locale} ${key}`).to.not.equal(key);
    }
  });
});
