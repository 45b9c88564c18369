import { createHash } from 'node:crypto';
import { z } from 'zod';
import { derivedFrom, documentKind } from '../configuration/configuration.kinds.js';
import { shippedLabels, shippedTerms, termWordsOf, type Terms } from './i18n.js';
import { terminologyPreview } from './terminology-preview.js';

/**
 * Terminology (issue 14 item 3): what a school calls the adult who walks beside a student (navigator,
 * advisor, mentor, success coach...), singular and plural, in English with its Spanish beside it, and how
 * its pages name goals' statuses and referrals' states (the adults' short labels, and the plain words
 * students and families read). A
 * configuration document of kind `terminology`; every text that names the role says `{{term.navigator}}`
 * (src/web/i18n.ts), so the school's word shows on every page its people open.
 */
const word = z
  .string()
  .trim()
  .min(2)
  .max(40)
  // Letters, with spaces, apostrophes and hyphens between them: a word that reads inside any sentence and needs no escaping.
  .regex(/^\p{L}[\p{L}\p{M} '’\x2D]*$/u);
const forms = z.strictObject({ one: word, other: word });

/**
 * The codes whose labels a school may word its own way (issue 14 item 2, "statuses are editable"): a goal's
 * status and a referral's state as the adults' pages name them. The codes and what each means stay the
 * tool's (they drive the goal's and the referral's rules); only what people read changes.
 */
const renamable = { goalStatuses: 'goals.statuses', referralStates: 'referrals.state', studentReferralStates: 'referrals.studentState' } as const;
type Renamable = keyof typeof renamable;
// A label, not a sentence: letters, digits, spaces and plain punctuation, no markup or braces.
const label = z.string().trim().min(1).max(60).regex(/^[\p{L}\p{N}][\p{L}\p{M}\p{N} '’,.()/\x2D]*$/u);
const labelsOf = (prefix: string) => z.strictObject(Object.fromEntries(Object.keys(shippedLabels(prefix)).map((code) => [code, z.strictObject({ label, es: label })])));

export const terminologySchema = z.strictObject({
  // Spanish agrees its articles with the word: "la mentora", "de la mentora" (optional: older versions read as masculine).
  navigator: z.strictObject({ one: word, other: word, es: forms.extend({ feminine: z.boolean().optional() }) }),
  // Optional: versions published before statuses could be renamed read as the shipped labels.
  goalStatuses: labelsOf(renamable.goalStatuses).optional(),
  referralStates: labelsOf(renamable.referralStates).optional(),
  studentReferralStates: labelsOf(renamable.studentReferralStates).optional(),
});
export type Terminology = z.infer<typeof terminologySchema>;

const shippedPairs = (prefix: string) => {
  const es = shippedLabels(prefix, 'es');
  return Object.fromEntries(Object.entries(shippedLabels(prefix)).map(([code, text]) => [code, { label: text, es: es[code] ?? text }]));
};

const shipped = (): Terminology => ({
  navigator: { one: shippedTerms.en!.navigator, other: shippedTerms.en!.navigators, es: { one: shippedTerms.es!.navigator, other: shippedTerms.es!.navigators, feminine: false } },
  goalStatuses: shippedPairs(renamable.goalStatuses),
  referralStates: shippedPairs(renamable.referralStates),
  studentReferralStates: shippedPairs(renamable.studentReferralStates),
});

/** The school's labels as `t` reads them: by language, the text key each stands for. */
function labelsIn(doc: Terminology): NonNullable<Terms['labels']> {
  const en: Record<string, string> = {};
  const es: Record<string, string> = {};
  for (const kind of Object.keys(renamable) as Renamable[]) {
    for (const [code, pair] of Object.entries(doc[kind] ?? {})) {
      en[`${renamable[kind]}.${code}`] = pair.label;
      es[`${renamable[kind]}.${code}`] = pair.es;
    }
  }
  return { en, es };
}

export const terminologyKind = documentKind<Terminology>({ id: 'terminology', schema: terminologySchema, shipped, preview: { audiences: ['adult', 'student'], wordsOf: (doc) => wordsOf(doc), render: (_doc, view) => terminologyPreview(view) } });

const shippedText = JSON.stringify(shipped());

/** A document as the words `t` fills in, whatever they are (a preview speaks a draft's, even the shipped ones). Worked out once per body read. */
export const wordsOf = derivedFrom((doc: Terminology): Terms => {
  const text = JSON.stringify(doc);
  return {
    id: createHash('sha1').update(text).digest('base64url').slice(0, 12),
    words: { en: termWordsOf(doc.navigator.one, doc.navigator.other, 'en'), es: termWordsOf(doc.navigator.es.one, doc.navigator.es.other, 'es', doc.navigator.es.feminine) },
    labels: labelsIn(doc),
  };
});

/** A school's document as the words `t` fills in; undefined for the shipped words (the shared caches serve them). */
export const termsOf = derivedFrom((doc: Terminology): Terms | undefined => (JSON.stringify(doc) === shippedText ? undefined : wordsOf(doc)));
