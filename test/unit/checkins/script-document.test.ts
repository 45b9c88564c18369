import { expect } from 'chai';
import { loadCheckinScripts } from '../../../src/checkins/checkins.schemas.js';
import { checkinScriptDocumentSchema, checkinScriptKind, weekIn, type CheckinScriptDocument } from '../../../src/checkins/script-document.js';
import { needsScreenerKind } from '../../../src/checkins/needs-screener.js';
import { customFieldsKind, loadShippedFields } from '../../../src/custom-fields/custom-fields.kind.js';
import { problemsOf } from '../../../src/configuration/configuration.schemas.js';
import { bodyFrom, formFields, jsonSchemaOf, type FormField } from '../../../src/configuration/schema-form.js';
import { shippedLocales } from '../../support/content.js';

/** The form as a browser posts it: every text box and text area as filled in, ticked boxes, no removals. */
function posted(fields: readonly FormField[], out: Record<string, string> = {}): Record<string, string> {
  for (const f of fields) {
    if (f.kind === 'group') posted(f.fields, out);
    else if (f.kind === 'list') for (const item of f.items) posted(item.fields, out);
    else if (f.kind === 'checkbox') { if (f.checked) out[f.name] = 'on'; }
    else if (f.kind === 'select') out[f.name] = f.options.find((o) => o.selected)?.value ?? '';
    else if (f.kind !== 'choices') out[f.name] = f.value;
  }
  return out;
}

describe('the check-in script as a configuration document (issue 14 item 3)', () => {
  const scripts = loadCheckinScripts(shippedLocales);
  const kind = checkinScriptKind(scripts, needsScreenerKind(scripts), customFieldsKind(loadShippedFields()));
  const shipped = kind.shipped();

  it('ships today\'s files: the full year of 36 weeks passes the schema, in English and in Spanish as the files say', () => {
    const parsed = checkinScriptDocumentSchema.safeParse(shipped);
    expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).to.equal(true);
    expect(shipped.weeks).to.have.length(36);
    expect(shipped.weekFrom).to.equal(scripts.en!.weekFrom);
    expect(shipped.weeks.map((w) => weekIn(w, 'en'))).to.deep.equal(scripts.en!.weeks);
    expect(shipped.weeks.map((w) => weekIn(w, 'es'))).to.deep.equal(scripts.es!.weeks);
    // Scaffolded early and tapering: the first week asks more required questions than the last.
    const required = shipped.weeks.map((w) => w.questions.filter((q) => q.required).length);
    expect(required[0]).to.be.greaterThan(required[35]!);
  });

  it('is drawn as a form that reads back as the shipped script (weeks and their questions as lists of rows)', () => {
    const schema = jsonSchemaOf(kind.schema);
    const fields = formFields(kind.id, schema, shipped);
    const weeks = fields.find((f) => f.labelKey === 'configuration.kinds.checkin-script.weeks.label');
    expect(weeks?.kind).to.equal('list');
    const form = posted(fields);
    expect(form).to.include({ 'f.weeks.0.questions.0.prompt': shipped.weeks[0]!.questions[0]!.prompt, 'f.weeks.0.questions.0.es.prompt': shipped.weeks[0]!.questions[0]!.es!.prompt });
    // The blank rows (a week, a question in each week) are dropped.
    expect(bodyFrom(schema, form)).to.deep.equal(shipped);
    // The server's limit on a form's fields (body-parser's parameterLimit, 1000) takes the year with room to grow.
    expect(Object.keys(form).length).to.be.below(800);
  });

  it('names each problem at its place, in words of its own', () => {
    const copy = (): CheckinScriptDocument => structuredClone(shipped);
    const noRequired = copy();
    noRequired.weeks[1]!.questions.forEach((q) => (q.required = false));
    noRequired.weeks[2]!.week = 7;
    noRequired.weeks[3]!.questions[0]!.id = shipped.weeks[0]!.questions[0]!.id;
    noRequired.weeks[0]!.questions[0]!.prompt = '  ';
    const problems = problemsOf(kind.id, kind.schema, noRequired).map((p) => [p.path, p.code]);
    expect(problems).to.deep.include.members([
      ['weeks.0.questions.0.prompt', 'too_small_text'],
      ['weeks.1.questions', 'requiredQuestion'],
    ]);
    // The year's checks run once every week is well formed.
    noRequired.weeks[0]!.questions[0]!.prompt = 'What went well?';
    noRequired.weeks[1]!.questions[0]!.required = true;
    expect(problemsOf(kind.id, kind.schema, noRequired).map((p) => [p.path, p.code])).to.deep.equal([
      ['weeks.2.week', 'weeksInOrder'],
      ['weeks.3.questions.0.id', 'questionIdUsedTwice'],
    ]);
  });

  it('shows a text the document gives no Spanish in English', () => {
    const w = { ...shipped.weeks[0]!, es: undefined, questions: shipped.weeks[0]!.questions.map(({ es: _es, ...q }) => q) };
    expect(checkinScriptDocumentSchema.safeParse({ ...shipped, weeks: [w, ...shipped.weeks.slice(1)] }).success).to.equal(true);
    expect(weekIn(w, 'es')).to.deep.equal(weekIn(w, 'en'));
  });
});
