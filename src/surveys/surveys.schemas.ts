import path from 'node:path';
import { z } from 'zod';
import { ConfigError, projectRoot } from '../web/config.js';
import { isoDate } from '../web/forms.js';
import { loadDocument, loadOverlays, type WithTexts } from '../web/overlays.js';
import { constructs } from './scoring.js';

const id = z.string().regex(/^[a-z0-9-]+$/, 'ids are lowercase letters, digits and dashes');

/** One statement the student rates on the agreement scale; `reverse`: agreeing means things are worse (scored 6 - answer). */
const item = z.object({
  id,
  construct: z.enum(constructs),
  text: z.string().min(1).max(300),
  reverse: z.boolean().optional().default(false),
});

/** A pulse: 4 to 6 Likert items, never free text (what a student writes here would be read by nobody in time). */
const survey = z.object({
  id,
  title: z.string().min(1).max(120),
  intro: z.string().min(1).max(600),
  items: z.array(item).min(4, 'a pulse has 4 to 6 items').max(6, 'a pulse has 4 to 6 items'),
});

/** The pulse surveys (config/surveys.json): the agreement scale's five labels (1 = strongly disagree) and the surveys. */
export const surveysDocumentSchema = z
  .object({
    scale: z.array(z.string().min(1).max(60)).length(5, 'the scale has five labelled points, 1 to 5'),
    surveys: z.array(survey).min(1),
  })
  .superRefine((d, c) => {
    const surveyIds = d.surveys.map((s) => s.id);
    const dupSurvey = surveyIds.find((s, i) => surveyIds.indexOf(s) !== i);
    if (dupSurvey) c.addIssue({ code: 'custom', path: ['surveys'], message: `survey id ${dupSurvey} is used twice` });
    // Item ids are unique across surveys: a translation keys an item by its id alone, and answers are stored by it.
    const itemIds = d.surveys.flatMap((s) => s.items.map((i) => i.id));
    const dupItem = itemIds.find((s, i) => itemIds.indexOf(s) !== i);
    if (dupItem) c.addIssue({ code: 'custom', path: ['surveys'], message: `item id ${dupItem} is used twice` });
  });
export type SurveysDocument = z.infer<typeof surveysDocumentSchema>;
export type Survey = SurveysDocument['surveys'][number];
export type SurveyItem = Survey['items'][number];

const surveysFile = path.join(projectRoot, 'config', 'surveys.json');

/**
 * Where the document's words are: `{"scale": {"1".."5"}, "surveys": {<id>: {"title", "intro"}}, "items": {<itemId>: text}}`
 * in config/surveys.<locale>.json.
 */
const surveysTexts: WithTexts<SurveysDocument> = (doc, text) => ({
  ...doc,
  scale: doc.scale.map((label, i) => text(`scale.${i + 1}`, label)),
  surveys: doc.surveys.map((s) => ({
    ...s,
    title: text(`surveys.${s.id}.title`, s.title),
    intro: text(`surveys.${s.id}.intro`, s.intro),
    items: s.items.map((i) => ({ ...i, text: text(`items.${i.id}`, i.text) })),
  })),
});

/** The surveys in every language the tool speaks, checked at start: every problem of every file named at once. */
export function loadSurveys(locales: readonly string[], file = surveysFile): Record<string, SurveysDocument> {
  const { docs, problems } = loadOverlays({ base: loadDocument(file, surveysDocumentSchema), baseFile: file, locales, withTexts: surveysTexts, schema: surveysDocumentSchema });
  if (problems.length > 0) throw new ConfigError(problems);
  return docs;
}

/** The admin's new window: which survey, from and to which day (the school's days), for one school or every school (empty). */
export const windowForm = (surveyIds: readonly string[]) =>
  z
    .object({
      surveyId: z.string().refine((v) => surveyIds.includes(v), 'surveys.errors.chooseSurvey'),
      opensOn: isoDate,
      closesOn: isoDate,
      schoolId: z.union([z.literal(''), z.uuid('surveys.errors.schoolId')]).default(''),
    })
    .refine((f) => f.closesOn >= f.opensOn, { path: ['closesOn'], message: 'surveys.errors.closesBeforeOpens' })
    .refine((f) => (Date.parse(f.closesOn) - Date.parse(f.opensOn)) / 86_400_000 < 120, { path: ['closesOn'], message: 'surveys.errors.tooLong' });
export type WindowFormInput = z.infer<ReturnType<typeof windowForm>>;

/** A posted answer: empty (skipped) or a point of the scale. */
export const answerValue = z.enum(['', '1', '2', '3', '4', '5'], { error: 'surveys.errors.choosePoint' });
