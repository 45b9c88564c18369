import type { Db, DbOrTx } from '../db/client.js';
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { StudentRecordGate } from '../navigators/student-record.js';
import type { JobQueue } from '../jobs/jobs.service.js';
import { asSystem, withTenant } from '../db/tenant-scope.js';
import { authorize, canMap } from '../policies/policy.js';
import { indicatorPolicy, indicatorSettingsPolicy, type IndicatorAction } from '../policies/indicator.js';
import { tierActions, tierPolicy } from '../policies/tier.js';
import { validForm, InvalidInput, type ParsedForm } from '../web/forms.js';
import { defaultLocale, t, type Locale } from '../web/i18n.js';
import { localDate } from '../web/time-zone.js';
import { formatNumber } from '../web/intl.js';
import { addDays } from '../web/days.js';
import { attendanceRate, bandIndex, behaviourRate, computeIndicators, indicatorsFromCounts, mondayOf, windowsOf, suggestTier, weeklyTrends, type AttendanceStatus, type IndicatorInput, type Indicators, type SuggestedTier, type TierReason, type WeekPoint } from './compute.js';
import { badgesOf, describeReason, pulseFact, studentView, type Badge } from './describe.js';
import { trendCharts, trendTable } from './charts.js';
import { defaultFamilyView, familyViews, indicatorNames, type FamilyView, type IndicatorConfig, type IndicatorName, type Thresholds, type TierDecisionInput } from './indicators.schemas.js';
import * as repo from './indicators.repository.js';
import { withRules, type IndicatorRules } from './indicator-rules.js';
import { derivedFrom } from '../configuration/configuration.kinds.js';
import type { IndicatorCountsRow } from '../student-data/student-data.service.js';

export type { Badge } from './describe.js';
export type Tier = 1 | 2 | 3;

/**
 * One student's indicators as the caseload shows them (`summaryFor(tenantId, studentIds, locale)`):
 * read from the stored per-student row, so a caseload of any size is one query. Worded in `locale`.
 * A student with no data yet has `computedAt: null`, the four badges saying "no recent data" and tier 1.
 */
export interface IndicatorSummary {
  studentId: string;
  /** When the stored indicators were last computed (null: never). */
  computedAt: Date | null;
  /** The tier to sort by and show: the adult's confirmed or overriding decision, else the suggestion. */
  tier: Tier;
  /** What the rules suggest now. */
  suggestedTier: Tier;
  /** The latest adult decision, if any: `overridden` when it differs from the suggestion it was made on. */
  decision: { tier: Tier; overridden: boolean; decidedAt: Date } | null;
  /** The suggestion's reasons as sentences, highest tier first ("attended 84% of days in the last 30 (at risk)"). */
  reasons: string[];
  /** One badge per indicator, in a fixed order: attendance, behaviour, grades, well-being. */
  badges: Badge[];
  /** The computed numbers behind them (flags such as chronic absence, courses failing; a goal's measure), null before any computation. */
  indicators: Indicators | null;
}

/** A student's records as the student-data feature gives them (studentData.forStudents). Numbers may come as text from the driver. */
export interface StudentDataRows {
  attendance: readonly { personId: string; day: string | Date; status: string }[];
  incidents: readonly { personId: string; day: string | Date; suspensionDays: number | string | null }[];
  scores: readonly { personId: string; source: string; courseKey: string; courseTitle: string | null; periodKey: string | null; currentScore: number | string | null; observedAt: Date | string | null }[];
  scoreDays: readonly { personId: string; source: string; courseKey: string; day: string | Date; currentScore: number | string | null }[];
}

