import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadCheckinScript } from '../../../src/checkins/checkins.schemas.js';
import { ConfigError } from '../../../src/web/config.js';

const write = (content: unknown) => {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'script-')), 'checkin-script.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

describe('check-in script (config/checkin-script.json)', () => {
  it('the shipped script passes, with the nine Nashville needs and sensitive ones marked', () => {
    const s = loadCheckinScript();
    expect(s.needs.map((n) => n.id)).to.have.members(['technology', 'workspace', 'food', 'housing', 'academic', 'wellbeing', 'enrichment', 'health', 'family']);
    expect(s.needs.filter((n) => n.sensitive).map((n) => n.id)).to.have.members(['food', 'housing', 'wellbeing', 'family']);
    // More structure early: the first week asks more required questions than the last.
    const required = s.weeks.map((w) => w.questions.filter((q) => q.required).length);
    expect(required[0]).to.be.greaterThan(required[required.length - 1]!);
  });

  it('reports every problem at once', () => {
    const file = write({
      weekFrom: 'someday',
      needs: [{ id: 'food', label: 'Food', sensitive: true }, { id: 'food', label: 'Food again', sensitive: false }],
      weeks: [{ week: 2, theme: 'x', icebreaker: '', questions: [{ id: 'q', prompt: 'p', required: false }] }],
    });
    try {
      loadCheckinScript(file);
      expect.fail('should throw');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const text = (err as ConfigError).problems.join('\n');
      expect(text).to.contain('weekFrom').and.to.contain('every week needs an icebreaker').and.to.contain('at least one required question');
    }
  });

  it('refuses a file that is not JSON', () => {
    expect(() => loadCheckinScript(write('{ nope'))).to.throw(ConfigError, /checkin-script.json/);
  });
});
