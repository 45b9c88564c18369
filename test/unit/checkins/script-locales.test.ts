import { expect } from 'chai';
import { loadCheckinScript, loadCheckinScripts } from '../../../src/checkins/checkins.schemas.js';
import { configProblems, contentFixture, leaves, shippedJson, shippedLocales } from '../../support/content.js';

/** The words of the script, written by its author and translated: everything else is structure. */
const textProps = new Set(['label', 'theme', 'icebreaker', 'prompt']);

type Overlay = { needs: Record<string, unknown>; weeks: Record<string, Record<string, string>>; questions: Record<string, string> };
const spanish = () => shippedJson('checkin-script.es.json') as Overlay;

describe('check-in script in every language (config/checkin-script.<locale>.json)', () => {
  it('ships a complete translation for every language of config/locales, which passes the script checks', () => {
    const scripts = loadCheckinScripts(shippedLocales);
    expect(Object.keys(scripts)).to.have.members(shippedLocales);
    expect(scripts.en).to.deep.equal(loadCheckinScript());
    expect(scripts.es!.weeks[0]!.theme).to.equal('Conocernos');
  });

  it('each translation differs from English in its texts only, and translates every one of them', () => {
    const scripts = loadCheckinScripts(shippedLocales);
    const english = leaves(scripts.en);
    for (const locale of shippedLocales.filter((l) => l !== 'en')) {
      const translated = leaves(scripts[locale]);
      expect([...translated.keys()], locale).to.deep.equal([...english.keys()]);
      for (const [at, value] of translated) {
        if (textProps.has(at.split('.').pop()!)) expect(value, `${locale} ${at}`).to.not.equal(english.get(at));
        else expect(value, `${locale} ${at}`).to.deep.equal(english.get(at));
      }
    }
  });

  it('keeps ids, required questions and sensitive needs as in English', () => {
    const { en, es } = loadCheckinScripts(shippedLocales);
    const food = es!.needs.find((n) => n.id === 'food')!;
    expect(food).to.deep.equal({ id: 'food', label: 'Alimentación', sensitive: true });
    expect(es!.weeks.map((w) => w.questions.map((q) => [q.id, q.required]))).to.deep.equal(en!.weeks.map((w) => w.questions.map((q) => [q.id, q.required])));
    expect(es!.weekFrom).to.equal(en!.weekFrom);
  });

  it('refuses a translation naming an unknown need, week or question, or missing a text, naming each problem and the file', () => {
    const overlay = spanish();
    delete overlay.questions['w3-goal'];
    delete overlay.weeks['4']!['icebreaker'];
    overlay.questions['w9-extra'] = '¿Algo más?';
    overlay.weeks['37'] = { theme: 'Extra', icebreaker: '¿Qué tal?' };
    overlay.needs['transport'] = 'Transporte';
    overlay.needs['food'] = { label: 'Alimentación' };
    const file = contentFixture('checkin-script', shippedJson('checkin-script.json'), { es: overlay });
    const text = configProblems(() => loadCheckinScripts(['en', 'es'], file));
    expect(text).to.contain('checkin-script.es.json questions.w3-goal: missing (English: "What is one thing you would like to get better at this month?")');
    expect(text).to.contain('checkin-script.es.json weeks.4.icebreaker: missing');
    expect(text).to.contain('checkin-script.es.json questions.w9-extra: unknown key');
    expect(text).to.contain('checkin-script.es.json weeks.37.theme: unknown key');
    expect(text).to.contain('checkin-script.es.json needs.transport: unknown key');
    // A need's text is its label itself, not an object holding one.
    expect(text).to.contain('checkin-script.es.json needs.food.label: unknown key').and.to.contain('checkin-script.es.json needs.food: missing');
  });

  it('refuses a missing translation and one that is not JSON', () => {
    const base = shippedJson('checkin-script.json');
    expect(configProblems(() => loadCheckinScripts(['en', 'fr'], contentFixture('checkin-script', base, {})))).to.contain('checkin-script.fr.json: missing');
    expect(configProblems(() => loadCheckinScripts(['en', 'es'], contentFixture('checkin-script', base, { es: '{ nope' })))).to.contain('checkin-script.es.json: ');
  });
});
