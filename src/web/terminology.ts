import { createHash } from 'node:crypto';
import { z } from 'zod';
import { derivedFrom, documentKind } from '../configuration/configuration.kinds.js';
import { shippedTerms, termWordsOf, type Terms } from './i18n.js';

/**
 * Terminology (issue 14 item 3): what a school calls the adult who walks beside a student (navigator,
 * advisor, mentor, success coach...), singular and plural, in English with its Spanish beside it. A
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

export const terminologySchema = z.strictObject({ navigator: z.strictObject({ one: word, other: word, es: forms }) });
export type Terminology = z.infer<typeof terminologySchema>;

const shipped = (): Terminology => ({
  navigator: { one: shippedTerms.en!.navigator, other: shippedTerms.en!.navigators, es: { one: shippedTerms.es!.navigator, other: shippedTerms.es!.navigators } },
});

export const terminologyKind = documentKind<Terminology>({ id: 'terminology', schema: terminologySchema, shipped });

const shippedText = JSON.stringify(shipped());

/** A school's document as the words `t` fills in; undefined for the shipped words (the shared caches serve them). Worked out once per body read. */
export const termsOf = derivedFrom((doc: Terminology): Terms | undefined => {
  const text = JSON.stringify(doc);
  if (text === shippedText) return undefined;
  return {
    id: createHash('sha1').update(text).digest('base64url').slice(0, 12),
    words: { en: termWordsOf(doc.navigator.one, doc.navigator.other, 'en'), es: termWordsOf(doc.navigator.es.one, doc.navigator.es.other, 'es') },
  };
});
