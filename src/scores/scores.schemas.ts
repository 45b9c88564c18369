import { z } from 'zod';

export const publishSettingForm = z.object({
  publish: z.enum(['on', 'off'], { error: 'Choose whether to publish scores.' }),
});

/** The plans team's completion figure: 0..100 per student person id. */
export const completionValue = z.number().min(0).max(100);