export interface IndicatorsDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  audit: AuditService;
  studentRecords: StudentRecordGate;
  /** The document in every language (loadIndicatorConfigIn): the same thresholds and rules, each language's band labels. */
  configs: Record<Locale, IndicatorConfig>;
  timeZoneOf: (tenantId: string) => Promise<string>;
  /** The school year's first day (MM-DD): "this year" figures count from it, as plans and imports do (platforms service). */
  schoolYearStartOf: (tenantId: string) => Promise<string>;
  /** The student-data feature's reader (never its tables). */
  forStudents: (tenantId: string, personIds: string[], sinceDay: string) => Promise<StudentDataRows>;
  /** The student-data feature's set-based read for recomputing many students at once (aggregated in the database). */
  indicatorCounts: (tenantId: string, personIds: readonly string[], windows: { yearFrom: string; recentFrom: string; today: string; attended: readonly string[]; timeZone: string }) => Promise<readonly IndicatorCountsRow[]>;
  /** The check-ins feature's well-being ratings since a day (never its tables). */
  wellbeingSince: (tenantId: string, studentIds: string[], sinceDay: string) => Promise<{ studentId: string; date: string; rating: number }[]>;
  /** The surveys feature's pulse scores answered since a day (never its tables). */
  pulseSince: (tenantId: string, studentIds: string[], sinceDay: string) => Promise<{ studentId: string; date: string; score: number }[]>;
  /** Active tenants, for the nightly round (the recent window moves every day). */
  tenantIds: () => Promise<string[]>;
  namesOf: (tenantId: string, ids: string[]) => Promise<Map<string, string>>;
  jobs: JobQueue;
  /** Changes within this window make one recompute per tenant. */
  debounceMs: number;
  /** Students per batch of a whole-tenant recompute. */
  batchSize?: number;
  /** The school's band thresholds and tier rules in force (the `indicator-rules` document); none: the installation's. Read outside any transaction. */
  rulesOf?: (tenantId: string) => Promise<IndicatorRules>;
  /** Automations (issue 14 item 5): told, in the writing transaction, of each band that changed, when a rule of the school wants them. */
  events?: IndicatorEventHooks;
}

/** A student's indicator moved from one band to another (a first computation is no change). No values, only band ids. */
export interface BandChange {
  studentId: string;
  indicator: IndicatorName;
  from: string;
  to: string;
  /** The new band is further from on track than the old. */
  worse: boolean;
  at: Date;
}

export interface IndicatorEventHooks {
  /** Whether any rule of the school is on for band changes: a recompute compares with what was stored only then. */
  bandChangesWanted: (tenantId: string) => Promise<boolean>;
  bandsChanged: (tx: DbOrTx, tenantId: string, changes: readonly BandChange[]) => Promise<void>;
}

export const RECOMPUTE_JOB = 'indicators.recompute';
export const TENANT_JOB = 'indicators.tenant';
export const SCHEDULE_JOB = 'indicators.schedule';
const DAY_MS = 86_400_000;
/** Weeks the data panel's trends show. */
export const TREND_WEEKS = 12;

const asDay = (d: string | Date): string => (typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));
const asNumber = (v: number | string | null): number | null => (v === null ? null : Number.isFinite(Number(v)) ? Number(v) : null);
const statuses = new Set<string>(['present', 'absent', 'tardy', 'excused']);

/** Rows of many students grouped by student, each row reduced to what the computation reads. */
function byStudent<R extends { studentId: string }, V>(rows: readonly R[], value: (row: R) => V): Map<string, V[]> {
  const out = new Map<string, V[]>();
  for (const r of rows) {
    const list = out.get(r.studentId);
    if (list) list.push(value(r));
    else out.set(r.studentId, [value(r)]);
  }
  return out;
}

/** A student's badges and tier reasons in words, in one language. */
interface Words {
  reasons: string[];
  badges: Badge[];
}

const wordsOf = (indicators: Indicators, reasons: readonly TierReason[], config: IndicatorConfig, locale: Locale): Words => ({
  reasons: reasons.map((r) => describeReason(r, config, locale)),
  badges: badgesOf(indicators, config, locale),
});

/** The summary of computed indicators and a decision, in one language (`config`: the document in `locale`). */
export function summaryOf(
  studentId: string,
  stored: { indicators: Indicators; suggestion: SuggestedTier; computedAt: Date } | null,
  decision: { tier: Tier; suggestedTier: Tier; decidedAt: Date } | null,
  config: IndicatorConfig,
  locale: Locale,
  empty: Indicators,
  words: Words = wordsOf(stored?.indicators ?? empty, stored?.suggestion.reasons ?? [], config, locale),
): IndicatorSummary {
  const suggestedTier = stored?.suggestion.tier ?? 1;
  const { reasons, badges } = words;
  return {
    studentId,
    computedAt: stored?.computedAt ?? null,
    tier: decision?.tier ?? suggestedTier,
    suggestedTier,
    decision: decision ? { tier: decision.tier, overridden: decision.tier !== decision.suggestedTier, decidedAt: decision.decidedAt } : null,
    reasons,
    badges,
    indicators: stored?.indicators ?? null,
  };
}

