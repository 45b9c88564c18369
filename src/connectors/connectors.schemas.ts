import { z } from 'zod';
import { connectorKinds } from './connectors.tables.js';
import type { Connector } from './connector.js';

export const connectorKindParam = z.enum(connectorKinds);

/**
 * A connector's settings form, from its declared fields: text up to 500 characters, URLs absolute
 * http(s), the secret up to 4,000 (an empty secret keeps the saved one), and the on/off box.
 */
export function settingsForm(connector: Pick<Connector, 'fields'>) {
  const shape: Record<string, z.ZodType<string>> = {};
  for (const f of connector.fields) {
    if (f.secret) shape[f.name] = z.string().trim().max(4000, 'connectors.form.tooLong').default('');
    else if (f.url) shape[f.name] = z.string().trim().max(500, 'connectors.form.tooLong').pipe(z.url({ protocol: /^https?$/, error: 'connectors.form.badUrl' }));
    else shape[f.name] = z.string().trim().min(1, 'connectors.form.required').max(500, 'connectors.form.tooLong');
  }
  return z.object({ ...shape, enabled: z.literal('on').optional() });
}

/** The review queue's page and name search. */
export const reviewsQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1),
  q: z.string().trim().max(100).catch('').default(''),
});

/** An admin's decision: a person of the school (a uuid), or "ignore". */
export const reviewDecision = z.union([z.object({ personId: z.uuid('connectors.review.choose') }), z.object({ ignore: z.literal('on') })]);
