import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { defaultLocale, hasText, labelOf, localeOf, locales, t } from '../../../src/web/i18n.js';
import { projectRoot } from '../../../src/web/config.js';

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full, ext) : full.endsWith(ext) ? [full] : [];
  });
}

/** Every text of a language as `key -> text`, one file per top-level key as the loader reads them. */
function textsOf(locale: string): Map<string, string> {
  const dir = path.join(projectRoot, 'config', 'locales', locale);
  const out = new Map<string, string>();
  const walk = (prefix: string, v: unknown) => {
    if (typeof v === 'string') out.set(prefix, v);
    else for (const [k, child] of Object.entries(v as Record<string, unknown>)) walk(`${prefix}.${k}`, child);
  };
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) walk(f.slice(0, -'.json'.length), JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
  return out;
}

/** A plural's forms differ between languages (es has `_many`): compare the key without its form. */
const withoutPluralForm = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '');
/** What a translation must keep: i18next's {{values}}, the page script's {n}, and its own markup. */
// A school's word for a role takes the shape each language's grammar asks for (a capital to start a sentence, Spanish's
// article agreeing with the word: {{term.Navigator}}, {{term.theNavigator}}): any of them is the same placeholder.
const termCase = (p: string) => p.replace(/^\{\{term\.\w+\}\}$/, '{{term}}');
const shapeOf = (text: string) => [...text.matchAll(/\{\{\s*[\w.]+\s*\}\}|\{\w+\}|<\/?\w+/g)].map((m) => termCase(m[0].replace(/\s/g, ''))).sort();

describe('i18n (config/locales/<lang>/*.json)', () => {
  it('has a message for every key a view or the code names', () => {
    const keys = new Set<string>();
    for (const f of filesUnder(path.join(projectRoot, 'views'), '.hbs')) for (const m of readFileSync(f, 'utf8').matchAll(/(?:\{\{|\()(?:t|tHtml) "([^"]+)"|titleKey: '([^']+)'/g)) keys.add((m[1] ?? m[2])!);
    for (const f of filesUnder(path.join(projectRoot, 'src'), '.ts')) {
      for (const m of readFileSync(f, 'utf8').matchAll(/\b(?:t|tr|message)\('([^']+)'|titleKey: '([^']+)'|: '(nav\.\w+)'/g)) keys.add((m[1] ?? m[2] ?? m[3])!);
      // A refused launch names its reason, a text of errors.launch.
      for (const m of readFileSync(f, 'utf8').matchAll(/\brefusal\(\s*\d+,\s*'[^']+',\s*'([^']+)'/g)) keys.add(`errors.launch.${m[1]!}`);
    }
    expect(keys.size).to.be.greaterThan(10);
    // A count picks a plural form: `{{t "caseload.total" count=n}}` has its texts as caseload.total_one, _other.
    expect([...keys].filter((k) => !hasText(k) && !hasText(`${k}_other`))).to.deep.equal([]);
  });

  it('speaks the languages it has a folder for, English first', () => {
    expect(locales).to.deep.equal(['en', 'es']);
    expect(defaultLocale).to.equal('en');
  });

  for (const locale of locales.filter((l) => l !== defaultLocale)) {
    it(`has every English text in ${locale} and nothing English lacks, with the same values and markup`, () => {
      const en = textsOf(defaultLocale);
      const other = textsOf(locale);
      const keys = (m: Map<string, string>) => new Set([...m.keys()].map(withoutPluralForm));
      expect([...keys(en)].filter((k) => !keys(other).has(k)), `missing in ${locale}`).to.deep.equal([]);
      expect([...keys(other)].filter((k) => !keys(en).has(k)), `only in ${locale}`).to.deep.equal([]);
      const shapes = (m: Map<string, string>) => new Map([...m].map(([k, v]) => [withoutPluralForm(k), shapeOf(v)]));
      const enShapes = shapes(en);
      const differing = [...shapes(other)].filter(([k, s]) => JSON.stringify(s) !== JSON.stringify(enShapes.get(k))).map(([k]) => k);
      expect(differing, `placeholders or markup differ in ${locale}`).to.deep.equal([]);
    });
  }

  it('reads a launch\'s or a browser\'s language tag as a language it speaks, or not at all', () => {
    expect(localeOf('es-MX')).to.equal('es');
    expect(localeOf('es_419')).to.equal('es');
    expect(localeOf('EN-gb')).to.equal('en');
    expect(localeOf('fr-CA')).to.equal(undefined);
    expect(localeOf('')).to.equal(undefined);
    expect(localeOf(undefined)).to.equal(undefined);
  });

  it('fills placeholders, refuses an unknown key, and labels unknown codes by the code', () => {
    expect(t('jobs.paging.status', { page: 2, pages: 3, total: 60 })).to.equal('Page 2 of 3 (60 jobs)');
    expect(t('jobs.paging.status', { page: 2, pages: 3, total: 60 }, 'es')).to.equal('Página 2 de 3 (60 tareas)');
    expect(() => t('no.such.key')).to.throw('no message for no.such.key');
    expect(labelOf('jobs.state', 'failed')).to.equal('Failed');
    expect(labelOf('jobs.state', 'failed', 'es')).to.equal('Fallida');
    expect(labelOf('jobs.state', 'exotic')).to.equal('exotic');
  });
  it('says each set of values in its own words, in each language, however often it is asked', () => {
    // The texts with values are remembered by language, key and values: a remembered text must never stand for another.
    for (let round = 0; round < 2; round++) {
      expect(t('caseload.goals', { active: 2, achieved: 1 }, 'en')).to.equal('2 active, 1 achieved');
      expect(t('caseload.goals', { active: 2, achieved: 1 }, 'es')).to.equal('2 activas, 1 logradas');
      expect(t('caseload.goals', { active: 1, achieved: 2 }, 'en')).to.equal('1 active, 2 achieved');
      expect(t('caseload.trusts', { name: 'Ana' }, 'en')).to.equal('trusts Ana');
      expect(t('caseload.trusts', { name: 'Ana\u0000name=' }, 'en')).to.equal('trusts Ana\u0000name=');
      expect(t('caseload.goals', { active: '2', achieved: 1 }, 'en')).to.equal('2 active, 1 achieved');
    }
  });
});
