import { z } from 'zod';
import { isoDate } from '../web/forms.js';
import { importKinds } from './imports.service.js';

/** Which kind of file an upload or a push is (the form's select, the push URL's last part). */
export const importKind = z.enum(importKinds);

/** An adult's entry of one day of a student's attendance. */
export const attendanceEntryForm = z.object({
  day: isoDate,
  status: z.enum(['present', 'absent', 'tardy', 'excused'], { message: 'dataImports.entry.statusRequired' }),
});
export type AttendanceEntry = z.infer<typeof attendanceEntryForm>;

/** An adult's entry of one incident; `_once` (the form's one-time token) keys the incident, so a resubmit is the same incident. */
export const incidentEntryForm = z.object({
  day: isoDate,
  category: z.string().trim().min(1, 'dataImports.entry.categoryRequired').max(100, 'dataImports.entry.tooLong'),
  severity: z.enum(['minor', 'moderate', 'major'], { message: 'dataImports.entry.severityRequired' }),
  consequence: z.string().trim().max(200, 'dataImports.entry.tooLong').default(''),
  suspensionDays: z
    .string()
    .trim()
    .default('')
    .refine((v) => v === '' || (/^\d{1,3}(\.\d)?$/.test(v) && Number(v) <= 365), 'dataImports.entry.badDays')
    .transform((v) => (v === '' ? 0 : Number(v))),
  _once: z.uuid(),
});
export type IncidentEntry = z.infer<typeof incidentEntryForm>;
