import path from 'node:path';
import { z } from 'zod';
import { ConfigError, projectRoot } from '../web/config.js';
import { formText, isoDate } from '../web/forms.js';
import { loadDocument, loadOverlays, type WithTexts } from '../web/overlays.js';
import { labelOf, type Locale } from '../web/i18n.js';

/** Lengths the editor draws from (src/configuration/schema-form.ts: up to 200 characters a text box, past it a text area). */
const scriptLimits = { theme: 80, icebreaker: 300, prompt: 200 } as const;
/** The script's texts, each in the file and in a translation alike. */
export const scriptTexts = {
  theme: z.string().trim().min(1).max(scriptLimits.theme),
  icebreaker: z.string().trim().min(1, 'every week needs an icebreaker').max(scriptLimits.icebreaker),
  prompt: z.string().trim().min(1).max(scriptLimits.prompt),
};

export const scriptQuestionShape = {
  id: z.string().max(60).regex(/^[a-z0-9-]+$/, 'question ids are lowercase letters, digits and dashes'),
  prompt: scriptTexts.prompt,
  required: z.boolean(),
};
const question = z.object(scriptQuestionShape);

/** A week's questions: at least one, one of them required. `params.problem` names the words an editor shows (configuration.problems). */
export const weekQuestions = <Q extends z.ZodType<{ required: boolean }>>(q: Q) =>
  z
    .array(q)
    .min(1)
    .refine((qs) => qs.some((x) => x.required), { message: 'every week needs at least one required question', params: { code: 'requiredQuestion' } });

export const scriptWeekShape = {
  week: z.number().int().positive(),
  theme: scriptTexts.theme,
  icebreaker: scriptTexts.icebreaker,
};
const week = z.object({ ...scriptWeekShape, questions: weekQuestions(question) });

/** Where a student starts week 1 (README.md). */
export const weekFrom = z.enum(['firstCheckin', 'schoolYear']);

/**
 * The year's checks, on the file and on a tenant's script alike: weeks numbered 1, 2, 3... in order,
 * question ids unique across the year (a saved answer names its question by id).
 */
export function checkYear(s: { weeks: readonly { week: number; questions: readonly { id: string }[] }[] }, c: z.RefinementCtx): void {
  s.weeks.forEach((w, i) => {
    if (w.week !== i + 1) c.addIssue({ code: 'custom', path: ['weeks', i, 'week'], message: `weeks must be numbered 1, 2, 3... in order (found ${w.week} at position ${i + 1})`, params: { code: 'weeksInOrder' } });
  });
  const seen = new Set<string>();
  s.weeks.forEach((w, wi) =>
    w.questions.forEach((q, qi) => {
      if (seen.has(q.id)) c.addIssue({ code: 'custom', path: ['weeks', wi, 'questions', qi, 'id'], message: `question id ${q.id} is used twice`, params: { code: 'questionIdUsedTwice' } });
      seen.add(q.id);
    }),
  );
}

/** The check-in script (config/checkin-script.json): the needs the screener ships with (needs-screener.ts) and the weekly questions. */
export const checkinScriptSchema = z
  .object({
    /** Which week a student is in: counted from their first check-in this school year, or from the school year's first day (README.md). */
    weekFrom,
    needs: z
      .array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/), label: z.string().min(1), sensitive: z.boolean() }))
      .min(1),
    weeks: z.array(week).min(1),
  })
  .superRefine((s, c) => {
    checkYear(s, c);
    const needIds = s.needs.map((n) => n.id);
    const dupNeed = needIds.find((id, i) => needIds.indexOf(id) !== i);
    if (dupNeed) c.addIssue({ code: 'custom', path: ['needs'], message: `need id ${dupNeed} is used twice` });
  });
export type CheckinScript = z.infer<typeof checkinScriptSchema>;
export type ScriptWeek = CheckinScript['weeks'][number];

const scriptFile = path.join(projectRoot, 'config', 'checkin-script.json');

/** Read and check the script at start; every problem is reported at once, like the rest of the config. */
export function loadCheckinScript(file = scriptFile): CheckinScript {
  return loadDocument(file, checkinScriptSchema);
}

/**
 * Where the script's words are, by stable key: the texts a translation (config/checkin-script.<locale>.json)
 * must give, `{"needs": {<id>: label}, "weeks": {<week>: {"theme", "icebreaker"}}, "questions": {<id>: prompt}}`.
 * Question ids are unique across weeks, so a question needs no week in its key.
 */
