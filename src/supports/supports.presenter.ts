import { t, labelOf, type Locale } from '../web/i18n.js';
import { languageName } from '../web/intl.js';
import { prefixed } from '../web/forms.js';
import { supportCategories, supportCosts, supportProviders, sensitiveCategories } from './supports.tables.js';
import type { SupportRow } from './supports.repository.js';
import type { SupportsQuery } from './supports.schemas.js';

const option = (value: string, label: string, selected: string | number | undefined) => ({ value, label, selected: String(selected ?? '') === value });

/** The filters' choices, each with "any" first, labelled in the reader's language. */
export function filterChoices(query: SupportsQuery, languages: readonly string[], locale?: Locale) {
  return {
    categories: [option('', t('supports.filters.anyCategory', {}, locale), query.category), ...supportCategories.map((c) => option(c, labelOf('supports.category', c, locale), query.category))],
    tiers: [option('', t('supports.filters.anyTier', {}, locale), query.tier), ...['1', '2', '3'].map((v) => option(v, t(`supports.tier.${v}`, {}, locale), query.tier))],
    languages: [option('', t('supports.filters.anyLanguage', {}, locale), query.language), ...languages.map((l) => option(l, languageName(l, locale), query.language))],
    statuses: (['active', 'inactive', 'all'] as const).map((s) => option(s, t(`supports.filters.status.${s}`, {}, locale), query.status)),
  };
}

/** One support as the lists show it: every code in words. */
export function supportView(row: SupportRow & { load?: number }, locale?: Locale) {
  return {
    id: row.id,
    name: row.name,
    provider: row.provider,
    description: row.description,
    eligibility: row.eligibility,
    contact: row.contact,
    hours: row.hours,
    capacity: row.capacity,
    load: row.load ?? 0,
    active: row.active,
    sensitive: row.sensitive,
    categoryLabel: labelOf('supports.category', row.category, locale),
    tierLabel: t(`supports.tier.${row.tier}`, {}, locale),
    costLabel: labelOf('supports.cost', row.cost, locale),
    referralLabel: labelOf('supports.referral', row.referral, locale),
    languagesLabel: row.languages.map((l) => languageName(l, locale)).join(', '),
    editUrl: `/admin/supports/${row.id}`,
    activeAction: `/admin/supports/${row.id}/active`,
  };
}

/**
 * What the add and edit form shows: the values (saved, or as posted when refused), the choices, and
 * a box per language offered (plus any other the support already has, so saving never drops it).
 */
export function formView(values: Record<string, unknown>, languageChoices: readonly string[], locale?: Locale, organisations: readonly { id: string; name: string }[] = []) {
  const v = (k: string) => (values[k] === undefined || values[k] === null ? '' : String(values[k]));
  const ticked = Array.isArray(values.languages) ? values.languages.map(String) : Object.entries(prefixed(values, 'lang')).filter(([, on]) => on === 'on').map(([code]) => code);
  return {
    values: { name: v('name'), provider: v('provider'), description: v('description'), eligibility: v('eligibility'), capacity: v('capacity'), contact: v('contact'), hours: v('hours') },
    sensitive: values.sensitive === true || values.sensitive === 'on',
    categories: supportCategories.map((c) => option(c, labelOf('supports.category', c, locale), v('category'))),
    tiers: ['1', '2', '3'].map((x) => option(x, t(`supports.tier.${x}`, {}, locale), v('tier'))),
    costs: supportCosts.map((c) => option(c, labelOf('supports.cost', c, locale), v('cost'))),
    referrals: supportProviders.map((c) => option(c, labelOf('supports.referral', c, locale), v('referral'))),
    organisations: [option('', t('supports.form.noOrganisation', {}, locale), v('providerOrganisationId')), ...organisations.map((o) => option(o.id, o.name, v('providerOrganisationId')))],
    languages: [...new Set([...languageChoices, ...ticked.filter((c) => /^[a-z]{2,3}$/.test(c))])].map((code) => ({ code, label: languageName(code, locale), checked: ticked.includes(code) })),
    sensitiveCategories: sensitiveCategories.map((c) => labelOf('supports.category', c, locale)).join(', '),
  };
}
