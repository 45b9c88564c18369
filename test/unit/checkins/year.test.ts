import { expect } from 'chai';
import { loadCheckinScript, loadCheckinScripts } from '../../../src/checkins/checkins.schemas.js';
import { shippedJson, shippedLocales } from '../../support/content.js';

type Overlay = { weeks: Record<string, { theme?: string; icebreaker?: string }>; questions: Record<string, string> };
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('the shipped check-in script: a school year (config/checkin-script.json)', () => {
  const script = loadCheckinScript();
  const counts = script.weeks.map((w) => w.questions.length);

  it('has 36 weeks numbered 1 to 36, each with a theme, an icebreaker and a required question', () => {
    expect(script.weeks.map((w) => w.week)).to.deep.equal(Array.from({ length: 36 }, (_, i) => i + 1));
    for (const w of script.weeks) {
      expect(w.theme.trim(), `week ${w.week} theme`).to.not.equal('');
      expect(w.icebreaker.trim(), `week ${w.week} icebreaker`).to.not.equal('');
      expect(w.questions.some((q) => q.required), `week ${w.week} has a required question`).to.equal(true);
    }
  });

  it('names every question once across the year, with its week in its id', () => {
    const ids = script.weeks.flatMap((w) => w.questions.map((q) => q.id));
    expect(new Set(ids).size).to.equal(ids.length);
    for (const w of script.weeks) for (const q of w.questions) expect(q.id, `week ${w.week}`).to.match(new RegExp(`^w${w.week}-`));
  });

  it('is structured early and lighter later: more questions in weeks 1-6 than in weeks 25-36', () => {
    const early = mean(counts.slice(0, 6));
    const late = mean(counts.slice(24, 36));
    expect(early).to.be.greaterThan(late);
    expect(Math.min(...counts.slice(0, 6)), 'every early week asks at least 4').to.be.at.least(4);
    expect(Math.max(...counts.slice(24, 36)), 'no late week asks more than 3').to.be.at.most(3);
  });

  it('ends with an open check-in that can repeat: few questions, one of them required', () => {
    const last = script.weeks.at(-1)!;
    expect(last.questions.length).to.be.at.most(2);
    expect(last.questions.filter((q) => q.required)).to.have.length(1);
  });

  it('has every week and question in the Spanish translation, each in its own words, and it loads', () => {
    const es = shippedJson('checkin-script.es.json') as Overlay;
    expect(Object.keys(es.weeks)).to.have.members(script.weeks.map((w) => String(w.week)));
    for (const w of script.weeks) expect(es.weeks[String(w.week)], `week ${w.week}`).to.have.all.keys('theme', 'icebreaker');
    expect(Object.keys(es.questions)).to.have.members(script.weeks.flatMap((w) => w.questions.map((q) => q.id)));
    // The loader refuses a missing or unknown key (script-locales.test.ts); here it accepts the year.
    const scripts = loadCheckinScripts(shippedLocales);
    expect(scripts.es!.weeks).to.have.length(36);
    expect(scripts.es!.weeks[19]!.questions.map((q) => q.prompt)).to.deep.equal(script.weeks[19]!.questions.map((q) => es.questions[q.id]));
  });
});
