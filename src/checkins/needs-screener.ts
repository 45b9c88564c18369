import { z } from 'zod';
import { derivedFrom, documentKind, type KindPreview, type KindProblem, sampleStudent } from '../configuration/configuration.kinds.js';
import { otherLocales, translations, wordIn } from '../configuration/translations.js';
import { sensitiveCategories, supportCategories } from '../supports/supports.schemas.js';
import { defaultLocale, labelOf, locales, type Locale } from '../web/i18n.js';
import type { CheckinScript } from './checkins.schemas.js';
import { needRows } from './checkins.presenter.js';

/**
 * The needs screener as a district changes it from the console (issue 14 items 2 and 3, an editable
 * picklist): a configuration document of kind `needs-screener`, one a tenant. Each need, in screener
 * order, with its Spanish beside its English, whether it is sensitive and whether the check-in forms
 * still offer it.
 *
 * A need's id is a support category (src/supports): a raised need is stored by it, and referrals start
 * from it, alerts route by it, automations' conditions and the school view count by it. So a school may
 * add a need only as one of the support categories no need has yet (the id names the category it maps
 * to), and nothing downstream needs a mapping table.
 *
 * Safety floors (`changeProblems`, against every version the school has had in force): a need is never
 * removed, only no longer offered (needs already raised keep it and its label); a sensitive need stays
 * sensitive (students and families were told it is private); a need in a category that is always
 * sensitive (supports.sensitiveCategories: mental health, health, substance use, legal) comes in
 * sensitive. The shipped "health" need is not sensitive: it may stay so, as shipped, until the school
 * ticks it.
 */
const need = z.strictObject({
  id: z.enum(supportCategories),
  label: z.string().trim().min(1).max(100),
  sensitive: z.boolean(),
  /** On the check-in and prep forms; one no longer offered still labels the needs raised under it. */
  offered: z.boolean(),
  translations: translations({ label: z.string().trim().max(100) }),
});

export const needsScreenerSchema = z.strictObject({ needs: z.array(need).min(1).max(supportCategories.length) }).superRefine((doc, c) => {
  const seen = new Set<string>();
  doc.needs.forEach((n, i) => {
    if (seen.has(n.id)) c.addIssue({ code: 'custom', path: ['needs', i, 'id'], message: `need ${n.id} is listed twice`, params: { code: 'needs_id_twice', key: n.id } });
    seen.add(n.id);
  });
  if (!doc.needs.some((n) => n.offered)) c.addIssue({ code: 'custom', path: ['needs'], message: 'no need is offered', params: { code: 'needs_none_offered' } });
});
export type NeedsScreener = z.infer<typeof needsScreenerSchema>;
export type NeedId = NeedsScreener['needs'][number]['id'];

/** A need as pages read it: in the reader's language. */
export interface NeedCategory {
  id: string;
  label: string;
  sensitive: boolean;
  offered: boolean;
}

const isNeedId = (id: string): id is NeedId => (supportCategories as readonly string[]).includes(id);

/**
 * The shipped screener: the needs of config/checkin-script.json (English, and the order) with each other
 * language's label from config/checkin-script.<locale>.json beside it, every need offered. Both files are
 * checked at start (loadCheckinScripts), and app.ts stops the start when a need is no support category.
 */
export function needsScreenerOf(scripts: Readonly<Record<Locale, CheckinScript>>): NeedsScreener {
  const labelIn = (locale: Locale, id: string) => scripts[locale]?.needs.find((n) => n.id === id)?.label;
  return {
    needs: scripts[defaultLocale]!.needs.filter((n) => isNeedId(n.id)).map((n) => ({
      id: n.id as NeedId,
      label: n.label,
      sensitive: n.sensitive,
      offered: true,
      translations: Object.fromEntries(otherLocales.map((l) => [l, { label: labelIn(l, n.id) ?? n.label }])),
    })),
  };
}

/** The school's needs in each language the tool speaks, worked out once per document read. */
const needsByLocale = derivedFrom((doc: NeedsScreener): ReadonlyMap<Locale, readonly NeedCategory[]> =>
  new Map(locales.map((l) => [l, doc.needs.map((n) => ({ id: n.id, label: wordIn(n.translations, l, 'label', n.label), sensitive: n.sensitive, offered: n.offered }))])),
);

/** Every need of the school's screener, in order, in the reader's language (offered or not: the labels of needs raised). */
export const needsIn = (doc: NeedsScreener, locale: Locale = defaultLocale): readonly NeedCategory[] => needsByLocale(doc).get(locale) ?? needsByLocale(doc).get(defaultLocale)!;

/** The needs the check-in and prep forms offer, in screener order, in the reader's language. */
export const offeredNeeds = (doc: NeedsScreener, locale?: Locale): NeedCategory[] => needsIn(doc, locale).filter((n) => n.offered);

/**
 * A stored need's category as a reader sees it. One the school's screener does not have (a stored
 * document the tool no longer takes falls back to the shipped one) is read as sensitive, never shown
 * to more people than a known one, and labelled by its support category.
 */
export function needOf(doc: NeedsScreener, category: string, locale?: Locale): NeedCategory {
  return needsIn(doc, locale).find((n) => n.id === category) ?? { id: category, label: labelOf('supports.category', category, locale), sensitive: true, offered: false };
}

const problem = (path: string, code: string, key: string, message: string): KindProblem => ({ path, code, params: { key }, message });

/** What a new version may not change from one in force: its needs stay, sensitive ones stay sensitive, an always-sensitive category comes in sensitive. */
function changeProblems(inForce: NeedsScreener, next: NeedsScreener): KindProblem[] {
  const removed = inForce.needs.filter((was) => !next.needs.some((n) => n.id === was.id)).map((was) => problem('needs', 'needs_removed', was.id, `need ${was.id} would be removed`));
  const lowered = next.needs.flatMap((n, i) => {
    if (n.sensitive) return [];
    const was = inForce.needs.find((x) => x.id === n.id);
    if (was?.sensitive) return [problem(`needs.${i}.sensitive`, 'needs_sensitive_kept', n.id, `need ${n.id} would no longer be sensitive`)];
    // In force as not sensitive (the shipped health need): left as the school has it; new, it must come in sensitive.
    if (!was && sensitiveCategories.includes(n.id)) return [problem(`needs.${i}.sensitive`, 'needs_sensitive_floor', n.id, `need ${n.id} is always sensitive`)];
    return [];
  });
  return [...removed, ...lowered];
}

/**
 * The screener's preview: the needs section of the check-in form as the adults see it, or of the student's
 * prep form, with the needs it offers in screener order in the reader's language (the real needs-fields
 * partial, disabled: nothing posts).
 */
const preview: KindPreview<NeedsScreener> = {
  audiences: ['adult', 'student'],
  render: (doc, { locale, audience }) => ({
    view: 'checkins/needs-preview',
    model: { isStudent: audience === 'student', student: sampleStudent(locale), needs: needRows(offeredNeeds(doc, locale), {}, {}) },
  }),
};

/** The `needs-screener` kind: the shipped default is today's needs of the check-in script files, in both languages. */
export const needsScreenerKind = (scripts: Readonly<Record<Locale, CheckinScript>>) =>
  documentKind<NeedsScreener>({ id: 'needs-screener', schema: needsScreenerSchema, shipped: () => needsScreenerOf(scripts), changeProblems, preview });
