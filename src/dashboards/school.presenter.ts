import { heatMap, stackedBar } from '../reports/charts.js';
import { suppressTable, isShown, type Cell } from '../reports/suppression.js';
import { dimensionLabel, groupValueLabel, type GroupDimension } from '../schools/groups.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';
import { formatNumber } from '../web/intl.js';
import { toolPath } from '../web/urls.js';
import { groupingKeys, isGroupingKey, type GroupingKey } from './school.schemas.js';
import type { StudentGrouping } from '../custom-fields/custom-fields.service.js';
import type { CountTable } from './school-figures.js';
import type { SchoolViewService } from './school.service.js';
import { bandSections, groupedTable, pulseSection } from './school-groups.presenter.js';

type SchoolView = Awaited<ReturnType<SchoolViewService['view']>>;

const pct = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

/** A group's row name: a grade ("Grade 9"), an advisory's title, a subgroup's value, or "not recorded". */
export function groupLabel(grouping: GroupingKey, key: string, locale?: Locale): string {
  if (key === 'none') return t('dashboards.school.notRecorded', {}, locale);
  if (grouping === 'grade') return t('dashboards.school.grade', { grade: /^\d+$/.test(key) ? String(Number(key)) : key }, locale);
  if (grouping === 'advisory') return key;
  return groupValueLabel(grouping as GroupDimension, key, locale);
}

export const groupingName = (g: GroupingKey, locale?: Locale) => (g === 'grade' || g === 'advisory' ? t(`dashboards.school.by.${g}`, {}, locale) : dimensionLabel(g, locale));

/** What a grouping is called and each group's row name: a built-in grouping's words, or a field of the school's own (its label, its values' words). */
export function groupingWords(g: string, field: StudentGrouping | null, locale?: Locale): { by: string; row: (key: string) => string } {
  if (field === null && isGroupingKey(g)) return { by: groupingName(g, locale), row: (key) => groupLabel(g, key, locale) };
  const values = new Map((field?.values ?? []).map((v) => [v.value, v.label]));
  return { by: field?.label ?? g, row: (key) => (key === 'none' ? t('dashboards.school.notRecorded', {}, locale) : (values.get(key) ?? key)) };
}

/** A school's pages as paths inside the tool (each page's {{url}} adds the ltik and the query). */
export const schoolPaths = (schoolId: string) => ({
  view: toolPath('schools', schoolId),
  students: toolPath('schools', schoolId, 'students'),
  export: toolPath('schools', schoolId, 'students', 'export'),
  maps: toolPath('schools', schoolId, 'maps'),
  riskReviews: toolPath('schools', schoolId, 'risk-reviews'),
  reflections: toolPath('schools', schoolId, 'reflections'),
});

/** A count table with groups under the minimum hidden (and their complements), as report cells (the page's and the evidence cards'). */
export function hidden(table: CountTable, min: number): { key: string; cells: Cell[] }[] {
  const s = suppressTable({ rows: table.rows.map((r) => ({ base: r.base, counts: r.cells })) }, min);
  return table.rows.map((r, i) => ({ key: r.key, cells: s.rows[i]!.cells }));
}

