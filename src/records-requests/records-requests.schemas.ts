import { z } from 'zod';
import { formText } from '../web/forms.js';

export const reasonLimit = 500;

/** Scheduling a student's deletion: the admin's reason and an explicit confirmation. */
export const scheduleDeletionForm = z.object({
  reason: formText(reasonLimit, 'recordsRequests.errors.reasonTooLong', { min: 1, message: 'recordsRequests.errors.reasonEmpty' }),
  confirm: z.literal('yes', { message: 'recordsRequests.errors.confirm' }),
});
export type ScheduleDeletionInput = z.output<typeof scheduleDeletionForm>;

/** The deletion job's key: `tenantId/studentId` (ids only, as every job key). */
export const deletionKey = z.string().transform((k) => k.split('/')).pipe(z.tuple([z.uuid(), z.uuid()]));
