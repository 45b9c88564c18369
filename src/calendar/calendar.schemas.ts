import { z } from 'zod';
import { formText, isoDate } from '../web/forms.js';

/** Add one closed day (`to` empty) or a range of days, with a name ("Winter break"). */
export const holidayForm = z
  .object({
    name: formText(120, 'calendar.form.tooLong', { min: 1, message: 'calendar.form.nameRequired' }),
    from: isoDate,
    to: z.union([z.literal(''), isoDate]).default(''),
  })
  .refine((f) => !f.to || f.to >= f.from, { path: ['to'], message: 'calendar.form.toBeforeFrom' })
  .refine((f) => !f.to || (Date.parse(f.to) - Date.parse(f.from)) / 86_400_000 < 366, { path: ['to'], message: 'calendar.form.tooLongRange' });
export type HolidayForm = z.infer<typeof holidayForm>;