/** The school view's page: coverage with the lists behind it, navigators, needs, tiers and indicator bands by a grouping, the pulse, referrals. */
export function schoolPage(v: SchoolView, locale?: Locale) {
  const c = v.coverage;
  const list = (show: string, extra: Record<string, string> = {}) => (v.can.list_students ? { show, ...extra } : null);
  const coverage = [
    { key: 'withNavigator', count: c.withNavigator, list: list('no_navigator'), listKey: 'dashboards.school.coverage.withoutNavigatorList', missing: c.students - c.withNavigator },
    { key: 'activePlan', count: c.activePlan, list: list('no_active_plan'), listKey: 'dashboards.school.coverage.withoutPlanList', missing: c.students - c.activePlan },
    { key: 'seenWithinCadence', count: c.seenWithinCadence, list: list('seen_within'), listKey: 'dashboards.school.coverage.seenList', missing: null },
    { key: 'notSeen2Weeks', count: c.notSeen2Weeks, list: list('not_seen_2w'), listKey: 'dashboards.school.coverage.notSeenList', missing: null },
  ].map((m) => ({
    ...m,
    label: t(`dashboards.school.coverage.${m.key}`, { days: v.cadenceDays }, locale),
    text: t('dashboards.school.coverage.ofStudents', { count: c.students, part: formatNumber(m.count, locale), percent: formatNumber(pct(m.count, c.students) ?? 0, locale) }, locale),
  }));
  const { by, row: rowName } = groupingWords(v.grouping, v.field, locale);
  const grouped = { grouping: v.grouping, by, groupLabel: rowName, groupFilter: v.groupFilter, canList: v.can.list_students, minGroupSize: v.minGroupSize, locale };
  // A sensitive category is counted for every reader, but who is behind it is listed only for those who may see it.
  const needList = (cat: SchoolView['categories'][number]) => (cat.sensitive && !v.can.see_sensitive ? null : { show: 'need', category: cat.id });
  const gradeRows = hidden(v.needs, v.minGroupSize);
  const needs = heatMap({
    id: 'needs-by-group',
    title: t('dashboards.school.needs.title', { by }, locale),
    locale: locale ?? defaultLocale,
    minGroupSize: v.minGroupSize,
    columns: v.categories.map((cat) => cat.label),
    rows: gradeRows.map((r) => ({ label: rowName(r.key), cells: r.cells })),
    rowHeader: by,
  });
  const needsBehind = groupedTable({ ...grouped, table: v.needs, caption: t('dashboards.school.needs.caption', { by }, locale), rowHeader: by, columns: v.categories.map((cat) => ({ label: cat.label, list: needList(cat) })) });
  const tiersBehind = groupedTable({
    ...grouped,
    table: v.tiers,
    caption: t('dashboards.school.tiers.title', { by }, locale),
    rowHeader: by,
    columns: v.tiers.columns.map((col) => ({ label: t(col === 'none' ? 'dashboards.school.tiers.none' : `indicators.tier.${col}`, {}, locale), list: { show: 'tier', tier: col } })),
  });
  const bands = bandSections(v.bands, v.bandNames, grouped);
  const pulse = pulseSection(v.pulse, grouped);
  const tierRows = hidden(v.tiers, v.minGroupSize);
  const tiers = stackedBar({
    id: 'tiers-by-group',
    title: t('dashboards.school.tiers.title', { by }, locale),
    locale: locale ?? defaultLocale,
    minGroupSize: v.minGroupSize,
    categories: v.tiers.columns.map((col) => t(col === 'none' ? 'dashboards.school.tiers.none' : `indicators.tier.${col}`, {}, locale)),
    rows: tierRows.map((r) => ({ label: rowName(r.key), values: r.cells })),
    rowHeader: by,
    asShare: true,
  });
  const categoryLabel = new Map(v.categories.map((cat) => [cat.id, cat.label]));
  return {
    school: v.school,
    paths: schoolPaths(v.school.id),
    today: v.today,
    minGroupSize: v.minGroupSize,
    can: v.can,
    students: c.students,
    coverage,
    navigators: v.navigators.map((n) => ({ ...n, list: list('all', { navigator: n.navigatorId }), notSeenList: list('not_seen_2w', { navigator: n.navigatorId }) })),
    needs,
    // Each category's school-wide count, with its list (sensitive ones only for those who may see who).
    needTotals: v.categories.map((cat, i) => ({ label: cat.label, count: v.needs.total.cells[i] ?? 0, list: v.can.list_students ? needList(cat) : null })),
    needsBehind,
    tiers,
    tiersBehind,
    bands,
    pulse,
    groupings: [
      ...groupingKeys.map((g) => ({ value: g, label: groupingName(g, locale), selected: g === v.grouping })),
      ...v.fieldGroupings.map((f) => ({ value: `field.${f.key}`, label: f.label, selected: `field.${f.key}` === v.grouping })),
    ],
    hiddenNote: [...gradeRows, ...tierRows].some((r) => r.cells.some((cell) => !isShown(cell))) || bands.some((b) => b.table.hidden) || pulse?.hidden ? t('dashboards.school.hiddenNote', { min: v.minGroupSize }, locale) : null,
    referrals: v.referrals.map((r) => ({
      ...r,
      label: categoryLabel.get(r.category) ?? t(`supports.category.${r.category}`, {}, locale),
      open: (r.byState.requested ?? 0) + (r.byState.accepted ?? 0) + (r.byState.in_service ?? 0),
      onTimePercent: pct(r.respondedOnTime, r.responded),
    })),
  };
}
