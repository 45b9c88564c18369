import { expect } from 'chai';
import { loadPlanTemplate, loadPlanTemplates, PlanTemplateError } from '../../../src/plans/plans.schemas.js';
import { contentFixture, leaves, shippedJson, shippedLocales } from '../../support/content.js';

/** The words of a template, written by its author and translated: everything else is structure. */
const textProps = new Set(['name', 'title', 'intro', 'label', 'help']);
const lastProp = (leafPath: string) => leafPath.split('.').pop()!;

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(PlanTemplateError);
    return (err as PlanTemplateError).problems.join('\n');
  }
  return expect.fail('should refuse');
};

describe('plan template in every language (config/plan-template.<locale>.json)', () => {
  it('ships a complete translation for every language of config/locales, which passes the template checks', () => {
    expect(shippedLocales).to.include.members(['en', 'es']);
    const templates = loadPlanTemplates(shippedLocales);
    expect(Object.keys(templates)).to.have.members(shippedLocales);
    expect(templates.en).to.deep.equal(loadPlanTemplate());
    expect(templates.es!.sections[0]!.title).to.equal('Sobre mí');
  });

  it('each translation differs from English in its texts only, and translates every one of them', () => {
    const templates = loadPlanTemplates(shippedLocales);
    const english = leaves(templates.en);
    for (const locale of shippedLocales.filter((l) => l !== 'en')) {
      const translated = leaves(templates[locale]);
      expect([...translated.keys()], locale).to.deep.equal([...english.keys()]);
      for (const [at, value] of translated) {
        if (textProps.has(lastProp(at))) expect(value, `${locale} ${at}`).to.not.equal(english.get(at));
        else expect(value, `${locale} ${at}`).to.deep.equal(english.get(at));
      }
    }
  });

  it("a Spanish field keeps the English field's key, type, who edits it and who sees it", () => {
    const { en, es } = loadPlanTemplates(shippedLocales);
    const field = (t: typeof en, key: string) => t!.sections.flatMap((s) => s.fields).find((f) => f.key === key)!;
    const notes = field(es, 'adult-notes');
    expect(notes.label).to.equal('Notas para los adultos que apoyan a este estudiante');
    expect({ key: notes.key, type: notes.type, edit: notes.edit, see: notes.see }).to.deep.equal({ key: 'adult-notes', type: 'long', edit: 'adult', see: ['adult'] });
    const english = field(en, 'strengths');
    expect(field(es, 'strengths')).to.deep.include({ key: english.key, type: english.type, edit: english.edit, see: english.see });
  });

  it('refuses a translation naming an unknown key or missing a text, naming each problem and the file', () => {
    const overlay = shippedJson('plan-template.es.json') as { sections: Record<string, Record<string, string>>; fields: Record<string, Record<string, string>> };
    delete overlay.fields['strengths']!['help'];
    delete overlay.sections['community'];
    overlay.fields['favourite-colour'] = { label: 'Mi color favorito' };
    overlay.sections['about-me']!['subtitle'] = 'Quién soy';
    const file = contentFixture('plan-template', shippedJson('plan-template.json'), { es: overlay });
    const text = refusal(() => loadPlanTemplates(['en', 'es'], file));
    expect(text).to.contain('plan-template.es.json fields.strengths.help: missing (English: "In school, at home, with friends, in activities.")');
    expect(text).to.contain('plan-template.es.json sections.community.title: missing');
    expect(text).to.contain('plan-template.es.json fields.favourite-colour.label: unknown key');
    expect(text).to.contain('plan-template.es.json sections.about-me.subtitle: unknown key');
  });

  it('refuses an empty or non-text value, a missing file, a file that is not JSON, and a translation that breaks a limit', () => {
    const overlay = shippedJson('plan-template.es.json') as { name: unknown; fields: Record<string, Record<string, unknown>> };
    overlay.name = '  ';
    overlay.fields['needs']!['label'] = 42;
    const base = shippedJson('plan-template.json');
    const broken = refusal(() => loadPlanTemplates(['en', 'es'], contentFixture('plan-template', base, { es: overlay })));
    expect(broken).to.contain('plan-template.es.json name: is empty').and.to.contain('plan-template.es.json fields.needs.label: must be text');

    expect(refusal(() => loadPlanTemplates(['en', 'fr'], contentFixture('plan-template', base, {})))).to.contain('plan-template.fr.json: missing');
    expect(refusal(() => loadPlanTemplates(['en', 'es'], contentFixture('plan-template', base, { es: '{ nope' })))).to.contain('plan-template.es.json: ');

    const long = shippedJson('plan-template.es.json') as { fields: Record<string, Record<string, string>> };
    long.fields['careers']!['label'] = 'x'.repeat(201);
    expect(refusal(() => loadPlanTemplates(['en', 'es'], contentFixture('plan-template', base, { es: long })))).to.match(/plan-template\.es\.json sections\.2\.fields\.0\.label: .*200/);
  });
});
