import { z } from 'zod';
import type { GoalStatus } from '../policies/goal.js';
import { defaultLocale, labelOf, t, type Locale } from '../web/i18n.js';
import { documentKind, sampleStudent, type KindPreview } from '../configuration/configuration.kinds.js';
import { otherLocales, translations, wordIn } from '../configuration/translations.js';
import { formText, isRealDate } from '../web/forms.js';

/** The categories a goal is filed under when a school has not changed them (the `goal-categories` document's shipped values). */
export const goalCategories = ['academic', 'well-being', 'college-career', 'community'] as const;
export const stepOwners = ['student', 'advisor', 'family', 'other'] as const;
/** Labels of stored codes, in the person's language (config/locales/<lang>/goals.json). */
const shippedCategoryLabel = (code: string, locale?: Locale) => labelOf('goals.categories', code, locale);

const categoryKey = z.string().max(60).regex(/^[a-z0-9-]{1,60}$/, 'keys are lowercase letters, digits and dashes');
/**
 * A school's goal categories (issue 14 item 2, an editable picklist): each value with its words in every
 * language. A category no longer `offered` is not on the forms, but goals filed under it keep it and its
 * label, so dropping one never loses what a goal was about.
 */
export const goalCategoryListSchema = z
  .object({
    values: z.array(z.object({ value: categoryKey, label: z.string().min(1).max(100), offered: z.boolean(), translations: translations({ label: z.string().max(100) }) })).min(1),
  })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.values.forEach((v, i) => {
      if (seen.has(v.value)) ctx.addIssue({ code: 'custom', path: ['values', i, 'value'], message: `the category "${v.value}" is listed twice`, params: { code: 'plan_choice_twice', key: v.value } });
      seen.add(v.value);
    });
    if (!list.values.some((v) => v.offered)) ctx.addIssue({ code: 'custom', path: ['values'], message: 'no category is offered', params: { code: 'none_offered' } });
  });
export type GoalCategoryList = z.infer<typeof goalCategoryListSchema>;

/** The shipped categories, with their words from config/locales. */
export const shippedGoalCategories = (): GoalCategoryList => ({
  values: goalCategories.map((value) => ({ value, label: shippedCategoryLabel(value, defaultLocale), offered: true, translations: Object.fromEntries(otherLocales.map((l) => [l, { label: shippedCategoryLabel(value, l) }])) })),
});

/** A stored category's label in a language, from the school's list (one it never had: the shipped words, else the code). */
export const categoryLabelIn = (list: GoalCategoryList, code: string, locale?: Locale): string => {
  const v = list.values.find((x) => x.value === code);
  return v ? wordIn(v.translations, locale, 'label', v.label) : shippedCategoryLabel(code, locale);
};

/** The goal forms' choice of category: the categories offered, in the list's order and the reader's words (and `kept`, a goal's own, offered or not). */
export const categoryChoicesIn = (list: GoalCategoryList, selected: unknown, locale?: Locale, kept?: string) =>
  list.values.filter((v) => v.offered || v.value === kept).map((v) => ({ value: v.value, label: categoryLabelIn(list, v.value, locale), selected: v.value === selected }));

/**
 * The list's preview: the new-goal form (the real goal-fields partial, disabled: nothing posts) as the
 * student proposing a goal or an adult adding one meets it, its choice of category the list's offered ones.
 */
const categoriesPreview: KindPreview<GoalCategoryList> = {
  audiences: ['adult', 'student'],
  render: (list, { locale, audience }) => ({
    view: 'goals/preview',
    model: { isSelf: audience === 'student', student: sampleStudent(locale), categories: categoryChoicesIn(list, undefined, locale), measureIndicators: indicatorOptions(undefined, locale), values: {}, errors: {}, limits: goalLimits },
  }),
};
export const goalCategoriesKind = documentKind<GoalCategoryList>({ id: 'goal-categories', schema: goalCategoryListSchema, shipped: shippedGoalCategories, preview: categoriesPreview });
export const statusLabel = (code: GoalStatus, locale?: Locale) => labelOf('goals.statuses', code, locale);
export const ownerLabel = (code: string, locale?: Locale) => labelOf('goals.owners', code, locale);

/** Length limits of the goal forms: the zod rules below and the fields' `maxlength` both read them. */
export const goalLimits = { statement: 500, measure: 500, target: 200, why: 1000, suggestion: 1000, step: 300, progressValue: 100, progressNote: 2000 } as const;

// Messages are keys of config/locales/<lang>/goals.json: the service's validForm gives them in the person's language.
const text = (max: number, part: string, atLeast?: { min: number; message: string }) => formText(max, `goals.errors.tooLong.${part}`, atLeast);
const optionalDate = z
  .string()
  .trim()
  .optional()
  .refine((d) => !d || isRealDate(d), 'goals.errors.dateOrEmpty')
  .transform((d) => d || null);

/**
 * The indicators a goal can be measured by (issue 10), and which way is better: more days attended, a
 * higher lowest score and well-being are better; fewer days with an incident is better.
 */
