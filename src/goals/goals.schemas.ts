import { z } from 'zod';
import { goalStatuses } from '../policies/goal.js';
import { isRealDate, isoDate } from '../web/forms.js';

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

const text = (max: number, label: string) => z.string().trim().max(max, `Keep the ${label} under ${max} characters`);
const optionalDate = z
  .string()
  .trim()
  .optional()
  .refine((d) => !d || isRealDate(d), 'Enter a real date, or leave it empty')
  .transform((d) => d || null);

/** The SMART parts: specific statement, how it is measured, target, date, why it matters. */
export const goalForm = z.object({
  category: z.enum(goalCategories, { error: 'Choose a category' }),
  statement: text(500, 'goal').min(5, 'Say what the goal is, in a sentence'),
  measure: text(500, 'measure').default(''),
  target: text(200, 'target').default(''),
  targetDate: optionalDate,
  why: text(1000, 'reason').default(''),
});
export type GoalInput = z.output<typeof goalForm>;

export const versionField = z.object({ version: z.coerce.number({ error: 'Reload the page and try again' }).int().positive() });

export const suggestForm = versionField.extend({ suggestion: text(1000, 'suggestion').min(3, 'Write the change you suggest') });
export const statusForm = versionField.extend({ status: z.enum(['active', 'achieved', 'dropped'], { error: 'Choose a status' }) });
export const stepForm = z.object({
  text: text(300, 'step').min(2, 'Say what the step is'),
  owner: z.enum(stepOwners, { error: 'Choose who does it' }),
  dueDate: optionalDate,
});
export const progressForm = z.object({
  date: isoDate,
  note: text(2000, 'note').min(2, 'Say how it is going'),
  rating: z
    .enum(['', '1', '2', '3', '4', '5'], { error: 'Choose 1 to 5' })
    .optional()
    .transform((v) => (v ? Number(v) : null)),
});
