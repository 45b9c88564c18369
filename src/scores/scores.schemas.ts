import { z } from 'zod';

export const publishSettingForm = z.object({
  // The page says why a post without it is refused (scores.publish.choose).
  publish: z.enum(['on', 'off']),
});

/** The plans team's completion figure: 0..100 per student person id. */
export const completionValue = z.number().min(0).max(100);

/**
 * What the last post on /admin/scores did, carried in the redirect's query (posts answer with a
 * redirect, so a reload never posts again): the page turns it into its notice.
 */
export const outcomeQuery = z.object({
  done: z.enum(['on', 'off', 'published', 'inspected']).optional().catch(undefined),
  posted: z.coerce.number().int().min(0).catch(0),
  courses: z.coerce.number().int().min(0).catch(0),
  failed: z.coerce.number().int().min(0).catch(0),
});
export type Outcome = z.infer<typeof outcomeQuery>;
