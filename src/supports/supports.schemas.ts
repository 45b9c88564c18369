import path from 'node:path';
import { z } from 'zod';
import { projectRoot, ConfigError } from '../web/config.js';
import { formText, prefixed } from '../web/forms.js';
import { loadDocument, loadOverlays, type WithTexts } from '../web/overlays.js';
import type { Locale } from '../web/i18n.js';
import { supportCategories, supportCosts, supportProviders } from './supports.tables.js';

/** A language code as the catalogue keeps it (ISO 639: en, es, vi, zh...). */
const languageCode = z.string().regex(/^[a-z]{2,3}$/);

/** The languages ticked on the form (checkboxes `lang.<code>`), each checked as a code. */
const languageList = z
  .array(z.string())
  .refine((codes) => codes.every((c) => languageCode.safeParse(c).success), 'supports.form.badLanguages')
  .refine((codes) => codes.length <= 20, 'supports.form.tooManyLanguages');

/** The add and edit form: every field checked here, so a refused form writes nothing. */
export const supportForm = z.object({
  name: formText(200, 'supports.form.tooLong', { min: 1, message: 'supports.form.required' }),
  provider: formText(200, 'supports.form.tooLong', { min: 1, message: 'supports.form.required' }),
  description: formText(2000, 'supports.form.tooLong').default(''),
  category: z.enum(supportCategories, 'supports.form.chooseCategory'),
  tier: z.enum(['1', '2', '3'], 'supports.form.chooseTier').transform(Number),
  eligibility: formText(1000, 'supports.form.tooLong').default(''),
  capacity: z
    .string()
    .trim()
    .regex(/^(\d{1,5})?$/, 'supports.form.badCapacity')
    .default('')
    .transform((s) => (s === '' ? null : Number(s))),
  contact: formText(500, 'supports.form.tooLong').default(''),
  hours: formText(500, 'supports.form.tooLong').default(''),
  languages: languageList,
  cost: z.enum(supportCosts, 'supports.form.chooseCost'),
  referral: z.enum(supportProviders, 'supports.form.chooseReferral'),
  /** For an external support: the organisation that receives its referrals (src/providers); '' for none. */
  providerOrganisationId: z.union([z.literal(''), z.uuid('supports.form.chooseOrganisation')], 'supports.form.chooseOrganisation').default(''),
  sensitive: z.literal('on').optional(),
});
export type SupportForm = z.infer<typeof supportForm>;

/** The add and edit form as posted: flat fields, the languages as ticked boxes `lang.<code>`. */
export const parseSupportForm = (body: Record<string, unknown>) =>
  supportForm.safeParse({
    ...body,
    languages: Object.entries(prefixed(body, 'lang'))
      .filter(([, v]) => v === 'on')
      .map(([code]) => code),
  });

/** Search and filters of both lists; a bad value means "any", never an error page. */
export const supportsQuery = z.object({
  q: z.string().trim().max(100).catch('').default(''),
  category: z.enum(supportCategories).optional().catch(undefined),
  tier: z.enum(['1', '2', '3']).transform(Number).optional().catch(undefined),
  language: languageCode.optional().catch(undefined),
  /** The admin list only: active (default), inactive or all. */
  status: z.enum(['active', 'inactive', 'all']).catch('active').default('active'),
});
export type SupportsQuery = z.infer<typeof supportsQuery>;

/** A support's own fields as data (the starter catalogue, a configuration's export): the form's, typed. */
export const supportFields = z.object({
  name: z.string().min(1).max(200),
  provider: z.string().min(1).max(200),
  description: z.string().max(2000),
  category: z.enum(supportCategories),
  tier: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  eligibility: z.string().max(1000),
  capacity: z.number().int().min(0).max(99_999).nullable(),
  contact: z.string().max(500),
  hours: z.string().max(500),
  languages: z.array(languageCode).max(20),
  cost: z.enum(supportCosts),
  referral: z.enum(supportProviders),
  sensitive: z.boolean(),
});

/** A starter's stable key: what makes copying idempotent. */
export const starterKey = z.string().regex(/^[a-z0-9-]{1,60}$/);

/** One starter support: its key and the form's fields. */
const starterSupport = supportFields.extend({ key: starterKey });
export type StarterSupport = z.infer<typeof starterSupport>;

/** The starter catalogue (config/supports.json): examples a school copies and then edits as its own. */
export const starterCatalogueSchema = z
  .object({
    /** The languages the add and edit form offers as boxes to tick (a support keeps any other it has). */
    languages: z.array(languageCode).min(1),
    supports: z.array(starterSupport).min(1),
  })
  .superRefine((doc, c) => {
    const seen = new Set<string>();
    doc.supports.forEach((s, i) => {
      if (seen.has(s.key)) c.addIssue({ code: 'custom', path: ['supports', i, 'key'], message: `key ${s.key} is used twice` });
      seen.add(s.key);
    });
  });
export type StarterCatalogue = z.infer<typeof starterCatalogueSchema>;

const catalogueFile = path.join(projectRoot, 'config', 'supports.json');

/** A support's words in another language: config/supports.<locale>.json, `{"supports": {<key>: {name, provider, description, eligibility, hours}}}`. */
const starterTexts: WithTexts<StarterCatalogue> = (doc, text) => ({
  ...doc,
  supports: doc.supports.map((s) => ({
    ...s,
    name: text(`supports.${s.key}.name`, s.name),
    provider: text(`supports.${s.key}.provider`, s.provider),
    description: text(`supports.${s.key}.description`, s.description),
    eligibility: text(`supports.${s.key}.eligibility`, s.eligibility),
    hours: text(`supports.${s.key}.hours`, s.hours),
  })),
});

/** The starter catalogue in every language the tool speaks, checked at start: every problem named at once. */
export function loadStarterCatalogues(locales: readonly Locale[], file = catalogueFile): Record<Locale, StarterCatalogue> {
  const base = loadDocument(file, starterCatalogueSchema);
  const { docs, problems } = loadOverlays({ base, baseFile: file, locales, withTexts: starterTexts, schema: starterCatalogueSchema });
  if (problems.length > 0) throw new ConfigError(problems);
  return docs;
}

/** Check-in needs with no support category: a need raised could never be referred, so the start stops. */
export const needsWithoutCategory = (needIds: readonly string[]): string[] =>
  needIds.filter((id) => !(supportCategories as readonly string[]).includes(id)).map((id) => `checkin-script.json need "${id}" has no support category (src/supports/supports.tables.ts)`);

/** The categories of the catalogue, for other features' forms and filters (they never read the supports' tables). */
export { supportCategories, sensitiveCategories } from './supports.tables.js';
