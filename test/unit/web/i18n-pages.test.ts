import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../../src/web/config.js';

/** The areas of the record pages a student, their family and their advisors read, translated together. */
const areas = ['common', 'plans', 'goals', 'checkins', 'caseload', 'caseloadData', 'courses'];
/** Their templates: every text in them comes from config/locales through {{t}}. */
const views = [
  ...['plans', 'goals', 'checkins', 'caseload', 'courses'].flatMap((dir) =>
    readdirSync(path.join(projectRoot, 'views', 'pages', dir))
      .filter((f) => f.endsWith('.hbs'))
      .map((f) => path.join('pages', dir, f)),
  ),
  ...['goal-fields', 'goal-new-heading', 'plan-field', 'needs-fields', 'checkin-fields', 'checkin-prep-fields', 'indicator-badge', 'indicator-tier', 'indicator-progress'].map((p) => path.join('partials', `${p}.hbs`)),
];

type Texts = Map<string, string>;

/** An area's file as dotted keys (`plans.show.print`) and their texts. */
function textsOf(lang: string, area: string): Texts {
  const out: Texts = new Map();
  const walk = (node: unknown, prefix: string) => {
    if (typeof node === 'string') out.set(prefix, node);
    else for (const [k, v] of Object.entries(node as Record<string, unknown>)) walk(v, `${prefix}.${k}`);
  };
  walk(JSON.parse(readFileSync(path.join(projectRoot, 'config', 'locales', lang, `${area}.json`), 'utf8')) as unknown, area);
  return out;
}

// {{term.Navigator}}, {{term.navigator}}, {{term.theNavigator}}: one school word, in the shape each language's grammar asks for.
const placeholders = (text: string) => [...text.matchAll(/\{\{\s*([^}\s,]+)/g)].map((m) => m[1]!.replace(/^term\.\w+$/, 'term')).sort();

/** i18next's plural forms: `x_one`, `x_other`... stand for the key `x`, with the forms the language's rules name. */
const pluralSuffix = /_(zero|one|two|few|many|other)$/;
const byKey = (texts: Texts) => {
  const keys = new Map<string, Map<string, string>>();
  for (const [key, text] of texts) {
    const form = pluralSuffix.exec(key)?.[1] ?? '';
    const base = form ? key.slice(0, -form.length - 1) : key;
    keys.set(base, (keys.get(base) ?? new Map<string, string>()).set(form, text));
  }
  return keys;
};

/**
 * What of a template a person reads that is not a {{...}}: the text between tags and the
 * attributes read aloud. Comments and <code> (names of parameters, not words) are not text.
 */
function bareText(template: string): string[] {
  const source = template.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, '').replace(/<code>[\s\S]*?<\/code>/g, '');
  const mustache = /\{\{\{[\s\S]*?\}\}\}|\{\{[\s\S]*?\}\}/g;
  const found: string[] = [];
  // A text handed to a partial or a helper as a string ({{> needs-fields legend="Needs raised"}}):
  // a key or a code never has a space in it.
  for (const m of source.matchAll(mustache)) for (const s of m[0].matchAll(/"([^"]*)"/g)) if (/\s/.test(s[1]!)) found.push(s[1]!);
  const withoutMustaches = source.replace(mustache, '');
  for (const m of withoutMustaches.matchAll(/\s(?:aria-label|title|placeholder|alt)="([^"]*)"/g)) found.push(m[1]!);
  for (const text of withoutMustaches.replace(/<[^>]*>/g, '\n').split('\n')) found.push(text);
  return found.map((s) => s.trim()).filter((s) => /\p{L}/u.test(s));
}

describe('i18n of the record pages (plans, goals, check-ins, caseload, courses)', () => {
  it('has every English key in Spanish, with the same placeholders and the plural forms Spanish needs', () => {
    const spanishForms = new Intl.PluralRules('es').resolvedOptions().pluralCategories;
    const problems: string[] = [];
    for (const area of areas) {
      const en = byKey(textsOf('en', area));
      const es = byKey(textsOf('es', area));
      for (const key of es.keys()) if (!en.has(key)) problems.push(`${key}: only in es`);
      for (const [key, enForms] of en) {
        const esForms = es.get(key);
        if (!esForms) {
          problems.push(`${key}: missing in es`);
          continue;
        }
        const plural = !enForms.has('');
        const wanted = plural ? spanishForms : [''];
        for (const form of wanted) if (!esForms.has(form)) problems.push(`${key}: no es form "${form || 'text'}"`);
        // Each form names the English placeholders; a singular may say "one" instead of {{count}}.
        const expected = placeholders(enForms.get(plural ? 'other' : '') ?? '');
        for (const [form, text] of esForms) {
          const got = placeholders(text);
          const fine = JSON.stringify(got) === JSON.stringify(expected) || (form === 'one' && JSON.stringify(got) === JSON.stringify(expected.filter((p) => p !== 'count')));
          if (!fine) problems.push(`${key}${form ? `_${form}` : ''}: es has {{${got.join('}}, {{')}}}, en {{${expected.join('}}, {{')}}}`);
        }
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('has no English written into the templates: every text a person reads comes through {{t}}', () => {
    expect(views.length).to.be.greaterThan(15);
    const found = views.flatMap((view) => bareText(readFileSync(path.join(projectRoot, 'views', view), 'utf8')).map((text) => `${view}: ${text}`));
    expect(found).to.deep.equal([]);
  });

  it('finds a hard-coded text, in the page, in an attribute, or handed to a partial', () => {
    expect(bareText('<p>{{t "goals.empty"}} · {{date d}}</p><span class="muted">—</span>{{!-- a comment --}}<code>advisory=true</code>')).to.deep.equal([]);
    expect(bareText('<h2>{{title}} saved</h2>')).to.deep.equal(['saved']);
    expect(bareText('<ul aria-label="Your students">')).to.deep.equal(['Your students']);
    expect(bareText('<ul aria-label="{{t "plans.family.list"}}">')).to.deep.equal([]);
    expect(bareText('{{> needs-fields legend="Needs raised" needs=needs}}')).to.deep.equal(['Needs raised']);
  });
});
