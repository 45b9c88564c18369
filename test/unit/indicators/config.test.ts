import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadIndicatorConfig, loadIndicatorConfigIn } from '../../../src/indicators/indicators.schemas.js';
import { ConfigError } from '../../../src/web/config.js';
import { locales } from '../../../src/web/i18n.js';

const shipped = JSON.parse(readFileSync(path.join(process.cwd(), 'config', 'indicators.json'), 'utf8')) as Record<string, unknown>;

function problemsOf(doc: unknown, overlay?: unknown): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'indicators-'));
  const file = path.join(dir, 'indicators.json');
  writeFileSync(file, JSON.stringify(doc));
  if (overlay !== undefined) writeFileSync(path.join(dir, 'indicators.es.json'), JSON.stringify(overlay));
  try {
    if (overlay === undefined) loadIndicatorConfig(file);
    else loadIndicatorConfigIn(['en', 'es'], file);
    return [];
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
}
const edit = (f: (d: Record<string, any>) => void): Record<string, unknown> => { // eslint-disable-line @typescript-eslint/no-explicit-any -- a test edits a parsed JSON document freely
  const d = structuredClone(shipped);
  f(d);
  return d;
};

describe('indicators: config/indicators.json', () => {
  it('ships four bands with the issue\'s thresholds, and a Spanish label for each', () => {
    const docs = loadIndicatorConfigIn(locales);
    expect(docs.en!.bands.map((b) => b.id)).to.deep.equal(['on-track', 'watch', 'at-risk', 'off-track']);
    expect(docs.en!.attendance.bands).to.deep.equal({ atLeast: [95, 90, 80] });
    expect(docs.en!.behaviour.bands).to.deep.equal({ atMost: [0, 2, 5] });
    expect(docs.en!.attendance.chronicAbsencePercent).to.equal(10);
    expect(docs.es!.bands.map((b) => b.label)).to.deep.equal(['bien encaminado', 'en observación', 'en riesgo', 'fuera de rumbo']);
    expect(docs.es!.tiers).to.deep.equal(docs.en!.tiers);
  });

  it('names every problem at once: threshold count and order, unknown bands in rules, duplicate ids', () => {
    const problems = problemsOf(
      edit((d) => {
        d.attendance.bands = { atLeast: [80, 90, 95] };
        d.behaviour.bands = { atMost: [1, 2] };
        d.tiers.rules.push({ id: 'attendance-at-risk', tier: 2, when: { is: 'band', indicator: 'attendance', bands: ['red'] } });
      }),
    );
    expect(problems.join('\n')).to.contain('attendance.bands.atLeast: atLeast thresholds must fall');
    expect(problems.join('\n')).to.contain('behaviour.bands.atMost: needs 3 thresholds');
    expect(problems.join('\n')).to.contain('unknown band red');
    expect(problems.join('\n')).to.contain('rule id attendance-at-risk is used twice');
  });

  it('refuses an unknown condition, a tier 1 rule and a stray field', () => {
    const problems = problemsOf(edit((d) => d.tiers.rules.push({ id: 'x', tier: 1, when: { is: 'moonPhase' } }, { id: 'y', tier: 2, when: { is: 'chronicAbsence' }, colour: 'red' })));
    expect(problems.length).to.be.greaterThanOrEqual(3);
    expect(problems.every((p) => p.startsWith('indicators.json tiers.rules.'))).to.equal(true);
  });

  it('an overlay missing a band label or naming an unknown one stops the app', () => {
    const problems = problemsOf(shipped, { bands: { 'on-track': 'bien', watch: 'vigilar', 'at-risk': 'riesgo', purple: 'morado' } });
    expect(problems).to.include.members(['indicators.es.json bands.purple: unknown key (the English document has no such text)', 'indicators.es.json bands.off-track: missing (English: "off track")']);
  });

  it('a file that is not JSON is a config error, not a crash', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'indicators-'));
    writeFileSync(path.join(dir, 'indicators.json'), '{ nope');
    expect(() => loadIndicatorConfig(path.join(dir, 'indicators.json'))).to.throw(ConfigError);
  });
});
