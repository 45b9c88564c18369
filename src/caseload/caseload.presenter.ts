import { t, type Locale } from '../web/i18n.js';
import { caseloadPageQuery, caseloadSorts, tableFrom, type CaseloadPageQuery } from './caseload.schemas.js';
import type { CaseloadIndicators, IndicatorBadge } from './caseload.service.js';
import type { IndicatorKind } from './needs-attention.js';
import { toneOf } from '../indicators/describe.js';

/** The caseload's own path; every link to another view of it keeps the reader's other choices. */
const caseloadPath = '/caseload';

/** The page's defaults: a parameter at its default is left out of the links. */
const defaults: Record<string, unknown> = caseloadPageQuery.parse({});

/**
 * A link to the caseload with the current query changed by `changes` (a parameter at its default is
 * left out, so links stay short). Built with URLSearchParams; `url` in the view adds the ltik.
 */
export function caseloadHref(query: CaseloadPageQuery, changes: Partial<CaseloadPageQuery> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, ...changes })) if ((typeof v === 'string' || typeof v === 'number') && v !== '' && v !== defaults[k]) params.set(k, String(v));
  const search = params.toString();
  return search ? `${caseloadPath}?${search}` : caseloadPath;
}

export type Layout = 'cards' | 'table';

/** The layout shown: the reader's choice, else the table from `tableFrom` students (a long caseload reads best as rows). */
export const layoutOf = (query: CaseloadPageQuery, total: number): Layout => query.layout || (total >= tableFrom ? 'table' : 'cards');

/** The cards/table switch: one link per layout, the current one marked. */
export function layoutChoices(query: CaseloadPageQuery, shown: Layout, locale?: Locale) {
  return (['cards', 'table'] as const).map((layout) => ({
    layout,
    label: t(`caseloadData.layout.${layout}`, {}, locale),
    href: caseloadHref(query, { layout }),
    current: layout === shown,
  }));
}

type Sort = CaseloadPageQuery['sort'];
/** Which way each sort runs, for the column's aria-sort: names and plan status up, the rest most pressing first. */
const direction: Record<Sort, 'ascending' | 'descending'> = { attention: 'descending', name: 'ascending', status: 'ascending', checkin: 'descending', tier: 'descending' };

/**
 * A table column heading: its label and, when the caseload can be ordered by it, a link to that order
 * and `aria-sort` when it is the current one.
 */
export function columnOf(query: CaseloadPageQuery, key: string, label: string, sort?: Sort) {
  const sortable = sort !== undefined && (caseloadSorts as readonly string[]).includes(sort);
  return {
    key,
    label,
    // Another order starts at its first page.
    href: sortable ? caseloadHref(query, { sort, page: 1 }) : null,
    ariaSort: sortable && query.sort === sort ? direction[sort] : null,
  };
}

/** Page links shown around the current one when there are too many to list them all. */
const PAGE_WINDOW = 2;

/**
 * The caseload's page links: previous, next and the page numbers (the first, the last and those
 * near the current one when there are many), with where this page sits ("51-100 of 150"); null when
 * everything fits on one page.
 */
export function pagerOf(query: CaseloadPageQuery, at: { page: number; pages: number; firstIndex: number; shown: number; matched: number }, locale?: Locale) {
  if (at.pages <= 1) return null;
  const link = (page: number) => caseloadHref(query, { page });
  const near = (n: number) => n === 1 || n === at.pages || Math.abs(n - at.page) <= PAGE_WINDOW;
  const numbers: { page: number | null; href: string | null; current: boolean }[] = [];
  for (let n = 1; n <= at.pages; n++) {
    if (near(n)) numbers.push({ page: n, href: link(n), current: n === at.page });
    // One gap marker for each run of pages left out.
    else if (numbers.at(-1)?.page !== null) numbers.push({ page: null, href: null, current: false });
  }
  return {
    range: t('caseload.pages.range', { from: at.firstIndex + 1, to: at.firstIndex + at.shown, count: at.matched }, locale),
    previous: at.page > 1 ? link(at.page - 1) : null,
    next: at.page < at.pages ? link(at.page + 1) : null,
    numbers,
  };
}

/** The indicators the caseload shows as badges, in this order (well-being has its own fact: the last check-in). */
export const caseloadIndicators: readonly IndicatorKind[] = ['attendance', 'behaviour', 'grades'];

/** The compact table's columns, in order; the indicator columns when the caseload has indicators. */
export function tableColumns(query: CaseloadPageQuery, locale?: Locale, withIndicators = false) {
  const tr = (key: string) => t(key, {}, locale);
  return [
    columnOf(query, 'name', tr('caseloadData.columns.student'), 'name'),
    columnOf(query, 'reasons', tr('caseloadData.columns.why'), 'attention'),
    ...(withIndicators
      ? [...caseloadIndicators.map((kind) => columnOf(query, kind, tr(`caseloadData.columns.${kind}`))), columnOf(query, 'tier', tr('caseloadData.columns.tier'), 'tier')]
      : []),
    columnOf(query, 'plan', tr('caseload.facts.plan'), 'status'),
    columnOf(query, 'goals', tr('caseload.facts.goals')),
    columnOf(query, 'checkin', tr('caseload.facts.lastCheckin'), 'checkin'),
    columnOf(query, 'needs', tr('caseload.facts.needs')),
    columnOf(query, 'navigator', tr('caseload.facts.navigator')),
  ];
}

/**
 * The caseload's badges of one student, in the caseload's order (a missing one says "no data"), and
 * the tier; null when the caseload shows no indicators (`shown` false and none for this student).
 */
export function indicatorBadges(ind: CaseloadIndicators | null, locale?: Locale, shown = false) {
  if (!ind && !shown) return null;
  const byKind = new Map((ind?.badges ?? []).map((b) => [b.indicator, b]));
  const badges = caseloadIndicators.map((kind): IndicatorBadge & { tone: string } => {
    const b = byKind.get(kind);
    const name = t(`caseloadData.indicators.${kind}`, {}, locale);
    return b ? { ...b, tone: toneOf(b.level) } : { indicator: kind, band: null, level: null, name, value: '', bandLabel: null, text: '', tone: '' };
  });
  return { badges, tier: ind?.tier ?? null };
}
