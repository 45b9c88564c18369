import type { ExportTable } from '../reports/export.js';
import { t, type Locale } from '../web/i18n.js';
import { groupLabel, groupingWords, schoolPaths } from './school.presenter.js';
import { isGroupingKey } from './school.schemas.js';
import type { SchoolViewService } from './school.service.js';

type StudentList = Awaited<ReturnType<SchoolViewService['students']>>;

/** What the list is of, in words: the number it came from ("Not seen in two weeks", "Open need: Food"). */
function listTitle(v: StudentList, locale?: Locale): string {
  const f = v.filter;
  const category = v.categories.find((c) => c.id === f.category)?.label ?? f.category ?? '';
  const indicator = v.bandChoices.indicators.find((i) => i.id === f.indicator)?.label ?? '';
  const band = f.band === 'none' ? t('dashboards.school.bands.none', {}, locale) : (v.bandChoices.bands.find((b) => b.id === f.band)?.label ?? f.band ?? '');
  const what = t(`dashboards.students.show.${f.show}`, { days: v.cadenceDays, category, tier: f.tier ?? '', indicator, band }, locale);
  const dimension = f.dimension && f.value && (v.field || isGroupingKey(f.dimension)) ? groupingWords(f.dimension, v.field, locale) : null;
  const where = [f.grade ? groupLabel('grade', f.grade, locale) : null, dimension ? `${dimension.by}: ${dimension.row(f.value!)}` : null].filter((x) => x !== null);
  return where.length ? `${what} · ${where.join(' · ')}` : what;
}

function rowsOf(v: StudentList, locale?: Locale) {
  const label = new Map(v.categories.map((c) => [c.id, c.label]));
  return v.students.map((s) => ({
    ...s,
    gradeLabel: s.grade === null ? t('dashboards.school.notRecorded', {}, locale) : groupLabel('grade', s.grade, locale),
    planLabel: t(`dashboards.students.plan.${s.plan}`, {}, locale),
    seenLabel: t(`dashboards.students.seen.${s.seen}`, { days: v.cadenceDays }, locale),
    needLabels: s.needs.map((n) => label.get(n) ?? n),
    needsText: s.needs.map((n) => label.get(n) ?? n).join(', '),
    navigatorsText: s.navigators.join(', '),
    tierLabel: s.tier === null ? t('dashboards.school.tiers.none', {}, locale) : t(`indicators.tier.${s.tier}`, {}, locale),
  }));
}

/** The students behind a number: who, with the facts that counted them, and the same list to export. */
export function studentListPage(v: StudentList, locale?: Locale) {
  const query = Object.fromEntries(Object.entries(v.filter).filter(([, value]) => value !== undefined)) as Record<string, string>;
  return {
    school: v.school,
    paths: schoolPaths(v.school.id),
    today: v.today,
    title: listTitle(v, locale),
    can: v.can,
    students: rowsOf(v, locale),
    exports: v.can.export ? ['csv', 'xlsx'].map((format) => ({ format, label: t(`dashboards.students.export.${format}`, {}, locale), query: { ...query, format } })) : [],
  };
}

/** The list as a spreadsheet: the same columns as the page, in the reader's language. */
export function studentsExport(v: StudentList, locale?: Locale): ExportTable {
  const h = (key: string) => t(`dashboards.students.columns.${key}`, {}, locale);
  return {
    sheet: v.school.name.slice(0, 31),
    columns: [
      { key: 'name', header: h('name'), width: 28 },
      { key: 'grade', header: h('grade'), width: 10 },
      { key: 'advisory', header: h('advisory'), width: 20 },
      { key: 'navigators', header: h('navigators'), width: 28 },
      { key: 'plan', header: h('plan'), width: 12 },
      { key: 'lastSeen', header: h('lastSeen'), width: 12 },
      { key: 'needs', header: h('needs'), width: 30 },
      { key: 'tier', header: h('tier'), width: 10 },
    ],
    rows: rowsOf(v, locale).map((s) => ({
      name: s.name,
      grade: s.gradeLabel,
      advisory: s.advisory ?? '',
      navigators: s.navigators.join(', '),
      plan: s.planLabel,
      lastSeen: s.lastSeenOn ?? '',
      needs: s.needLabels.join(', '),
      tier: s.tierLabel,
    })),
  };
}
