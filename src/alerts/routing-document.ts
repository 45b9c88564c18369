import { z } from 'zod';
import { derivedFrom, documentKind } from '../configuration/configuration.kinds.js';
import { sensitiveCategories, supportCategories } from '../supports/supports.schemas.js';
import { alertKinds, recipientReasons } from './alerts.tables.js';
import type { AlertRouting } from './alerts.schemas.js';

/**
 * Alert routing as a district changes it from the console (issue 14 item 3; Oakland routes referrals its
 * own way): a configuration document of kind `alert-routing`, one a tenant. Each route is one row (the
 * first whose kind matches and whose categories, when ticked, include the alert's wins), drawn as a form.
 * Safety floor: the categories a support is always sensitive in (supports.sensitiveCategories) stay
 * sensitive: a school may hide more categories, never fewer.
 */
const route = z.strictObject({
  kind: z.enum(alertKinds),
  /** None ticked: the kind's default route. */
  categories: z.array(z.enum(supportCategories)),
  to: z.array(z.enum(recipientReasons)).min(1),
});

export const routingDocumentSchema = z
  .strictObject({ sensitiveCategories: z.array(z.enum(supportCategories)), routes: z.array(route).min(1).max(60) })
  .superRefine((doc, c) => {
    for (const kind of alertKinds) {
      if (!doc.routes.some((r) => r.kind === kind && r.categories.length === 0)) c.addIssue({ code: 'custom', path: ['routes'], message: `${kind} has no default route`, params: { code: 'alert_kind_default', key: kind } });
    }
    for (const category of sensitiveCategories) {
      if (!doc.sensitiveCategories.includes(category)) c.addIssue({ code: 'custom', path: ['sensitiveCategories'], message: `${category} is always sensitive`, params: { code: 'alert_sensitive_floor', key: category } });
    }
  });
export type RoutingDocument = z.infer<typeof routingDocumentSchema>;

/** The installation's routing (config/alert-routing.json) as the shipped document. */
export const routingDocumentOf = (routing: AlertRouting): RoutingDocument => ({
  sensitiveCategories: routing.sensitiveCategories.filter((c): c is RoutingDocument['sensitiveCategories'][number] => (supportCategories as readonly string[]).includes(c)),
  routes: routing.routes.map((r) => ({ kind: r.kind, categories: (r.categories ?? []).filter((c): c is RoutingDocument['sensitiveCategories'][number] => (supportCategories as readonly string[]).includes(c)), to: r.to })),
});

/** A school's document as the alerts read it (a route with no category ticked matches every category), once per body read. */
export const routingOf = derivedFrom(
  (doc: RoutingDocument): AlertRouting => ({
    sensitiveCategories: doc.sensitiveCategories,
    routes: doc.routes.map((r) => ({ kind: r.kind, ...(r.categories.length > 0 ? { categories: r.categories } : {}), to: r.to })),
  }),
);

export const alertRoutingKind = (installed: AlertRouting) => documentKind<RoutingDocument>({ id: 'alert-routing', schema: routingDocumentSchema, shipped: () => routingDocumentOf(installed) });
