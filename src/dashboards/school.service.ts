import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { School, SchoolsService } from '../schools/schools.service.js';
import { authorize, canMap } from '../policies/policy.js';
import { schoolViewActions, schoolViewPolicy } from '../policies/school-view.js';
import { forbidden, notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import type { Locale } from '../web/i18n.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { surveyPolicy } from '../policies/survey.js';
import { gatherSchoolFacts, type SchoolFacts, type SchoolFactSources } from './school-facts.js';
import { matcherOf, type StudentFilter } from './school-filters.js';
import { bandsTable, byNavigator, coverageOf, groupBy, needsTable, referralFigures, seenOn, tiersTable, type SeenBucket, type StudentFacts } from './school-figures.js';
import { pulseTable } from './pulse-figures.js';
import { fieldKeyOf, type ViewGrouping } from './school.schemas.js';
import type { CustomFieldsService, StudentGrouping } from '../custom-fields/custom-fields.service.js';
import { hidden } from './school.presenter.js';
import { cadenceOf, type EvidenceCardKind, type EvidenceFigures } from './evidence-cards.js';

export interface NeedCategory {
  id: string;
  label: string;
  sensitive: boolean;
}

export interface SchoolViewDeps {
  sources: SchoolFactSources;
  schools: Pick<SchoolsService, 'list'>;
  roster: Pick<RosterService, 'namesOf'>;
  audit: Pick<AuditService, 'record'>;
  /** The school's minimum group size for disaggregated figures (src/reports settings). */
  minGroupSize: (tenantId: string) => Promise<number>;
  /** The school's needs screener, every need in order, in the reader's language (checkins.needCategories). */
  needCategories: (tenantId: string, locale?: Locale) => Promise<readonly NeedCategory[]>;
  cadenceDays: number;
  /** The indicators and their bands, best first, in the reader's language (indicators.bandChoices). */
  bandChoices: (locale?: Locale) => { indicators: { id: string; label: string }[]; bands: { id: string; label: string }[] };
  /** The surveys feature's pulse windows and favourable counts (aggregates only, never a student's answers). */
  pulse: Pick<SurveysService, 'windowsFor' | 'favourableBy'>;
  /** The school's own student fields the figures may be grouped by, and their values (src/custom-fields). */
  fields?: Pick<CustomFieldsService, 'studentGroupings' | 'studentValues'>;
}

/** One student as the list behind a number shows them (and exports them). */
export interface ListedStudent {
  id: string;
  name: string;
  grade: string | null;
  advisory: string | null;
  navigators: string[];
  plan: StudentFacts['plan'];
  lastSeenOn: string | null;
  seen: SeenBucket;
  /** Need categories open, sensitive ones only for readers who may see them. */
  needs: string[];
  tier: StudentFacts['tier'];
}

/**
 * A school's view (issue 12): coverage, needs, tiers and referrals counted live from the school's
 * students, and the students behind each number for those allowed to list them. Gate first, then one
 * gathering of facts, then the pure figures; one audit event per page (the list's names its students).
 */
export function createSchoolViewService(deps: SchoolViewDeps) {
  async function schoolFor(user: AppUser, schoolId: string, action: 'view_school' | 'list_students' | 'export'): Promise<School> {
    // Refused before anything is read, whether or not the school exists (no probing of ids).
    authorize(schoolViewPolicy, user, action, { tenantId: user.tenantId, schoolId });
    const school = isUuid(schoolId) ? (await deps.schools.list(user.tenantId)).find((s) => s.id === schoolId) : undefined;
    if (!school) throw notFound();
    return school;
  }

  const canOf = (user: AppUser, schoolId: string) => canMap(schoolViewPolicy, user, schoolViewActions, { tenantId: user.tenantId, schoolId });

  /**
   * A grouping by a field of the school's own: the field (null for any other grouping, or for a field the
   * school no longer has or that is not one value from a closed list: the page then groups by grade) and
   * the facts with each student's value among their groups, where the filters and tables find it.
   */
  async function byField(user: AppUser, grouping: string, facts: SchoolFacts, groupings?: readonly StudentGrouping[]): Promise<{ field: StudentGrouping | null; facts: SchoolFacts }> {
    const key = fieldKeyOf(grouping);
    if (key === null || !deps.fields) return { field: null, facts };
    const field = (groupings ?? (await deps.fields.studentGroupings(user.tenantId, user.locale))).find((f) => f.key === key);
    if (!field) return { field: null, facts };
    const values = await deps.fields!.studentValues(user.tenantId, field.key, facts.students.map((s) => s.id));
    const students = facts.students.map((s) => {
      const value = values.get(s.id);
      return value === undefined ? s : { ...s, groups: { ...s.groups, [grouping]: value } };
    });
    return { field, facts: { ...facts, students } };
  }

  const groupKey = (g: ViewGrouping, facts: SchoolFacts) => (s: StudentFacts) => {
    if (g === 'grade') return s.grade;
    if (g === 'advisory') return s.advisoryId === null ? null : (facts.advisories.get(s.advisoryId) ?? null);
    return s.groups[g] ?? null;
  };

  /** The list filter behind a group of the grouping (null where no filter names it: students of no advisory). */
  const groupFilterOf = (g: ViewGrouping, facts: SchoolFacts) => {
    const advisoryIds = new Map([...facts.advisories].map(([id, title]) => [title, id]));
    return (key: string): Record<string, string> | null => {
      if (g === 'grade') return { grade: key };
      if (g === 'advisory') return key === 'none' ? null : { advisory: advisoryIds.get(key)! };
      return { dimension: g, value: key };
    };
  };

  /**
   * The latest pulse window (open or closed) for this school or for every school, as favourable shares
   * per question, overall and by the grouping, suppressed under the minimum. Null when the reader may
   * not read pulse results or no window has opened.
   */
  async function pulseOf(user: AppUser, school: School, groups: Map<string, StudentFacts[]>, min: number) {
    if (!surveyPolicy(user, 'readResults', { tenantId: user.tenantId })) return null;
    const window = (await deps.pulse.windowsFor(user.tenantId, user.locale)).find((w) => w.state !== 'upcoming' && (w.schoolId === null || w.schoolId === school.id));
    if (!window) return null;
    const counts = await deps.pulse.favourableBy(user.tenantId, window.id, [...groups].map(([key, list]) => ({ key, studentIds: list.map((s) => s.id) })), user.locale);
    if (!counts) return null;
    return { window: counts.window, questions: counts.questions, table: pulseTable(counts.questions.map((q) => q.id), counts.overall, counts.groups, min) };
  }

  async function view(user: AppUser, schoolId: string, asked: ViewGrouping) {
    const school = await schoolFor(user, schoolId, 'view_school');
    const [gathered, min, categories, fieldGroupings] = await Promise.all([
      gatherSchoolFacts(deps.sources, user.tenantId, school.id, { withBands: true }),
      deps.minGroupSize(user.tenantId),
      deps.needCategories(user.tenantId, user.locale),
      deps.fields?.studentGroupings(user.tenantId, user.locale) ?? [],
    ]);
    const { field, facts } = await byField(user, asked, gathered, fieldGroupings);
    const grouping: ViewGrouping = fieldKeyOf(asked) === null || field ? asked : 'grade';
    const groups = groupBy(facts.students, groupKey(grouping, facts));
    const choices = deps.bandChoices(user.locale);
    const navigators = byNavigator(facts.students, facts.today, deps.cadenceDays);
    const [pulse, names] = await Promise.all([pulseOf(user, school, groups, min), deps.roster.namesOf(user.tenantId, navigators.map((n) => n.navigatorId))]);
    await deps.audit.record(user, { action: 'read', entity: 'school_view', entityId: school.id });
    return {
      school,
      today: facts.today,
      cadenceDays: deps.cadenceDays,
      minGroupSize: min,
      can: canOf(user, school.id),
      coverage: coverageOf(facts.students, facts.today, deps.cadenceDays),
      navigators: navigators.map((n) => ({ ...n, name: names.get(n.navigatorId) ?? '' })),
      categories,
      grouping,
      /** The school's own student fields offered as groupings, and the one chosen (its values' words). */
      fieldGroupings,
      field,
      needs: needsTable(groups, categories.map((c) => c.id)),
      groupFilter: groupFilterOf(grouping, facts),
      tiers: tiersTable(groups),
      bandNames: choices.bands,
      bands: choices.indicators.map((i) => ({ indicator: i.id, label: i.label, table: bandsTable(groups, i.id, choices.bands.map((b) => b.id)) })),
      pulse,
      referrals: referralFigures(facts.referrals, facts.now),
    };
  }

  /**
   * One evidence card's figures (issue 13, item 2) for a school today: the school view's own
   * computations over the same facts, suppressed the same way, so a card and the page agree for a day.
   * Tiers and the pulse are by grade. Gated and audited as a school view read.
   */
  async function evidence(user: AppUser, schoolId: string, kind: EvidenceCardKind): Promise<{ schoolId: string; day: string; minGroupSize: number; figures: EvidenceFigures }> {
    const school = await schoolFor(user, schoolId, 'view_school');
    const [facts, min] = await Promise.all([gatherSchoolFacts(deps.sources, user.tenantId, school.id, { withBands: false }), deps.minGroupSize(user.tenantId)]);
    const byGrade = () => groupBy(facts.students, groupKey('grade', facts));
    const figures = async (): Promise<EvidenceFigures> => {
      switch (kind) {
        case 'coverage':
          return { kind, coverage: coverageOf(facts.students, facts.today, deps.cadenceDays) };
        case 'checkin-cadence':
          return cadenceOf(coverageOf(facts.students, facts.today, deps.cadenceDays), deps.cadenceDays);
        case 'pulse-by-group': {
          const pulse = await pulseOf(user, school, byGrade(), min);
          return { kind, pulse: pulse && { windowId: pulse.window.id, table: pulse.table } };
        }
        case 'referral-response':
          return { kind, referrals: referralFigures(facts.referrals, facts.now) };
        case 'tiers-by-grade': {
          const table = tiersTable(byGrade());
          return { kind, columns: table.columns, rows: hidden(table, min) };
        }
      }
    };
    const result = { schoolId: school.id, day: facts.today, minGroupSize: min, figures: await figures() };
    await deps.audit.record(user, { action: 'read', entity: 'school_view', entityId: school.id });
    return result;
  }

  /** The students behind a number, named, for readers who may list them; sensitive needs only for those who may see them. */
  async function listed(user: AppUser, schoolId: string, filter: StudentFilter, action: 'list_students' | 'export') {
    const school = await schoolFor(user, schoolId, action);
    const can = canOf(user, school.id);
    const categories = await deps.needCategories(user.tenantId, user.locale);
    const sensitive = new Set(categories.filter((c) => c.sensitive).map((c) => c.id));
    // Who is behind a sensitive need is need-to-know: a leader may count them, not list them.
    if (filter.show === 'need' && filter.category !== undefined && sensitive.has(filter.category) && !can.see_sensitive) throw forbidden();
    const { field, facts } = await byField(user, filter.dimension ?? '', await gatherSchoolFacts(deps.sources, user.tenantId, school.id, { withBands: filter.show === 'band' }));
    const chosen = facts.students.filter(matcherOf(filter, facts.today, deps.cadenceDays));
    const names = await deps.roster.namesOf(user.tenantId, [...new Set([...chosen.map((s) => s.id), ...chosen.flatMap((s) => s.navigatorIds)])]);
    const seenBy = seenOn(facts.today, deps.cadenceDays);
    const students: ListedStudent[] = chosen
      .map((s) => ({
        id: s.id,
        name: names.get(s.id) ?? '',
        grade: s.grade,
        advisory: s.advisoryId === null ? null : (facts.advisories.get(s.advisoryId) ?? null),
        navigators: s.navigatorIds.map((n) => names.get(n) ?? '').filter((n) => n !== ''),
        plan: s.plan,
        lastSeenOn: s.lastSeenOn,
        seen: seenBy(s.lastSeenOn),
        needs: s.needs.filter((n) => can.see_sensitive || !sensitive.has(n.category)).map((n) => n.category),
        tier: s.tier,
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    await deps.audit.record(user, { action: 'read', entity: action === 'export' ? 'school_students_export' : 'school_students', entityId: school.id, studentIds: students.map((s) => s.id) });
    return { school, today: facts.today, cadenceDays: deps.cadenceDays, can, categories, bandChoices: deps.bandChoices(user.locale), filter, field, students };
  }

  return {
    view,
    evidence,
    students: (user: AppUser, schoolId: string, filter: StudentFilter) => listed(user, schoolId, filter, 'list_students'),
    exportStudents: (user: AppUser, schoolId: string, filter: StudentFilter) => listed(user, schoolId, filter, 'export'),
    canOf,
  };
}
export type SchoolViewService = ReturnType<typeof createSchoolViewService>;