/** Indicators, the suggested tier and its decisions, and the student's data panel. */
export function createIndicatorsService(deps: IndicatorsDeps) {
  const { db, clock, audit, studentRecords } = deps;
  const base = deps.configs[defaultLocale]!;
  const configIn = (locale: Locale = defaultLocale) => deps.configs[locale] ?? base;
  const batchSize = deps.batchSize ?? 5000;
  // The document a school's numbers make, worked out once per version read (configuration keeps each body for a while).
  const applied = derivedFrom((rules: IndicatorRules) => withRules(base, rules));
  /** What the computation reads for this school: the installation's bands with the school's thresholds and tier rules. */
  async function configOf(tenantId: string): Promise<IndicatorConfig> {
    const rules = await deps.rulesOf?.(tenantId);
    if (!rules) return base;
    return applied(rules);
  }
  /**
   * Stored documents, parsed and worded, by language and document text: a caseload of 150 reads the
   * same documents and says the same few hundred sentences on every visit, and parsing and wording
   * them was most of its page's time. The key is the content (a recompute within the same millisecond
   * can store other numbers under the same computed_at). Shared and read-only. Bounded by the texts'
   * size, so a district's worth of students cannot grow the process.
   */
  const storedDocuments = new LRUCache<string, { indicators: Indicators; reasons: TierReason[]; words: Words }>({ maxSize: 8_000_000 });
  function storedDocumentOf(text: string, config: IndicatorConfig, locale: Locale) {
    const key = `${locale}\u0000${createHash('sha1').update(text).digest('base64')}`;
    let doc = storedDocuments.get(key);
    if (doc === undefined) {
      const [indicators, reasons] = JSON.parse(text) as [Indicators, TierReason[]];
      storedDocuments.set(key, (doc = { indicators, reasons, words: wordsOf(indicators, reasons, config, locale) }), { size: text.length });
    }
    return doc;
  }
  const todayAt = async (tenantId: string) => {
    const [zone, yearStart, config] = await Promise.all([deps.timeZoneOf(tenantId), deps.schoolYearStartOf(tenantId), configOf(tenantId)]);
    return { today: localDate(clock.now(), zone), zone, yearStart, config };
  };

  /** Each student's records, read in one call per feature, as the computation's input. */
  async function inputsFor(tenantId: string, ids: string[], sinceDay: string, zone: string) {
    const [data, ratings, pulse] = await Promise.all([deps.forStudents(tenantId, ids, sinceDay), deps.wellbeingSince(tenantId, ids, sinceDay), deps.pulseSince(tenantId, ids, sinceDay)]);
    const inputs = new Map(ids.map((id) => [id, { attendance: [] as { day: string; status: AttendanceStatus }[], incidents: [] as IndicatorInput['incidents'][number][], scores: [] as IndicatorInput['scores'][number][], wellbeing: [] as IndicatorInput['wellbeing'][number][], pulse: [] as IndicatorInput['pulse'][number][], scoreDays: [] as { source: string; courseKey: string; day: string; currentScore: number | null }[] }]));
    for (const a of data.attendance) if (statuses.has(a.status)) inputs.get(a.personId)?.attendance.push({ day: asDay(a.day), status: a.status as AttendanceStatus });
    for (const i of data.incidents) inputs.get(i.personId)?.incidents.push({ day: asDay(i.day), suspensionDays: asNumber(i.suspensionDays) });
    for (const s of data.scores) {
      const observedOn = s.observedAt === null ? null : localDate(s.observedAt instanceof Date ? s.observedAt : new Date(s.observedAt), zone);
      inputs.get(s.personId)?.scores.push({ source: s.source, courseKey: s.courseKey, courseTitle: s.courseTitle || null, periodKey: s.periodKey ?? '', currentScore: asNumber(s.currentScore), observedOn });
    }
    for (const d of data.scoreDays) inputs.get(d.personId)?.scoreDays.push({ source: d.source, courseKey: d.courseKey, day: asDay(d.day), currentScore: asNumber(d.currentScore) });
    for (const r of ratings) inputs.get(r.studentId)?.wellbeing.push({ date: r.date, rating: r.rating });
    for (const p of pulse) inputs.get(p.studentId)?.pulse.push({ date: p.date, score: p.score });
    return inputs;
  }

  type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
  type Batch = { config: IndicatorConfig; today: string; yearStart: string; counts: readonly IndicatorCountsRow[]; ratings: { studentId: string; date: string; rating: number }[]; pulse: { studentId: string; date: string; score: number }[] };
  /** One batch's reads: its students' records counted in the database, their recent well-being ratings and this year's pulse scores. */
  async function readBatch(tenantId: string, ids: string[], { today, zone, yearStart, config }: Awaited<ReturnType<typeof todayAt>>): Promise<Batch> {
    const { yearFrom, recentFrom } = windowsOf(config, today, yearStart);
    const [counts, ratings, pulse] = await Promise.all([
      deps.indicatorCounts(tenantId, ids, { yearFrom, recentFrom, today, attended: base.attendance.attended, timeZone: zone }),
      deps.wellbeingSince(tenantId, ids, recentFrom),
      deps.pulseSince(tenantId, ids, yearFrom),
    ]);
    return { config, today, yearStart, counts, ratings, pulse };
  }

  /** Computes and stores the indicators of these students (one batch: two set-based reads, one write). */
  async function recomputeWith(tx: Tx | Db, tenantId: string, ids: string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return storeBatch(tx, tenantId, await readBatch(tenantId, ids, await todayAt(tenantId)));
  }

  async function storeBatch(tx: Tx | Db, tenantId: string, { config, today, yearStart, counts, ratings, pulse }: Batch): Promise<number> {
    const ratingsOf = byStudent(ratings, (r) => ({ date: r.date, rating: r.rating }));
    const pulseOf = byStudent(pulse, (p) => ({ date: p.date, score: p.score }));
    const now = clock.now();
    const rowOf = (c: IndicatorCountsRow) => {
      const indicators = indicatorsFromCounts(
        {
          attendance: { year: attendanceRate(c.year_days, c.year_attended), recent: attendanceRate(c.recent_days, c.recent_attended) },
          behaviour: {
            year: behaviourRate({ schoolDays: c.year_days + c.year_extra_days, incidents: c.year_incidents, incidentDays: c.year_incident_days, suspensions: c.year_suspensions, suspensionDays: Number(c.year_suspension_days) }),
            recent: behaviourRate({ schoolDays: c.recent_days + c.recent_extra_days, incidents: c.recent_incidents, incidentDays: c.recent_incident_days, suspensions: c.recent_suspensions, suspensionDays: Number(c.recent_suspension_days) }),
          },
          scores: (c.courses ?? []).map(([source, courseKey, title, periodKey, score, observedOn]) => ({ source, courseKey, courseTitle: title || null, periodKey, currentScore: Number(score), observedOn })),
          wellbeing: ratingsOf.get(c.person_id) ?? [],
          pulse: pulseOf.get(c.person_id) ?? [],
        },
        config,
        today,
        yearStart,
      );
      const suggestion = suggestTier(indicators, config);
      return { tenantId, studentId: c.person_id, asOf: today, indicators, suggestedTier: suggestion.tier, reasons: suggestion.reasons, computedAt: now };
    };
    if (deps.events && (await deps.events.bandChangesWanted(tenantId))) return storeComparing(tenantId, counts.map(rowOf), deps.events);
    // A thousand rows a statement; the next thousand are computed while the database writes these (one
    // statement in flight at a time, so a transaction's statements stay in order).
    let writing: Promise<void> = Promise.resolve();
    for (let i = 0; i < counts.length; i += 1000) {
      const rows = counts.slice(i, i + 1000).map(rowOf);
      await writing;
      writing = repo.upsertIndicators(tx, rows);
      // Awaited after the next thousand; a computation that throws first must not leave it unhandled.
      writing.catch(() => undefined);
    }
    await writing;
    return counts.length;
  }
  /**
   * The write when a rule wants band changes: each thousand rows in one transaction that reads the bands
   * stored before, writes the new ones and publishes each change, so an event is never told of a write
   * that did not land, nor a write left without its events.
   */
  async function storeComparing(tenantId: string, rows: repo.NewStoredIndicators[], events: IndicatorEventHooks): Promise<number> {
    const order = base.bands.map((b) => b.id);
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      await db.transaction(async (tx) => {
        const before = await repo.bandsOf(tx, tenantId, chunk.map((r) => r.studentId));
        await repo.upsertIndicators(tx, chunk);
        const changes = chunk.flatMap((r) =>
          (Object.entries(r.indicators.bands) as [IndicatorName, string | null][]).flatMap(([indicator, to]) => {
            const from = before.get(r.studentId)?.[indicator] ?? null;
            return from !== null && to !== null && from !== to ? [{ studentId: r.studentId, indicator, from, to, worse: order.indexOf(to) > order.indexOf(from), at: clock.now() }] : [];
          }),
        );
        if (changes.length > 0) await events.bandsChanged(tx, tenantId, changes);
      });
    }
    return rows.length;
  }
  const recomputeStudents = (tenantId: string, ids: string[]) => recomputeWith(db, tenantId, ids);

  /**
   * Every student of the tenant the indicators know (any who ever had data), batch by batch; the next
   * batch is read while this one is computed and written, so the database and the app work at once.
   */
  async function recomputeTenant(tenantId: string): Promise<number> {
    const ids = await repo.knownStudentIds(db, tenantId);
    const day = await todayAt(tenantId);
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += batchSize) batches.push(ids.slice(i, i + batchSize));
    let done = 0;
    const read = (i: number) => {
      if (!batches[i]) return undefined;
      const reading = readBatch(tenantId, batches[i], day);
      // Awaited in the next round; a failed write in this one must not leave it an unhandled rejection.
      reading.catch(() => undefined);
      return reading;
    };
    let next = read(0);
    for (let i = 0; next; i++) {
      const batch = await next;
      next = read(i + 1);
      done += await storeBatch(db, tenantId, batch);
    }
    return done;
  }

  /**
   * The queued recompute of a tenant: every student marked since, batch by batch. The reads run outside
   * any transaction (PGlite has one connection); a batch that fails is marked again and the job retried.
   */
  async function recomputePending(tenantId: string): Promise<void> {
    for (;;) {
      const ids = await repo.takePending(db, tenantId, batchSize);
      try {
        await recomputeWith(db, tenantId, ids);
      } catch (err) {
        await repo.markPending(db, tenantId, ids, clock.now());
        throw err;
      }
      if (ids.length < batchSize) return;
    }
  }

  const emptyIndicators = (today: string, yearStart: string) => computeIndicators({ attendance: [], incidents: [], scores: [], wellbeing: [], pulse: [] }, base, today, yearStart);

  /** What the gate lets this user see: the adults' panel, the student's own words, or the family's share. */
  const actionFor = (user: AppUser): IndicatorAction => (user.role === 'student' ? 'viewOwn' : user.role === 'family' ? 'viewFamily' : 'view');

  async function familyViewOf(tenantId: string): Promise<FamilyView> {
    const v = await repo.familyViewOf(db, tenantId);
    return (familyViews as readonly string[]).includes(v ?? '') ? (v as FamilyView) : defaultFamilyView;
  }

  /** The facts of the panel in words: label and value pairs, per indicator (`withPulse`: the student's pulse score beside well-being, for the adults who work with them). */
  function factsOf(ind: Indicators, locale: Locale, withBands: boolean, withPulse: boolean) {
    const pulse = withPulse ? pulseFact(ind, locale) : null;
    const config = configIn(locale);
    const num = (n: number) => formatNumber(n, locale, 2);
    const panelText = (key: string, params: Record<string, unknown> = {}) => t(`indicators.panel.${key}`, params, locale);
    const badges = badgesOf(ind, config, locale);
    const band = (i: number) => (withBands ? badges[i]!.bandLabel : null);
    const rate = (r: { percent: number | null; schoolDays: number; attended: number }) => (r.percent === null ? panelText('noData') : panelText('attendedOf', { percent: num(r.percent), count: r.schoolDays, attended: r.attended }));
    const incidentRate = (r: Indicators['behaviour']['recent']) => (r.percent === null ? panelText('noData') : panelText('incidentsOf', { percent: num(r.percent), count: r.schoolDays, days: r.incidentDays }));
    return {
      attendance: {
        id: 'attendance',
        name: badges[0]!.name,
        band: band(0),
        level: withBands ? badges[0]!.level : null,
        rows: [
          { label: panelText('recent', { days: ind.recentDays }), value: rate(ind.attendance.recent) },
          { label: panelText('yearToDate'), value: rate(ind.attendance.year) },
          ...(ind.attendance.chronicAbsence ? [{ label: panelText('chronicAbsence'), value: panelText('chronicAbsenceValue', { percent: num(ind.attendance.missedPercentYear ?? 0) }) }] : []),
        ],
      },
      behaviour: {
        id: 'behaviour',
        name: badges[1]!.name,
        band: band(1),
        level: withBands ? badges[1]!.level : null,
        rows: [
          { label: panelText('recent', { days: ind.recentDays }), value: incidentRate(ind.behaviour.recent) },
          { label: panelText('yearToDate'), value: incidentRate(ind.behaviour.year) },
          { label: panelText('suspensions'), value: ind.behaviour.year.suspensions === 0 ? panelText('none') : panelText('suspensionsValue', { count: ind.behaviour.year.suspensions, days: num(ind.behaviour.year.suspensionDays) }) },
        ],
      },
      grades: {
        id: 'grades',
        name: badges[2]!.name,
        band: band(2),
        level: withBands ? badges[2]!.level : null,
        gpa: ind.grades.gpa === null ? null : panelText('gpa', { gpa: num(ind.grades.gpa) }),
        courses: [...ind.grades.courses].reverse().map((c) => ({
          title: c.title ?? c.courseKey,
          score: panelText('percent', { value: num(c.score) }),
          failing: c.failing,
          stale: !c.recent,
        })),
      },
      wellbeing: {
        id: 'wellbeing',
        name: badges[3]!.name,
        band: band(3),
        level: withBands ? badges[3]!.level : null,
        rows: [
          { label: panelText('recent', { days: ind.recentDays }), value: ind.wellbeing.average === null ? panelText('noData') : panelText('wellbeingValue', { average: num(ind.wellbeing.average), count: ind.wellbeing.count }) },
          ...(pulse ? [pulse] : []),
        ],
      },
    };
  }

  async function tierBlock(user: AppUser, studentId: string, scope: Parameters<typeof tierPolicy>[2]['scope'], suggestion: SuggestedTier, locale: Locale) {
    const can = canMap(tierPolicy, user, tierActions, { scope });
    if (!can.view) return null;
    const [latest] = await repo.latestDecisions(db, user.tenantId, [studentId]);
    const history = can.viewHistory ? await repo.decisionHistory(db, user.tenantId, studentId) : [];
    const names = await deps.namesOf(user.tenantId, history.map((h) => h.decidedBy));
    const config = configIn(locale);
    return {
      can,
      suggested: suggestion.tier,
      suggestedLabel: t(`indicators.tier.${suggestion.tier}`, {}, locale),
      reasons: suggestion.reasons.map((r) => describeReason(r, config, locale)),
      current: latest ? (latest.tier as Tier) : suggestion.tier,
      currentLabel: t(`indicators.tier.${latest ? latest.tier : suggestion.tier}`, {}, locale),
      decision: latest ? { tier: latest.tier, kind: latest.kind, decidedAt: latest.decidedAt, stale: latest.suggestedTier !== suggestion.tier } : null,
      history: history.map((h) => ({
        decidedAt: h.decidedAt,
        tierLabel: t(`indicators.tier.${h.tier}`, {}, locale),
        kind: t(`indicators.decision.kind.${h.kind === 'override' ? 'override' : 'confirm'}`, {}, locale),
        suggestedLabel: t(`indicators.tier.${h.suggestedTier}`, {}, locale),
        by: names.get(h.decidedBy) || t('indicators.decision.someone', {}, locale),
        reason: h.reason,
      })),
    };
  }

  return {
    jobHandlers: {
      [RECOMPUTE_JOB]: (tenantId: string) => withTenant(tenantId, () => recomputePending(tenantId)),
      [TENANT_JOB]: async (tenantId: string) => {
        await withTenant(tenantId, () => recomputeTenant(tenantId));
      },
      [SCHEDULE_JOB]: () =>
        asSystem('schedule', async () => {
          for (const tenantId of await deps.tenantIds()) await deps.jobs.enqueue(TENANT_JOB, tenantId, clock.now(), tenantId);
          // The recent window moves each school day: every tenant again tomorrow.
          await deps.jobs.enqueue(SCHEDULE_JOB, 'all', new Date(clock.now().getTime() + DAY_MS));
        }),
    } as Record<string, (key: string) => Promise<void>>,

    /** Puts the nightly round on the queue (kept if already there). Only the server entry calls it. */
    startSchedule: () => deps.jobs.enqueue(SCHEDULE_JOB, 'all', new Date(clock.now().getTime() + DAY_MS)),

    /**
     * For the student-data and check-ins features: these students' records changed. Their indicators
     * are recomputed by one job per tenant after the debounce window (changes within it join it).
     * Never throws at the write that called it.
     */
    async studentDataChanged(tenantId: string, studentIds: readonly string[]): Promise<void> {
      if (studentIds.length === 0) return;
      try {
        await repo.markPending(db, tenantId, studentIds, clock.now());
        await deps.jobs.enqueue(RECOMPUTE_JOB, tenantId, new Date(clock.now().getTime() + deps.debounceMs), tenantId);
      } catch (err) {
        deps.logger.error({ tenantId, error: err instanceof Error ? err.name : 'unknown' }, 'could not queue an indicators recompute');
      }
    },

    recomputeStudents,
    recomputeTenant,
    /** What the school lets families see of their child's indicators (none, plain, full). */
    familyViewOf,
    recomputePending,

    /** For the school view and snapshots (which gate and audit their own reads): each computed student's tier in force and, `withBands`, band per indicator, in one query. */
    standingOf: (tenantId: string, studentIds: readonly string[], { withBands }: { withBands: boolean }) => withTenant(tenantId, () => repo.standingOf(db, tenantId, studentIds, withBands)),
    /**
     * For the risk review's agenda (which gates and audits its own reads): per student, the indicators
     * whose recent window sits in a worse band than the school year so far (attendance, behaviour), read
     * from the stored indicators. Students with none falling are absent.
     */
    async fallingOf(tenantId: string, studentIds: readonly string[]): Promise<Map<string, ('attendance' | 'behaviour')[]>> {
      const [rows, config] = await Promise.all([withTenant(tenantId, () => repo.ratesOf(db, tenantId, studentIds)), configOf(tenantId)]);
      const worse = (r: { year: number | null; recent: number | null }, t: Thresholds) => r.year !== null && r.recent !== null && bandIndex(r.recent, t) > bandIndex(r.year, t);
      const out = new Map<string, ('attendance' | 'behaviour')[]>();
      for (const r of rows) {
        const falling = [...(worse(r.attendance, config.attendance.bands) ? ['attendance' as const] : []), ...(worse(r.behaviour, config.behaviour.bands) ? ['behaviour' as const] : [])];
        if (falling.length > 0) out.set(r.studentId, falling);
      }
      return out;
    },
    /** The indicators and their bands (best first) in `locale`, as the school view's tables name them. */
    bandChoices: (locale: Locale = defaultLocale) => ({
      indicators: indicatorNames.map((id) => ({ id, label: t(`indicators.name.${id}`, {}, locale) })),
      bands: configIn(locale).bands.map((b) => ({ id: b.id, label: b.label })),
    }),

    /** For reports (which gate and audit their own reads): each student's stored suggestion and tier decisions, oldest first. */
    tierTimelines: (tenantId: string) => withTenant(tenantId, () => repo.tierTimelines(db, tenantId)),
    /** For reports: what counts as attending and the failing score, as the indicators judge them for the school. */
    measureRules: async (tenantId: string) => {
      const config = await configOf(tenantId);
      return { attended: config.attendance.attended, failingBelow: config.grades.failingBelow };
    },

    /**
     * For the caseload (which gates and audits its own view): each student's stored indicators, tier and
     * badges in `locale`. Students never computed get empty badges and tier 1.
     */
    async summaryFor(tenantId: string, studentIds: readonly string[], locale: Locale = defaultLocale): Promise<Map<string, IndicatorSummary>> {
      const rows = await repo.storedWithDecisions(db, tenantId, studentIds);
      const byStudent = new Map(rows.flatMap((r) => (r.stored ? [[r.stored.studentId, r.stored] as const] : [])));
      const decided = new Map(rows.flatMap((r) => (r.decision ? [[r.decision.studentId, r.decision] as const] : [])));
      const { today, yearStart } = await todayAt(tenantId);
      const empty = emptyIndicators(today, yearStart);
      const config = configIn(locale);
      return new Map(
        studentIds.map((id) => {
          const s = byStudent.get(id);
          const d = decided.get(id);
          const doc = s ? storedDocumentOf(s.document, config, locale) : undefined;
          const stored = s && doc ? { indicators: doc.indicators, suggestion: { tier: s.suggestedTier as Tier, reasons: doc.reasons }, computedAt: s.computedAt } : null;
          return [id, summaryOf(id, stored, d ? { tier: d.tier as Tier, suggestedTier: d.suggestedTier as Tier, decidedAt: d.decidedAt } : null, config, locale, empty, doc?.words)];
        }),
      );
    },

    /**
     * The student page's data panel, computed from the records now (fresh, and stored for the
     * caseload): what this user may see of it. Audited as a read of the student's indicators.
     */
    async panelFor(user: AppUser, studentId: string) {
      const action = actionFor(user);
      const record = await studentRecords.open(user, studentId, indicatorPolicy, action);
      const id = record.student.id;
      const tenantId = user.tenantId;
      const locale = user.locale ?? defaultLocale;
      const family = action === 'viewFamily' ? await familyViewOf(tenantId) : null;
      await audit.record(user, { action: 'read', entity: 'indicator', studentId: id });
      if (family === 'none') return { record, mode: 'familyNone' as const };

      const { today, zone, yearStart, config: rules } = await todayAt(tenantId);
      const { yearFrom } = windowsOf(rules, today, yearStart);
      const trendFrom = mondayOf(addDays(today, -7 * (TREND_WEEKS - 1)));
      const since = trendFrom < yearFrom ? trendFrom : yearFrom;
      const input = (await inputsFor(tenantId, [id], since, zone)).get(id)!;
      const indicators = computeIndicators(input, rules, today, yearStart);
      const suggestion = suggestTier(indicators, rules);
      await db.transaction((tx) => repo.upsertIndicators(tx, [{ tenantId, studentId: id, asOf: today, indicators, suggestedTier: suggestion.tier, reasons: suggestion.reasons, computedAt: clock.now() }]));

      const config = configIn(locale);
      if (action === 'viewOwn') {
        return { record, mode: 'student' as const, today, student: studentView(indicators, config, locale), pulse: pulseFact(indicators, locale) };
      }
      const weeks: WeekPoint[] = weeklyTrends(input, rules, trendFrom, today);
      const withBands = action === 'view' || family === 'full';
      return {
        record,
        mode: action === 'view' ? ('adult' as const) : family === 'full' ? ('familyFull' as const) : ('familySummary' as const),
        today,
        computedAt: clock.now(),
        // A survey's answers are the student's and their adults': families see no pulse score.
        facts: factsOf(indicators, locale, withBands, action === 'view'),
        reasons: action === 'view' ? suggestion.reasons.map((r: TierReason) => describeReason(r, config, locale)) : [],
        charts: family === 'summary' ? [] : trendCharts(weeks, locale),
        table: family === 'summary' ? null : trendTable(weeks, locale),
        tier: action === 'view' ? await tierBlock(user, id, record.scope, suggestion, locale) : null,
      };
    },

    /** Confirm (same tier as suggested) or override (another tier, with a reason) the student's tier. Audited. */
    async decideTier(user: AppUser, studentId: string, form: ParsedForm<TierDecisionInput>): Promise<void> {
      const record = await studentRecords.open(user, studentId, tierPolicy, 'decide');
      const input = validForm(form, user.locale);
      const id = record.student.id;
      const tenantId = user.tenantId;
      const [stored] = await repo.storedFor(db, tenantId, [id]);
      const suggested = (stored?.suggestedTier ?? 1) as Tier;
      const kind = input.tier === suggested ? 'confirm' : 'override';
      if (kind === 'override' && input.reason === '') throw new InvalidInput({ reason: t('indicators.errors.reasonRequired', {}, user.locale) });
      await db.transaction(async (tx) => {
        const row = await repo.insertDecision(tx, { tenantId, studentId: id, tier: input.tier, suggestedTier: suggested, kind, reason: input.reason, decidedBy: user.personId, decidedAt: clock.now() });
        await audit.record(user, { action: 'create', entity: 'tier_decision', entityId: row.id, studentId: id }, tx);
      });
    },

    /** The school's indicator settings (what families see), for its admins. */
    async settings(user: AppUser) {
      authorize(indicatorSettingsPolicy, user, 'view', { tenantId: user.tenantId });
      return { familyView: await familyViewOf(user.tenantId), can: canMap(indicatorSettingsPolicy, user, ['view', 'edit'], { tenantId: user.tenantId }) };
    },

    async saveSettings(user: AppUser, form: ParsedForm<{ familyView: FamilyView }>): Promise<void> {
      authorize(indicatorSettingsPolicy, user, 'edit', { tenantId: user.tenantId });
      const input = validForm(form, user.locale);
      await db.transaction(async (tx) => {
        await repo.saveFamilyView(tx, user.tenantId, input.familyView, user.personId, clock.now());
        await audit.record(user, { action: 'update', entity: 'indicatorSettings' }, tx);
      });
    },
  };
}
export type IndicatorsService = ReturnType<typeof createIndicatorsService>;
