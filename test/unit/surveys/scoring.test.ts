import { expect } from 'chai';
import { resultsOf, scoreResponse, scoredValue, type ScoredItem } from '../../../src/surveys/scoring.js';
import { loadSurveys, surveysDocumentSchema } from '../../../src/surveys/surveys.schemas.js';
import { locales } from '../../../src/web/i18n.js';

const items: ScoredItem[] = [
  { id: 'a', construct: 'belonging', reverse: false },
  { id: 'b', construct: 'connectedness', reverse: false },
  { id: 'c', construct: 'connectedness', reverse: false },
  { id: 'd', construct: 'wellbeing', reverse: false },
  { id: 'e', construct: 'safety', reverse: true },
];

describe('surveys: scoring', () => {
  it('a reverse-scored item counts 6 - answer; an unanswered or out-of-scale one counts nothing', () => {
    expect(scoredValue(items[4]!, { e: 2 })).to.equal(4);
    expect(scoredValue(items[4]!, { e: 5 })).to.equal(1);
    expect(scoredValue(items[0]!, { a: 5 })).to.equal(5);
    expect(scoredValue(items[0]!, {})).to.equal(null);
    expect(scoredValue(items[0]!, { a: 7 })).to.equal(null);
    expect(scoredValue(items[0]!, { a: 2.5 })).to.equal(null);
  });

  it('per construct and overall: the mean of the answered items, one decimal', () => {
    // a=4; b=5, c=2 -> 3.5; d skipped; e=2 reversed -> 4. Overall (4+5+2+4)/4 = 3.75 -> 3.8.
    expect(scoreResponse(items, { a: 4, b: 5, c: 2, e: 2 })).to.deep.equal({
      constructs: { belonging: 4, connectedness: 3.5, wellbeing: null, safety: 4 },
      overall: 3.8,
      answered: 4,
    });
    // (1 + 2 + 2) / 3 = 1.666... -> 1.7
    expect(scoreResponse(items, { a: 1, b: 2, c: 2 }).overall).to.equal(1.7);
    expect(scoreResponse(items, {})).to.deep.equal({ constructs: { belonging: null, connectedness: null, wellbeing: null, safety: null }, overall: null, answered: 0 });
  });

  it('a group: respondents, means and counts of each point, per item and per construct, nothing suppressed', () => {
    const r = resultsOf(items, [{ a: 4, b: 5, c: 2, e: 2 }, { a: 2, b: 3, e: 5 }, { d: 3 }, {}]);
    expect(r.respondents).to.equal(3);
    expect(r.items.a).to.deep.equal({ respondents: 2, mean: 3, distribution: [0, 1, 0, 1, 0] });
    // e as answered: 2 and 5 (mean 3.5); the safety construct scores them 4 and 1.
    expect(r.items.e).to.deep.equal({ respondents: 2, mean: 3.5, distribution: [0, 1, 0, 0, 1] });
    expect(r.constructs.safety).to.deep.equal({ respondents: 2, mean: 2.5, distribution: [1, 0, 0, 1, 0] });
    // Student 1: (5+2)/2 = 3.5; student 2: 3. Mean 3.25 -> 3.3. Scored answers 5, 2, 3.
    expect(r.constructs.connectedness).to.deep.equal({ respondents: 2, mean: 3.3, distribution: [0, 1, 1, 0, 1] });
    expect(r.constructs.wellbeing).to.deep.equal({ respondents: 1, mean: 3, distribution: [0, 0, 1, 0, 0] });
    expect(r.items.d!.respondents).to.equal(1);
  });

  it('the shipped pulse: 4 to 6 items, each tagged with a construct, in every language', () => {
    const docs = loadSurveys(locales);
    for (const locale of locales) {
      const pulse = docs[locale]!.surveys.find((s) => s.id === 'belonging-pulse')!;
      expect(pulse.items.length).to.be.within(4, 6);
      expect(docs[locale]!.scale).to.have.length(5);
    }
    expect(docs.es!.surveys[0]!.title).to.equal('Pulso de pertenencia');
    expect(docs.en!.surveys[0]!.items.filter((i) => i.reverse).map((i) => i.id)).to.deep.equal(['bp-worried-safety']);
  });

  it('the config check refuses too few items, an unknown construct and a repeated item id', () => {
    const item = (id: string, construct = 'belonging') => ({ id, construct, text: 'x' });
    const doc = (its: unknown[]) => ({ scale: ['1', '2', '3', '4', '5'], surveys: [{ id: 's', title: 'S', intro: 'I', items: its }] });
    expect(surveysDocumentSchema.safeParse(doc([item('a'), item('b'), item('c')])).success).to.equal(false);
    expect(surveysDocumentSchema.safeParse(doc([item('a'), item('b'), item('c'), item('d', 'happiness')])).success).to.equal(false);
    expect(surveysDocumentSchema.safeParse(doc([item('a'), item('b'), item('c'), item('a')])).success).to.equal(false);
    expect(surveysDocumentSchema.safeParse(doc([item('a'), item('b'), item('c'), item('d')])).success).to.equal(true);
  });
});
