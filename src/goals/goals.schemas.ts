import { z } from 'zod';
import { goalStatuses } from '../policies/goal.js';
import { formText, isRealDate, isoDate } from '../web/forms.js';

export const goalCategories = ['academic', 'well-being', 'college-career', 'community'] as const;
export const categoryLabels: Record<(typeof goalCategories)[number], string> = {
  academic: 'Academic',
  'well-being': 'Well-being',
  'college-career': 'College and career',
  community: 'Community',
};
export const statusLabels: Record<(typeof goalStatuses)[number], string> = {
  draft: 'Draft',
  active: 'Active',
  achieved: 'Achieved',
  revised: 'Revised, waiting for approval',
  dropped: 'Dropped',
};
export const stepOwners = ['student', 'advisor', 'family', 'other'] as const;
export const ownerLabels: Record<(typeof stepOwners)[number], string> = { student: 'Student', advisor: 'Advisor', family: 'Family', other: 'Someone else' };

/** Length limits of the goal forms: the zod rules below and the fields' `maxlength` both read them. */
export const goalLimits = { statement: 500, measure: 500, target: 200, why: 1000, suggestion: 1000, step: 300, progressValue: 100, progressNote: 2000 } as const;

const text = (max: number, label: string, atLeast?: { min: number; message: string }) => formText(max, `Keep the ${label} under ${max} characters`, atLeast);
const optionalDate = z
  .string()
  .trim()
  .optional()
  .refine((d) => !d || isRealDate(d), 'Enter a real date, or leave it empty')
  .transform((d) => d || null);

/** The SMART parts: specific statement, how it is measured, target, date, why it matters. */
export const goalForm = z.object({
  category: z.enum(goalCategories, { error: 'Choose a category' }),
  statement: text(goalLimits.statement, 'goal', { min: 5, message: 'Say what the goal is, in a sentence' }),
  measure: text(goalLimits.measure, 'measure').default(''),
  target: text(goalLimits.target, 'target').default(''),
  targetDate: optionalDate,
  why: text(goalLimits.why, 'reason').default(''),
});
export type GoalInput = z.output<typeof goalForm>;

const part = (message: string) => z.string({ error: message }).trim().min(1, message);
/** A goal goes live (active) only with every SMART part filled in; each message names the missing part. */
export const liveGoal = z.object({
  statement: part('Say what the goal is'),
  measure: part('Add how it is measured'),
  target: part('Add the target'),
  targetDate: part('Add the date it should be reached by'),
  why: part('Add why it matters'),
});

export const versionField = z.object({ version: z.coerce.number({ error: 'Reload the page and try again' }).int().positive() });
export type VersionInput = z.output<typeof versionField>;

/**
 * The edit form: the SMART parts, the version they were loaded at, and which submit was pressed:
 * "Save changes", or (for the advisor) "Save and approve" (`approve=yes`; any other value is a plain save).
 */
export const goalEditForm = goalForm.extend({ ...versionField.shape, approve: z.literal('yes').optional().catch(undefined) });
export type GoalEdit = z.output<typeof goalEditForm>;

export const suggestForm = versionField.extend({ suggestion: text(goalLimits.suggestion, 'suggestion', { min: 3, message: 'Write the change you suggest' }) });
export type SuggestInput = z.output<typeof suggestForm>;
export const statusForm = versionField.extend({ status: z.enum(['active', 'achieved', 'dropped'], { error: 'Choose a status' }) });
export type StatusInput = z.output<typeof statusForm>;
export const stepForm = z.object({
  text: text(goalLimits.step, 'step', { min: 2, message: 'Say what the step is' }),
  owner: z.enum(stepOwners, { error: 'Choose who does it' }),
  dueDate: optionalDate,
});
export type StepInput = z.output<typeof stepForm>;
/** A value toward the target ("3 of 4 assignments", "85%"), an optional note and an optional 1-5 rating. */
export const progressForm = z.object({
  date: isoDate,
  value: z
    .string({ error: 'Say where it stands toward the target' })
    .trim()
    .min(1, 'Say where it stands toward the target')
    .max(goalLimits.progressValue, `Keep the value under ${goalLimits.progressValue} characters`),
  note: text(goalLimits.progressNote, 'note').default(''),
  rating: z
    .enum(['', '1', '2', '3', '4', '5'], { error: 'Choose 1 to 5' })
    .optional()
    .transform((v) => (v ? Number(v) : null)),
});
export type ProgressInput = z.output<typeof progressForm>;
