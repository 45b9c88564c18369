import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { hasText, labelOf, t } from '../../../src/web/i18n.js';
import { projectRoot } from '../../../src/web/config.js';

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, ext) : full.endsWith(ext) ? [full] : [];
  });
}

describe('i18n (config/locales/en/*.json)', () => {
  it('has a message for every key a view or the code names', () => {
    const keys = new Set<string>();
    for (const f of filesUnder(path.join(projectRoot, 'views'), '.hbs')) for (const m of readFileSync(f, 'utf8').matchAll(/(?:\{\{|\()t "([^"]+)"/g)) keys.add(m[1]!);
    for (const f of filesUnder(path.join(projectRoot, 'src'), '.ts')) for (const m of readFileSync(f, 'utf8').matchAll(/\bt\('([^']+)'/g)) keys.add(m[1]!);
    expect(keys.size).to.be.greaterThan(10);
    // A count picks a plural form: `{{t "caseload.total" count=n}}` has its texts as caseload.total_one, _other.
    expect([...keys].filter((k) => !hasText(k) && !hasText(`${k}_other`))).to.deep.equal([]);
  });

  it('fills placeholders, refuses an unknown key, and labels unknown codes by the code', () => {
    expect(t('jobs.paging.status', { page: 2, pages: 3, total: 60 })).to.equal('Page 2 of 3 (60 jobs)');
    expect(() => t('no.such.key')).to.throw('no message for no.such.key');
    expect(labelOf('jobs.state', 'failed')).to.equal('Failed');
    expect(labelOf('jobs.state', 'exotic')).to.equal('exotic');
  });
});