export const measureIndicators = ['attendance', 'behaviour', 'grades', 'wellbeing'] as const;
export type MeasureIndicator = (typeof measureIndicators)[number];
export const measureDirection: Record<MeasureIndicator, 'atLeast' | 'atMost'> = { attendance: 'atLeast', behaviour: 'atMost', grades: 'atLeast', wellbeing: 'atLeast' };
/** The range of a target: percents, or a 1-5 rating for well-being. */
/** The goal forms' "measured by" choices: in words, or one of the indicators. */
export const indicatorOptions = (selected: unknown, locale: Locale | undefined) =>
  ['', ...measureIndicators].map((value) => ({ value, label: t(value ? `caseloadData.goal.options.${value}` : 'caseloadData.goal.fields.inWords', {}, locale), selected: value === (selected ?? '') }));
export const measureRange: Record<MeasureIndicator, { min: number; max: number }> = { attendance: { min: 0, max: 100 }, behaviour: { min: 0, max: 100 }, grades: { min: 0, max: 100 }, wellbeing: { min: 1, max: 5 } };

/** The SMART parts: specific statement, how it is measured (in words, or by an indicator and a target value), target, date, why it matters. */
export const goalForm = z.object({
  // Which categories the school offers is the service's check (the school's list).
  category: z.string({ error: 'goals.errors.category' }).regex(/^[a-z0-9-]{1,60}$/, 'goals.errors.category'),
  statement: text(goalLimits.statement, 'statement', { min: 5, message: 'goals.errors.statement' }),
  measure: text(goalLimits.measure, 'measure').default(''),
  /** '' (or absent): measured in words; else the indicator whose current value is the progress. */
  measureIndicator: z
    .enum(['', ...measureIndicators], { error: 'caseloadData.goal.errors.indicator' })
    .default('')
    .transform((v) => (v === '' ? null : v)),
  /** The indicator's target value: a number, its range checked against the indicator in the service. */
  measureTarget: z
    .string({ error: 'caseloadData.goal.errors.target' })
    .trim()
    .default('')
    .refine((v) => v === '' || (/^\d{1,3}(\.\d{1,2})?$/.test(v) && Number(v) <= 100), 'caseloadData.goal.errors.target')
    .transform((v) => (v === '' ? null : Number(v))),
  target: text(goalLimits.target, 'target').default(''),
  targetDate: optionalDate,
  why: text(goalLimits.why, 'why').default(''),
});
/** The measure by indicator may be left out by a program (the sandbox seed, a test): a goal measured in words. */
type OptionalMeasure<T extends { measureIndicator: unknown; measureTarget: unknown }> = Omit<T, 'measureIndicator' | 'measureTarget'> & Partial<Pick<T, 'measureIndicator' | 'measureTarget'>>;
export type GoalInput = OptionalMeasure<z.output<typeof goalForm>>;

const part = (message: string) => z.string({ error: message }).trim().min(1, message);
/** A goal goes live (active) only with every SMART part filled in; each message names the missing part. */
export const liveGoal = z.object({
  statement: part('goals.missing.statement'),
  measure: part('goals.missing.measure'),
  target: part('goals.missing.target'),
  targetDate: part('goals.missing.targetDate'),
  why: part('goals.missing.why'),
});

export const versionField = z.object({ version: z.coerce.number({ error: 'goals.errors.reload' }).int().positive() });
export type VersionInput = z.output<typeof versionField>;

/**
 * The edit form: the SMART parts, the version they were loaded at, and which submit was pressed:
 * "Save changes", or (for the advisor) "Save and approve" (`approve=yes`; any other value is a plain save).
 */
export const goalEditForm = goalForm.extend({ ...versionField.shape, approve: z.literal('yes').optional().catch(undefined) });
export type GoalEdit = OptionalMeasure<z.output<typeof goalEditForm>>;

export const suggestForm = versionField.extend({ suggestion: text(goalLimits.suggestion, 'suggestion', { min: 3, message: 'goals.errors.suggestion' }) });
export type SuggestInput = z.output<typeof suggestForm>;
export const statusForm = versionField.extend({ status: z.enum(['active', 'achieved', 'dropped'], { error: 'goals.errors.status' }) });
export type StatusInput = z.output<typeof statusForm>;
export const stepForm = z.object({
  text: text(goalLimits.step, 'step', { min: 2, message: 'goals.errors.step' }),
  owner: z.enum(stepOwners, { error: 'goals.errors.owner' }),
  dueDate: optionalDate,
});
export type StepInput = z.output<typeof stepForm>;
/** A value toward the target ("3 of 4 assignments", "85%"), an optional note and an optional 1-5 rating. */
export const progressForm = z.object({
  date: z.string().trim().refine(isRealDate, 'goals.errors.date'),
  value: z
    .string({ error: 'goals.errors.progressValue' })
    .trim()
    .min(1, 'goals.errors.progressValue')
    .max(goalLimits.progressValue, 'goals.errors.tooLong.progressValue'),
  note: text(goalLimits.progressNote, 'note').default(''),
  rating: z
    .enum(['', '1', '2', '3', '4', '5'], { error: 'goals.errors.rating' })
    .optional()
    .transform((v) => (v ? Number(v) : null)),
});
export type ProgressInput = z.output<typeof progressForm>;
