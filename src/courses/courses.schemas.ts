import { z } from 'zod';

/** The instructor's answer to "is this course an advisory?". */
export const confirmKindForm = z.object({
  kind: z.enum(['advisory', 'subject'], { error: 'Choose advisory or subject course' }),
});

/** The admin's choice for one course; "not decided" hands the question back to the instructor. */
export const adminKindForm = z.object({
  kind: z.enum(['advisory', 'subject', 'undecided'], { error: 'Choose advisory, subject course or not decided' }),
});
