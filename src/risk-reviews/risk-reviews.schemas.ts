import { z } from 'zod';
import { formText, isoDate } from '../web/forms.js';
import { decisionKinds } from './risk-reviews.tables.js';

export const noteLimit = 4000;
/** What was decided: short enough to be a goal step's words (goalLimits.step) when it becomes a plan action. */
export const summaryLimit = 300;

export const idParam = z.uuid();

export const newMeetingForm = z.object({ heldOn: isoDate });
export type NewMeetingInput = z.output<typeof newMeetingForm>;

/** The ticked staff: a flat form has one checkbox field per person (`attendee.<id>`), so the route passes their ids. */
export const attendanceForm = z.object({ attendees: z.array(z.uuid('riskReviews.errors.attendee')).max(500) });
export type AttendanceInput = z.output<typeof attendanceForm>;

/** A student's notes, with the version the page loaded (0: none yet): a save over someone's newer words is a conflict. */
export const noteForm = z.object({
  student: z.uuid('riskReviews.errors.formMismatch'),
  text: formText(noteLimit, 'riskReviews.errors.noteTooLong'),
  version: z.coerce.number().int().min(0, 'riskReviews.errors.formMismatch'),
});
export type NoteInput = z.output<typeof noteForm>;

const optionalDay = z
  .string()
  .trim()
  .default('')
  .transform((d) => (d === '' ? null : d))
  .pipe(isoDate.nullable());
const optionalId = z.union([z.literal(''), z.uuid()]).default('');

/**
 * One decision for a student: what (`summary`), who owns it, by when, and its kind. A plan action is a
 * step on the student's active goal; a referral names a support and an urgency; a navigator change
 * names the new navigator; a follow-up is the team's own task.
 */
export const decisionForm = z
  .object({
    student: z.uuid('riskReviews.errors.formMismatch'),
    kind: z.enum(decisionKinds, 'riskReviews.errors.kind'),
    summary: formText(summaryLimit, 'riskReviews.errors.summaryTooLong', { min: 2, message: 'riskReviews.errors.summaryEmpty' }),
    owner: z.uuid('riskReviews.errors.owner'),
    due: optionalDay,
    support: optionalId,
    urgency: z.enum(['urgent', 'routine']).default('routine'),
    navigator: optionalId,
  })
  .superRefine((f, ctx) => {
    if (f.kind === 'referral' && f.support === '') ctx.addIssue({ code: 'custom', path: ['support'], message: 'riskReviews.errors.support' });
    if (f.kind === 'navigator_change' && f.navigator === '') ctx.addIssue({ code: 'custom', path: ['navigator'], message: 'riskReviews.errors.navigator' });
  });
export type DecisionInput = z.output<typeof decisionForm>;

/** Marking a decision from an earlier meeting done or not done, as the page showed it. */
export const settleForm = z.object({
  status: z.enum(['done', 'not_done'], 'riskReviews.errors.status'),
  version: z.coerce.number().int().min(1, 'riskReviews.errors.formMismatch'),
});
export type SettleInput = z.output<typeof settleForm>;
