import { t, type Locale } from '../web/i18n.js';
import { caseloadPageQuery, caseloadSorts, tableFrom, type CaseloadPageQuery } from './caseload.schemas.js';

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
  for (const [k, v] of Object.entries({ ...query, ...changes })) if (typeof v === 'string' && v !== '' && v !== defaults[k]) params.set(k, v);
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
const direction: Record<Sort, 'ascending' | 'descending'> = { attention: 'descending', name: 'ascending', status: 'ascending', checkin: 'descending' };

/**
 * A table column heading: its label and, when the caseload can be ordered by it, a link to that order
 * and `aria-sort` when it is the current one.
 */
export function columnOf(query: CaseloadPageQuery, key: string, label: string, sort?: Sort) {
  const sortable = sort !== undefined && (caseloadSorts as readonly string[]).includes(sort);
  return {
    key,
    label,
    href: sortable ? caseloadHref(query, { sort }) : null,
    ariaSort: sortable && query.sort === sort ? direction[sort] : null,
  };
}

/** The compact table's columns, in order. */
export function tableColumns(query: CaseloadPageQuery, locale?: Locale) {
  const tr = (key: string) => t(key, {}, locale);
  return [
    columnOf(query, 'name', tr('caseloadData.columns.student'), 'name'),
    columnOf(query, 'reasons', tr('caseloadData.columns.why'), 'attention'),
    columnOf(query, 'plan', tr('caseload.facts.plan'), 'status'),
    columnOf(query, 'goals', tr('caseload.facts.goals')),
    columnOf(query, 'checkin', tr('caseload.facts.lastCheckin'), 'checkin'),
    columnOf(query, 'needs', tr('caseload.facts.needs')),
    columnOf(query, 'navigator', tr('caseload.facts.navigator')),
  ];
}