const checkinScriptTexts: WithTexts<CheckinScript> = (script, text) => ({
  ...script,
  needs: script.needs.map((n) => ({ ...n, label: text(`needs.${n.id}`, n.label) })),
  weeks: script.weeks.map((w) => ({
    ...w,
    theme: text(`weeks.${w.week}.theme`, w.theme),
    icebreaker: text(`weeks.${w.week}.icebreaker`, w.icebreaker),
    questions: w.questions.map((q) => ({ ...q, prompt: text(`questions.${q.id}`, q.prompt) })),
  })),
});

/**
 * The script in every language the tool speaks: checkin-script.json (English, and the structure) with
 * each other locale's texts from checkin-script.<locale>.json. A translation that lacks a text or names
 * a need, week or question the script does not have stops the app with every problem named.
 */
export function loadCheckinScripts(locales: readonly string[], file = scriptFile): Record<string, CheckinScript> {
  const { docs, problems } = loadOverlays({ base: loadCheckinScript(file), baseFile: file, locales, withTexts: checkinScriptTexts, schema: checkinScriptSchema });
  if (problems.length > 0) throw new ConfigError(problems);
  return docs;
}

export const checkinFormats = ['in_person', 'video', 'phone', 'text'] as const;
export type CheckinFormat = (typeof checkinFormats)[number];
/** How a check-in happened, in the reader's language (a stored format the tool no longer offers shows as stored). */
export const formatLabel = (format: string, locale?: Locale): string => labelOf('checkins.formats', format, locale);
export const urgencies = ['concern', 'urgent'] as const;
export type Urgency = (typeof urgencies)[number];

/** Length limits of the check-in forms: the zod rules below and the fields' `maxlength` both read them. */
export const checkinLimits = { note: 4000, quickNote: 1000, answer: 2000 } as const;

const optionalRating = z
  .enum(['', '1', '2', '3', '4', '5'], { error: 'checkins.errors.chooseRating' })
  .optional()
  .transform((v) => (v ? Number(v) : null));
const note = (max: number) => formText(max, 'checkins.errors.tooLong').optional().default('');

export const checkinForm = z.object({
  date: isoDate,
  format: z.enum(checkinFormats, { error: 'checkins.errors.chooseFormat' }),
  attended: z.enum(['yes', 'no'], { error: 'checkins.errors.sayAttended' }),
  wellbeing: optionalRating,
  sharedNote: note(checkinLimits.note),
  adultNote: note(checkinLimits.note),
  version: z.string().optional(),
});
export type CheckinFormInput = z.infer<typeof checkinForm>;

/** A need field's value: empty (not raised), concern or urgent. */
export const needValue = z.enum(['', ...urgencies], { error: 'checkins.errors.chooseUrgency' });

export const quickForm = z.object({
  date: isoDate,
  format: z.enum(checkinFormats, { error: 'checkins.errors.chooseFormat' }),
  sharedNote: note(checkinLimits.quickNote),
});

/**
 * One student's row of the quick record: attended, absent, or not recorded ('' - the row is not
 * saved). Nothing is assumed: a rating needs the student to have attended.
 */
export const quickRow = z
  .object({
    attended: z.enum(['', 'yes', 'no'], { error: 'checkins.errors.chooseRow' }).default(''),
    wellbeing: optionalRating,
  })
  .superRefine((r, c) => {
    if (r.wellbeing === null) return;
    if (r.attended === '') c.addIssue({ code: 'custom', path: ['attended'], message: 'checkins.errors.ratingNeedsAttendance' });
    if (r.attended === 'no') c.addIssue({ code: 'custom', path: ['attended'], message: 'checkins.errors.absentNoRating' });
  });

export const answerText = formText(checkinLimits.answer, 'checkins.errors.answerTooLong');

/** How an open need was resolved (asked when an adult resolves it; stored on the need, audited). */
export const needResolutions = ['referral_made', 'handled_in_conversation', 'no_longer_needed'] as const;
export type NeedResolution = (typeof needResolutions)[number];
export const resolutionNoteMax = 1000;

/**
 * Resolving a need: how, and a note saying what was done. The note is required unless the need is
 * no longer needed (then there is nothing to say beyond that); it stays with the adults.
 */
export const resolveNeedForm = z
  .object({
    how: z.enum(needResolutions, { error: 'checkins.errors.chooseResolution' }),
    note: formText(resolutionNoteMax, 'checkins.errors.tooLong').optional().default(''),
  })
  .superRefine((v, c) => {
    if (v.how !== 'no_longer_needed' && v.note === '') c.addIssue({ code: 'custom', path: ['note'], message: 'checkins.errors.resolutionNote' });
  });
export type ResolveNeedForm = z.infer<typeof resolveNeedForm>;
