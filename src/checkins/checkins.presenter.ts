import { prefixed } from '../web/forms.js';
import type { Locale } from '../web/i18n.js';
import type { NeedCategory } from './needs-screener.js';
import { checkinFormats, checkinLimits, formatLabel, type ScriptWeek } from './checkins.schemas.js';

type Body = Record<string, unknown>;
type Errors = Record<string, string>;
/** A week's prompts as a form shows them: the script's week, the week the student is in, and past the script's end its last week again. */
type Prompts = Omit<ScriptWeek, 'questions'> & { afterScript: { lastWeek: number } | null; questions: readonly (ScriptWeek['questions'][number] & { prepared?: string })[] };

/** The well-being ratings, 1 to 5. */
export const ratings = ['1', '2', '3', '4', '5'];
export const formatOptions = (selected: unknown, locale?: Locale) => checkinFormats.map((value) => ({ value, label: formatLabel(value, locale), selected: value === (selected ?? 'in_person') }));

/** The needs a form offers (views/partials/needs-fields.hbs): one select each, named need.<id>, with what was chosen and its error. */
export const needRows = (needs: readonly NeedCategory[], raw: Record<string, string>, errors: Errors) => needs.map((n) => ({ ...n, name: `need.${n.id}`, value: raw[n.id] ?? '', error: errors[`need.${n.id}`] }));

/** The week's questions as fields named answer.<id>, each with its value and error. */
const withAnswers = (prompts: Prompts, valueOf: (q: Prompts['questions'][number]) => string, errors: Errors) => ({
  ...prompts,
  questions: prompts.questions.map((q) => ({ ...q, name: `answer.${q.id}`, value: valueOf(q), error: errors[`answer.${q.id}`] })),
});

/** What the recording form draws (views/partials/checkin-fields.hbs): the week's questions, the needs offered, the formats and ratings, with what was posted. */
export function checkinFormModel(prompts: Prompts, needs: readonly NeedCategory[], values: Body, errors: Errors, locale?: Locale) {
  const answers = prefixed(values, 'answer');
  return {
    prompts: withAnswers(prompts, (q) => answers[q.id] ?? '', errors),
    needs: needRows(needs, prefixed(values, 'need'), errors),
    formats: formatOptions(values.format, locale),
    ratings: ratings.map((v) => ({ value: v, checked: v === values.wellbeing })),
    values,
    limits: checkinLimits,
    errors,
  };
}

/** What the student's prep form draws (views/partials/checkin-prep-fields.hbs): the week's questions with what they prepared (or posted), the needs offered. */
export function prepFormModel(prompts: Prompts, needs: readonly NeedCategory[], errors: Errors, posted?: Body) {
  const answers = posted && prefixed(posted, 'answer');
  return {
    prompts: withAnswers(prompts, (q) => (answers ? (answers[q.id] ?? '') : (q.prepared ?? '')), errors),
    needs: needRows(needs, posted ? prefixed(posted, 'need') : {}, errors),
    limits: checkinLimits,
    errors,
  };
}
