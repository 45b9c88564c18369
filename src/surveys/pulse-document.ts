import { z } from 'zod';
import { documentKind, type KindPreview, type KindProblem } from '../configuration/configuration.kinds.js';
import { defaultLocale, type Locale } from '../web/i18n.js';
import { surveyItems } from './surveys.presenter.js';
import { constructs } from './scoring.js';
import type { SurveysDocument } from './surveys.schemas.js';

/**
 * The pulse surveys as a district changes them from the console (issue 14 item 3): a configuration
 * document of kind `pulse-surveys`, one a tenant. Each survey and statement carries its Spanish beside
 * its English (`es`). The agreement scale's five labels stay installation-wide (config/surveys.json).
 *
 * Answers are kept by statement id and scored by the statement's construct and direction, so a statement
 * in force keeps both (its words may change) and a survey in force is never removed: a school stops
 * offering it instead (`offered`), and its windows and answers still read.
 */
const id = z.string().max(60).regex(/^[a-z0-9-]+$/);
const statement = z.strictObject({
  id,
  construct: z.enum(constructs),
  text: z.string().trim().min(1).max(300),
  es: z.strictObject({ text: z.string().trim().min(1).max(300) }).optional(),
  /** Agreeing means things are worse: scored 6 - answer. */
  reverse: z.boolean(),
});
const survey = z.strictObject({
  id,
  /** New windows may be opened for it. */
  offered: z.boolean(),
  title: z.string().trim().min(1).max(120),
  intro: z.string().trim().min(1).max(600),
  es: z.strictObject({ title: z.string().trim().min(1).max(120), intro: z.string().trim().min(1).max(600) }).optional(),
  // A pulse: 4 to 6 statements, never free text.
  items: z.array(statement).min(4).max(6),
});

export const pulseSurveysSchema = z.strictObject({ surveys: z.array(survey).min(1).max(10) }).superRefine((doc, c) => {
  const seen = new Set<string>();
  doc.surveys.forEach((s, si) => {
    if (seen.has(s.id)) c.addIssue({ code: 'custom', path: ['surveys', si, 'id'], message: `survey id ${s.id} is used twice`, params: { code: 'pulse_id_twice', key: s.id } });
    seen.add(s.id);
    s.items.forEach((item, ii) => {
      // Answers are kept by statement id alone: one id a statement across every survey.
      if (seen.has(item.id)) c.addIssue({ code: 'custom', path: ['surveys', si, 'items', ii, 'id'], message: `id ${item.id} is used twice`, params: { code: 'pulse_id_twice', key: item.id } });
      seen.add(item.id);
    });
  });
});
export type PulseSurveys = z.infer<typeof pulseSurveysSchema>;

/** The shipped surveys (config/surveys.json and its translations) as one document, every survey offered. */
export function pulseDocumentOf(documents: Readonly<Record<Locale, SurveysDocument>>): PulseSurveys {
  const en = documents.en!;
  const es = documents.es;
  return {
    surveys: en.surveys.map((s, si) => {
      const esSurvey = es?.surveys[si];
      return {
        id: s.id,
        offered: true,
        title: s.title,
        intro: s.intro,
        ...(esSurvey ? { es: { title: esSurvey.title, intro: esSurvey.intro } } : {}),
        items: s.items.map((item, ii) => ({ id: item.id, construct: item.construct, text: item.text, ...(esSurvey ? { es: { text: esSurvey.items[ii]!.text } } : {}), reverse: item.reverse })),
      };
    }),
  };
}

/** The school's surveys in one language, as the surveys service reads them (the scale from the installation's document in that language). */
export function surveysIn(doc: PulseSurveys, scale: readonly string[], locale?: Locale): SurveysDocument & { offered: ReadonlySet<string> } {
  const spanish = locale === 'es';
  return {
    scale: [...scale],
    offered: new Set(doc.surveys.filter((s) => s.offered).map((s) => s.id)),
    surveys: doc.surveys.map((s) => ({
      id: s.id,
      title: (spanish && s.es?.title) || s.title,
      intro: (spanish && s.es?.intro) || s.intro,
      items: s.items.map((i) => ({ id: i.id, construct: i.construct, text: (spanish && i.es?.text) || i.text, reverse: i.reverse })),
    })),
  };
}

/** What a new version may not change from the one in force: its surveys stay, and each statement keeps its construct and direction. */
function changeProblems(inForce: PulseSurveys, next: PulseSurveys): KindProblem[] {
  return inForce.surveys.flatMap((s) => {
    const si = next.surveys.findIndex((n) => n.id === s.id);
    if (si < 0) return [{ path: 'surveys', code: 'pulse_survey_removed', params: { key: s.id }, message: `survey ${s.id} would be removed` }];
    return s.items.flatMap((item) => {
      const ii = next.surveys[si]!.items.findIndex((n) => n.id === item.id);
      const now = next.surveys[si]!.items[ii];
      if (!now) return [{ path: `surveys.${si}.items`, code: 'pulse_item_removed', params: { key: item.id }, message: `statement ${item.id} would be removed` }];
      return now.construct !== item.construct || now.reverse !== item.reverse ? [{ path: `surveys.${si}.items.${ii}.construct`, code: 'pulse_item_rescored', params: { key: item.id }, message: `statement ${item.id} would be scored differently` }] : [];
    });
  });
}

/**
 * The surveys' preview, one survey at a time (its parts: the surveys offered, in order): the answering form
 * as the student meets it, in their language, with the installation's agreement scale (the real
 * survey-items partial, disabled: nothing posts).
 */
const pulsePreview = (documents: Readonly<Record<Locale, SurveysDocument>>): KindPreview<PulseSurveys> => {
  const inLanguage = (doc: PulseSurveys, locale: Locale | undefined) => surveysIn(doc, (documents[locale ?? defaultLocale] ?? documents[defaultLocale]!).scale, locale);
  const offeredIn = (doc: PulseSurveys, locale: Locale | undefined) => {
    const school = inLanguage(doc, locale);
    return { scale: school.scale, surveys: school.surveys.filter((s) => school.offered.has(s.id)) };
  };
  return {
    audiences: ['student'],
    parts: (doc, locale) => offeredIn(doc, locale).surveys.map((s) => ({ id: s.id, label: s.title })),
    render(doc, { locale, part }) {
      const school = offeredIn(doc, locale);
      // None offered: the page says so (a school may stop offering every survey).
      const survey = school.surveys.find((s) => s.id === part);
      return { view: 'surveys/preview', model: { survey, items: survey ? surveyItems(survey.items, school.scale, () => '', {}) : [] } };
    },
  };
};

export const pulseSurveysKind = (documents: Readonly<Record<Locale, SurveysDocument>>) =>
  documentKind<PulseSurveys>({ id: 'pulse-surveys', schema: pulseSurveysSchema, shipped: () => pulseDocumentOf(documents), changeProblems, preview: pulsePreview(documents) });
