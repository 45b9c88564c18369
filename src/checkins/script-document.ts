import { z } from 'zod';
import { documentKind, sampleStudent, type DocumentKind, type KindPreview } from '../configuration/configuration.kinds.js';
import { checkinFormModel, prepFormModel } from './checkins.presenter.js';
import { offeredNeeds, type NeedsScreener } from './needs-screener.js';
import { previewFieldsOf } from '../custom-fields/custom-fields.kind.js';
import type { CustomFields } from '../custom-fields/custom-fields.schemas.js';
import { t, type Locale } from '../web/i18n.js';
import { checkYear, scriptQuestionShape, scriptTexts, scriptWeekShape, weekFrom, weekQuestions, type CheckinScript, type ScriptWeek } from './checkins.schemas.js';

/**
 * The check-in script as a district changes it from the console (issue 14 item 3): a configuration
 * document of kind `checkin-script` (src/configuration), one a tenant. It holds how weeks count and the
 * weeks; each text carries its Spanish beside it (`es`), so one document, drawn as one form, is the
 * script in both languages the tool speaks. The needs are a document of their own (`needs-screener`,
 * needs-screener.ts), shipped from the same files.
 *
 * A text without its Spanish (an imported document may leave `es` out) is shown in English.
 */
const questionDoc = z.strictObject({
  id: scriptQuestionShape.id,
  prompt: scriptQuestionShape.prompt,
  es: z.strictObject({ prompt: scriptTexts.prompt }).optional(),
  required: scriptQuestionShape.required,
});

const weekDoc = z.strictObject({
  ...scriptWeekShape,
  es: z.strictObject({ theme: scriptTexts.theme, icebreaker: scriptTexts.icebreaker }).optional(),
  questions: weekQuestions(questionDoc),
});

export const checkinScriptDocumentSchema = z.strictObject({ weekFrom, weeks: z.array(weekDoc).min(1) }).superRefine(checkYear);
export type CheckinScriptDocument = z.infer<typeof checkinScriptDocumentSchema>;
type WeekDoc = CheckinScriptDocument['weeks'][number];

/**
 * The shipped script as one document: the structure and English of config/checkin-script.json, with the
 * Spanish of config/checkin-script.es.json beside each text (both files load and are checked at start,
 * loadCheckinScripts, so the weeks and questions line up one for one).
 */
export function scriptDocumentOf(scripts: Readonly<Record<string, CheckinScript>>): CheckinScriptDocument {
  const en = scripts.en!;
  const es = scripts.es!;
  return {
    weekFrom: en.weekFrom,
    weeks: en.weeks.map((w, i) => {
      const esWeek = es.weeks[i]!;
      return {
        week: w.week,
        theme: w.theme,
        icebreaker: w.icebreaker,
        es: { theme: esWeek.theme, icebreaker: esWeek.icebreaker },
        questions: w.questions.map((q, j) => ({ id: q.id, prompt: q.prompt, es: { prompt: esWeek.questions[j]!.prompt }, required: q.required })),
      };
    }),
  };
}

/** A text in the reader's language: its Spanish for a Spanish reader where the document has it, else its English. */
export const textIn = (english: string, spanish: string | undefined, locale?: Locale): string => (locale === 'es' && spanish) || english;

/** A week of the document in the reader's language. */
export function weekIn(w: WeekDoc, locale?: Locale): ScriptWeek {
  return {
    week: w.week,
    theme: textIn(w.theme, w.es?.theme, locale),
    icebreaker: textIn(w.icebreaker, w.es?.icebreaker, locale),
    questions: w.questions.map((q) => ({ id: q.id, prompt: textIn(q.prompt, q.es?.prompt, locale), required: q.required })),
  };
}

/**
 * The script's preview, a week at a time (its parts, week 1 first): the recording form as the adults see it,
 * or the student's prep form, with the needs the school's screener in force offers. Drawn with the real
 * forms' partials (checkin-fields, checkin-prep-fields) inside a disabled fieldset: nothing posts.
 */
const scriptPreview = (needsKind: DocumentKind<NeedsScreener>, fieldsKind: DocumentKind<CustomFields>): KindPreview<CheckinScriptDocument> => ({
  audiences: ['adult', 'student'],
  parts: (doc, locale) => doc.weeks.map((w) => ({ id: String(w.week), label: t('checkins.weekTheme', { week: w.week, theme: weekIn(w, locale).theme }, locale) })),
  async render(doc, { locale, audience, part, inForce }) {
    const prompts = { ...weekIn(doc.weeks.find((w) => String(w.week) === part) ?? doc.weeks[0]!, locale), afterScript: null };
    const needs = offeredNeeds(await inForce(needsKind), locale);
    if (audience === 'student') return { view: 'checkins/preview', model: { student: sampleStudent(locale), isStudent: true, ...prepFormModel(prompts, needs, {}) } };
    // The recording form carries the school's own check-in fields in force, as the real one does.
    const fields = previewFieldsOf(await inForce(fieldsKind), 'checkin', locale, audience);
    return { view: 'checkins/preview', model: { student: sampleStudent(locale), ...checkinFormModel(prompts, needs, {}, {}, locale), fields } };
  },
});

/** The `checkin-script` kind: the shipped default is today's files, in both languages; its preview offers the needs of the school's screener in force (`needs`). */
export const checkinScriptKind = (shipped: Readonly<Record<string, CheckinScript>>, needs: DocumentKind<NeedsScreener>, fields: DocumentKind<CustomFields>) =>
  documentKind<CheckinScriptDocument>({ id: 'checkin-script', schema: checkinScriptDocumentSchema, shipped: () => scriptDocumentOf(shipped), preview: scriptPreview(needs, fields) });
