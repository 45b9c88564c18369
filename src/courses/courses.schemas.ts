import { z } from 'zod';

/** What a course can be, in the order the admin page offers them. */
export const courseKinds = ['advisory', 'subject', 'undecided'] as const;

/** The instructor's answer to "is this course an advisory?". */
export const confirmKindForm = z.object({
  kind: z.enum(['advisory', 'subject'], { error: 'courses.errors.chooseKind' }),
});

/** The admin's choice for one course; "not decided" hands the question back to the instructor. */
export const adminKindForm = z.object({
  kind: z.enum(courseKinds, { error: 'courses.errors.chooseAdminKind' }),
});
