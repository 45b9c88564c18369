import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { Logger } from '../web/logger.js';
import type { AppUser } from '../auth/user.js';
import { systemActor, type AuditService } from '../audit/audit.service.js';
import { errorClassOf, type JobQueue } from '../jobs/jobs.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { RaisedNeed, RecordedCheckin } from '../checkins/checkins.service.js';
import type { OverdueReferral } from '../referrals/referrals.service.js';
import type { AnsweredPulse } from '../surveys/surveys.service.js';
import type { DueGoal } from '../goals/goals.service.js';
import { addDays } from '../web/days.js';
import { localDate } from '../web/time-zone.js';
import { authorize, canMap } from '../policies/policy.js';
import { automationActions, automationPolicy } from '../policies/automation.js';
import { asSystem, withTenant } from '../db/tenant-scope.js';
import { conflict, message, notFound } from '../web/errors.js';
import { InvalidInput, validForm, type ParsedForm } from '../web/forms.js';
import { isUuid } from '../web/ids.js';
import { t, type Locale } from '../web/i18n.js';
import * as repo from './automations.repository.js';
import { bandFacts, checkinFacts, goalFacts, holds, needFacts, parseCondition, pulseFacts, readsStudentFields, referralFacts, STUDENT_FACTS, type AlertAudience, type RuleForm, type StudentFieldFact } from './automations.schemas.js';
import type { BandChange } from '../indicators/indicators.service.js';
import type { AutomationEvent, RuleState } from './automations.tables.js';

export const DELIVER_JOB = 'automations.deliver';
/** The round that publishes "goal due" for the tenants with such a rule on, every GOALS_DUE_EVERY_MS. */
export const GOALS_DUE_JOB = 'automations.goalsDue';
const GOALS_DUE_EVERY_MS = 3600_000;
/** A goal still active up to this many days past its target day is published (a round missed by a down server still counts). */
const GOAL_DUE_LOOKBACK_DAYS = 7;
/** How far back a dry run replays the rule's event. */
export const DRY_RUN_DAYS = 30;
const HOUR_MS = 3600_000;

export interface AutomationsDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  audit: AuditService;
  /** The durable queue: delivery is one job per event. */
  jobs: Pick<JobQueue, 'register' | 'enqueue' | 'enqueueIn'>;
  /** The school's IANA zone: a goal is due on the school's day. */
  timeZoneOf: (tenantId: string) => Promise<string>;
  roster: Pick<RosterService, 'namesOf'>;
  /** What a dry run replays: the features' own records of the events, no words. */
  history: {
    recordedSince(tenantId: string, since: Date): Promise<RecordedCheckin[]>;
    needsRaisedSince(tenantId: string, since: Date): Promise<RaisedNeed[]>;
    overdueSince(tenantId: string, since: Date): Promise<(OverdueReferral & { at: Date })[]>;
    answeredSince(tenantId: string, since: Date): Promise<AnsweredPulse[]>;
    activeDueBetween(tenantId: string, from: string, to: string): Promise<DueGoal[]>;
  };
  /** The actions, each inside the run's transaction: what it made (an alert's or a step's id), null when it had nothing to do. */
  actions: {
    alertRole(tx: DbOrTx, r: { tenantId: string; studentId: string; ruleId: string; eventId: string; audience: AlertAudience }): Promise<string | null>;
    /** A step on the student's newest active goal (owned by the advisor), written as the rule's author. */
    addPlanAction(tx: DbOrTx, r: { tenantId: string; studentId: string; authorId: string; step: string }): Promise<string | null>;
    /** An e-mail to each of the student's family members with an address (family-notice.ts). */
    notifyFamily(tx: DbOrTx, r: { tenantId: string; studentId: string }): Promise<string | null>;
    /** Makes the adult the student's navigator when the student has none (no assignment, no advisory teacher). */
    assignNavigator(tx: DbOrTx, r: { tenantId: string; studentId: string; navigatorId: string; assignedBy: string }): Promise<string | null>;
    /** An open referral draft for the student in the category (src/referrals), none when one is open or a referral in it is. */
    draftReferral(tx: DbOrTx, r: { tenantId: string; studentId: string; category: string; urgency: 'urgent' | 'routine'; needId: string | null; ruleId: string; ruleName: string }): Promise<string | null>;
  };
  /** The adults an assign_navigator rule may name (the staff page's list, under its policy). */
  navigatorChoices(user: AppUser): Promise<{ id: string; name: string }[]>;
  /**
   * The school's own fields on the student (src/custom-fields, through its service), facts of every event
   * under `student.<key>`: which a condition may name, and each student's values. Absent: none.
   */
  studentFields?: {
    fields(tenantId: string, locale: Locale | undefined): Promise<StudentFieldFact[]>;
    valuesOf(tenantId: string, studentIds: readonly string[]): Promise<Map<string, Record<string, unknown>>>;
  };
}

/** A draft_referral run's request: the rule's category or the raised need's, the event's urgency, the need itself when the event was one. */
function draftOf(rule: repo.Rule, event: repo.EventRow) {
  const fromEvent = rule.params.category === 'event';
  const category = fromEvent ? String(event.facts.category ?? '') : (rule.params.category ?? '');
  return { tenantId: rule.tenantId, studentId: event.studentId, category, urgency: event.facts.urgency === 'urgent' ? ('urgent' as const) : ('routine' as const), needId: event.event === 'need_raised' ? event.sourceId : null, ruleId: rule.id, ruleName: rule.name };
}

const checkinOccurrence = (c: RecordedCheckin): Occurrence => ({ studentId: c.studentId, sourceId: c.checkinId, facts: checkinFacts(c), at: c.at });
const needOccurrence = (n: RaisedNeed): Occurrence => ({ studentId: n.studentId, sourceId: n.needId, facts: needFacts(n), at: n.at });
const referralOccurrence = (r: OverdueReferral & { at: Date }): Occurrence => ({ studentId: r.studentId, sourceId: r.id, facts: referralFacts(r), at: r.at });
const pulseOccurrence = (p: AnsweredPulse): Occurrence => ({ studentId: p.studentId, sourceId: p.responseId, facts: pulseFacts(p), at: p.at });
// A band change's source is the student's indicators (one row a student): the event row itself tells one change from another.
const bandOccurrence = (c: BandChange): Occurrence => ({ studentId: c.studentId, sourceId: c.studentId, facts: bandFacts(c), at: c.at });

/** One replayed or live event: whose, and the facts a condition reads. */
interface Occurrence {
  studentId: string;
  sourceId: string;
  facts: Record<string, unknown>;
  at: Date;
}

/**
 * Automations (src/automations/README.md): "when EVENT and CONDITION then ACTION" rules that admins
 * write as data. Features publish events in their writing transaction; a durable job delivers each
 * event to the rules on for it; a rule fires at most once per event, within its hourly limit, its action
 * whole or not at all; a rule whose action fails is paused and says why.
 */
export function createAutomationsService(deps: AutomationsDeps) {
  const { db, clock, audit, jobs } = deps;

  const gate = (user: AppUser, action: Parameters<typeof automationPolicy>[1]) => authorize(automationPolicy, user, action, { tenantId: user.tenantId });

  async function ruleFor(user: AppUser, id: unknown): Promise<repo.Rule> {
    if (!isUuid(id)) throw notFound();
    const rule = await repo.findRule(db, user.tenantId, id);
    if (!rule) throw notFound();
    return rule;
  }

  /**
   * Stores each occurrence and queues its delivery, in the caller's transaction, when some rule was on for
   * the event when it happened: one read of the rules for the whole batch (a check-in's needs, a scan's referrals).
   */
  async function publish(tx: DbOrTx, tenantId: string, event: AutomationEvent, occurrences: readonly Occurrence[]): Promise<void> {
    if (occurrences.length === 0) return;
    const onSince = (await repo.rulesOn(tx, tenantId, event)).flatMap((r) => (r.onSince ? [r.onSince.getTime()] : []));
    for (const o of occurrences) {
      if (!onSince.some((since) => since <= o.at.getTime())) continue;
      const row = await repo.insertEvent(tx, { tenantId, event, studentId: o.studentId, sourceId: o.sourceId, facts: o.facts, occurredAt: o.at });
      await jobs.enqueueIn(tx, DELIVER_JOB, `${tenantId}/${row.id}`, clock.now(), tenantId);
    }
  }

  /**
   * One rule's run on one event, in one transaction holding the rule's lock: claimed by the (rule, event)
   * key, so a retry or a second delivery does nothing; past the hourly limit it is recorded and does
   * nothing; else the action, inside a savepoint. An action that throws is rolled back to the savepoint
   * whole, and the same transaction records the run as failed and pauses the rule with the error's class.
   */
  async function fire(ruleId: string, event: repo.EventRow, facts: Record<string, unknown>): Promise<void> {
    const { tenantId } = event;
    await db.transaction(async (tx) => {
      await repo.lockRule(tx, ruleId);
      // The rule as it stands under its lock: paused, moved to another event or rewritten since the delivery
      // read it, it acts (or not) as it now says.
      const rule = await repo.findRule(tx, tenantId, ruleId);
      if (rule?.state !== 'on' || rule.event !== event.event || !holds(rule.condition, facts)) return;
      const runId = await repo.claimRun(tx, { tenantId, ruleId: rule.id, eventId: event.id, studentId: event.studentId, outcome: 'done', at: clock.now() });
      if (!runId) return;
      if ((await repo.doneSince(tx, tenantId, rule.id, new Date(clock.now().getTime() - HOUR_MS))) > rule.maxPerHour) {
        await repo.finishRun(tx, tenantId, runId, { outcome: 'rate_limited', resultId: null });
        return;
      }
      try {
        const resultId = await tx.transaction((savepoint) => act(savepoint, rule, event));
        // An action with nothing to act on (no active goal, no family address, a navigator already) is no
        // failure and does not count toward the limit; an alert already open for the student and rule is
        // the rule's alert standing, so it is done.
        await repo.finishRun(tx, tenantId, runId, { outcome: resultId || rule.action === 'alert_role' ? 'done' : 'skipped', resultId });
        await audit.record(systemActor(tenantId), { action: 'create', entity: 'automation_run', entityId: runId, studentId: event.studentId }, tx);
      } catch (err) {
        const errorClass = errorClassOf(err);
        deps.logger.warn({ ruleId: rule.id, eventId: event.id, errorClass }, 'automation rule failed: paused');
        await repo.finishRun(tx, tenantId, runId, { outcome: 'failed', resultId: null, errorClass });
        await repo.setState(tx, tenantId, rule.id, { state: 'paused', onSince: rule.onSince, pausedReason: errorClass, updatedAt: clock.now() });
        await audit.record(systemActor(tenantId), { action: 'update', entity: 'automation_rule', entityId: rule.id }, tx);
      }
    });
  }

  /** The rule's action for the event's student, in the run's savepoint. */
  function act(tx: DbOrTx, rule: repo.Rule, event: repo.EventRow): Promise<string | null> {
    const { tenantId } = rule;
    if (rule.action === 'add_plan_action') return deps.actions.addPlanAction(tx, { tenantId, studentId: event.studentId, authorId: rule.createdBy, step: rule.params.step ?? '' });
    if (rule.action === 'notify_family') return deps.actions.notifyFamily(tx, { tenantId, studentId: event.studentId });
    if (rule.action === 'assign_navigator') return deps.actions.assignNavigator(tx, { tenantId, studentId: event.studentId, navigatorId: rule.params.navigator ?? '', assignedBy: rule.createdBy });
    if (rule.action === 'draft_referral') return deps.actions.draftReferral(tx, draftOf(rule, event));
    return deps.actions.alertRole(tx, { tenantId, studentId: event.studentId, ruleId: rule.id, eventId: event.id, audience: (rule.params.audience ?? 'navigator') as AlertAudience });
  }

  /**
   * Each occurrence's facts with the student's own fields under `student`, when one of the conditions reads
   * them: every student's values in one read (a dry run's month of events), as they stand now.
   */
  async function withStudentFacts<O extends { studentId: string; facts: Record<string, unknown> }>(tenantId: string, conditions: readonly unknown[], occurrences: readonly O[]): Promise<Record<string, unknown>[]> {
    if (!deps.studentFields || !conditions.some(readsStudentFields)) return occurrences.map((o) => o.facts);
    const values = await deps.studentFields.valuesOf(tenantId, [...new Set(occurrences.map((o) => o.studentId))]);
    return occurrences.map((o) => ({ ...o.facts, [STUDENT_FACTS]: values.get(o.studentId) ?? {} }));
  }

  /**
   * The delivery job: the event to every rule on for it whose condition holds. The student's own fields
   * are read here, at delivery (seconds after the event, before the runs' transactions), never stored
   * with the event: see the README.
   */
  async function deliver(key: string): Promise<void> {
    const [tenantId, eventId] = key.split('/');
    if (!tenantId || !eventId) return;
    await withTenant(tenantId, async () => {
      const event = await repo.findEvent(db, tenantId, eventId);
      if (!event) return;
      const rules = await repo.rulesFor(db, tenantId, event.event, event.occurredAt);
      if (rules.length === 0) return;
      const [facts = event.facts] = await withStudentFacts(tenantId, rules.map((r) => r.condition), [event]);
      for (const rule of rules) {
        if (holds(rule.condition, facts)) await fire(rule.id, event, facts);
      }
    });
  }
  jobs.register(DELIVER_JOB, deliver);

  /**
   * "Goal due", which no write causes: each active goal on or up to a week past its target day (the
   * school's day), published once per goal and target day (a goal given a new day is due again), under
   * the tenant's lock so two rounds never publish it twice.
   */
  async function publishDueGoals(tenantId: string): Promise<void> {
    const today = localDate(clock.now(), await deps.timeZoneOf(tenantId));
    const due = await deps.history.activeDueBetween(tenantId, addDays(today, -GOAL_DUE_LOOKBACK_DAYS), today);
    if (due.length === 0) return;
    await db.transaction(async (tx) => {
      await repo.lockScheduledEvent(tx, tenantId, 'goal_due');
      const published = await repo.publishedKeys(tx, tenantId, 'goal_due', due.map((g) => g.goalId), 'targetDate');
      const fresh = due.filter((g) => !published.has(`${g.goalId}/${g.targetDate}`));
      await publish(tx, tenantId, 'goal_due', fresh.map((g) => ({ studentId: g.studentId, sourceId: g.goalId, facts: goalFacts(g, today), at: clock.now() })));
    });
  }
  jobs.register(GOALS_DUE_JOB, async () => {
    for (const tenantId of await asSystem('schedule', () => repo.tenantsWithRulesOn(db, 'goal_due'))) await withTenant(tenantId, () => publishDueGoals(tenantId));
    await jobs.enqueue(GOALS_DUE_JOB, 'all', new Date(clock.now().getTime() + GOALS_DUE_EVERY_MS));
  });

  /** The rule's event as it happened over the last days, from the features' records. */
  async function replay(tenantId: string, event: AutomationEvent, since: Date): Promise<Occurrence[]> {
    if (event === 'checkin_recorded') return (await deps.history.recordedSince(tenantId, since)).map(checkinOccurrence);
    if (event === 'referral_overdue') return (await deps.history.overdueSince(tenantId, since)).map(referralOccurrence);
    if (event === 'pulse_answered') return (await deps.history.answeredSince(tenantId, since)).map(pulseOccurrence);
    // The indicators keep no history of their bands: the changes stored while a rule was on for them are the record.
    if (event === 'indicator_band_changed') return (await repo.eventsSince(db, tenantId, event, since)).map((e) => ({ studentId: e.studentId, sourceId: e.sourceId, facts: e.facts as Record<string, unknown>, at: e.occurredAt }));
    if (event === 'goal_due') {
      // Each goal as it was on its target day (still active now: a goal achieved since is not replayed).
      const zone = await deps.timeZoneOf(tenantId);
      const due = await deps.history.activeDueBetween(tenantId, localDate(since, zone), localDate(clock.now(), zone));
      return due.map((g) => ({ studentId: g.studentId, sourceId: g.goalId, facts: goalFacts(g, g.targetDate), at: new Date(`${g.targetDate}T12:00:00Z`) }));
    }
    return (await deps.history.needsRaisedSince(tenantId, since)).map(needOccurrence);
  }

  /** The student's fields in the school's document in force, in the admin's words (none without the custom fields). */
  const studentFieldsOf = (user: AppUser) => deps.studentFields?.fields(user.tenantId, user.locale) ?? Promise.resolve([]);

  /** The form's values checked whole: the rule's columns, or InvalidInput with every field's error. */
  async function ruleValues(user: AppUser, posted: ParsedForm<RuleForm>) {
    const form = validForm(posted, user.locale);
    const condition = parseCondition(form.condition, form.event, await studentFieldsOf(user));
    if (!condition.ok) throw new InvalidInput({ condition: t(condition.error, condition.params ?? {}, user.locale) }, posted);
    if (form.action === 'assign_navigator' && !(await deps.navigatorChoices(user)).some((p) => p.id === form.navigator)) throw new InvalidInput({ navigator: t('automations.errors.navigatorRequired', {}, user.locale) }, posted);
    const params: Record<string, string> = form.action === 'add_plan_action' ? { step: form.step } : form.action === 'alert_role' ? { audience: form.audience } : form.action === 'assign_navigator' ? { navigator: form.navigator } : form.action === 'draft_referral' ? { category: form.category } : {};
    return { form, values: { name: form.name, event: form.event, condition: condition.logic as unknown, action: form.action, params, maxPerHour: form.maxPerHour, updatedAt: clock.now() } };
  }

  const view = (user: AppUser, rule: repo.Rule) => ({ ...rule, conditionText: JSON.stringify(rule.condition), audience: rule.params.audience ?? 'navigator', step: rule.params.step ?? '', navigator: rule.params.navigator ?? '', category: rule.params.category ?? '', can: canMap(automationPolicy, user, automationActions, { tenantId: user.tenantId }) });

  return {
    /** Puts the "goal due" round on the queue (kept if already there). Only the server entry calls it. */
    startSchedule: () => jobs.enqueue(GOALS_DUE_JOB, 'all', clock.now()),
    /** For check-ins: a check-in was recorded (in its transaction). */
    checkinRecorded: (tx: DbOrTx, tenantId: string, c: RecordedCheckin) => publish(tx, tenantId, 'checkin_recorded', [checkinOccurrence(c)]),
    /** For check-ins: needs were raised (in their transaction), one event each. */
    needsRaised: (tx: DbOrTx, tenantId: string, needs: readonly RaisedNeed[]) => publish(tx, tenantId, 'need_raised', needs.map(needOccurrence)),
    /** For surveys: a pulse answered or changed (in its transaction). */
    pulseAnswered: (tx: DbOrTx, tenantId: string, p: AnsweredPulse) => publish(tx, tenantId, 'pulse_answered', [pulseOccurrence(p)]),
    /** The indicators' recompute compares bands only when some rule is on for their changes. */
    bandChangesWanted: async (tenantId: string) => (await repo.rulesOn(db, tenantId, 'indicator_band_changed')).length > 0,
    bandsChanged: (tx: DbOrTx, tenantId: string, changes: readonly BandChange[]) => publish(tx, tenantId, 'indicator_band_changed', changes.map(bandOccurrence)),
    /** For referrals: referrals just marked overdue (in that transaction), one event each. */
    referralsOverdue: (tx: DbOrTx, tenantId: string, overdue: readonly OverdueReferral[]) => publish(tx, tenantId, 'referral_overdue', overdue.map((r) => referralOccurrence({ ...r, at: clock.now() }))),

    /** /admin/automations: the tenant's rules. */
    async list(user: AppUser) {
      gate(user, 'view');
      const rules = await repo.listRules(db, user.tenantId);
      await audit.record(user, { action: 'read', entity: 'automation_rule' });
      return { rules: rules.map((r) => view(user, r)), can: canMap(automationPolicy, user, automationActions, { tenantId: user.tenantId }) };
    },

    /** One rule with its latest runs (names of the students touched are on the dry run, not here). */
    async detail(user: AppUser, id: unknown) {
      gate(user, 'view');
      const rule = await ruleFor(user, id);
      const runs = await repo.recentRuns(db, user.tenantId, rule.id, 20);
      await audit.record(user, { action: 'read', entity: 'automation_rule', entityId: rule.id });
      return { rule: view(user, rule), runs };
    },

    /** The empty editor of a new rule: for those who may write rules. */
    newRule(user: AppUser): void {
      gate(user, 'edit');
    },

    /** The student's fields the editor lists as facts a condition may name (`student.<key>`): those a rule may read. */
    async studentFacts(user: AppUser) {
      gate(user, 'edit');
      return (await studentFieldsOf(user)).filter((f) => f.fact);
    },

    /** The adults the editor's navigator choice lists. */
    async navigatorChoices(user: AppUser) {
      gate(user, 'edit');
      return deps.navigatorChoices(user);
    },

    /** A new rule, a draft until switched on; InvalidInput when the form is not right. */
    async create(user: AppUser, posted: ParsedForm<RuleForm>): Promise<string> {
      gate(user, 'edit');
      const { values } = await ruleValues(user, posted);
      const rule = await db.transaction(async (tx) => {
        const row = await repo.insertRule(tx, { tenantId: user.tenantId, ...values, createdBy: user.personId, createdAt: clock.now() });
        await audit.record(user, { action: 'create', entity: 'automation_rule', entityId: row.id }, tx);
        return row;
      });
      return rule.id;
    },

    /** Saves over the rule as the editor read it (`edits`); 409 when someone saved it since. */
    async update(user: AppUser, id: unknown, posted: ParsedForm<RuleForm>): Promise<void> {
      gate(user, 'edit');
      const rule = await ruleFor(user, id);
      const { form, values } = await ruleValues(user, posted);
      await db.transaction(async (tx) => {
        const saved = await repo.updateRule(tx, user.tenantId, rule.id, form.edits === '' ? rule.edits : form.edits, values);
        if (!saved) throw conflict(message('automations.errors.changedSince'));
        await audit.record(user, { action: 'update', entity: 'automation_rule', entityId: rule.id }, tx);
      });
    },

    /** Switches the rule on (it hears events from now on) or pauses it. */
    async setState(user: AppUser, id: unknown, state: Extract<RuleState, 'on' | 'paused'>): Promise<void> {
      gate(user, 'switch');
      const rule = await ruleFor(user, id);
      await db.transaction(async (tx) => {
        await repo.setState(tx, user.tenantId, rule.id, { state, onSince: state === 'on' ? clock.now() : rule.onSince, pausedReason: null, updatedAt: clock.now() });
        await audit.record(user, { action: 'update', entity: 'automation_rule', entityId: rule.id }, tx);
      });
    },

    /**
     * What the rule would have done over the last DRY_RUN_DAYS days: each student it would have touched
     * and how often, from the features' records, writing nothing but the audit of the read.
     */
    async dryRun(user: AppUser, id: unknown) {
      gate(user, 'dryRun');
      const rule = await ruleFor(user, id);
      const since = new Date(clock.now().getTime() - DRY_RUN_DAYS * 24 * HOUR_MS);
      const occurrences = await replay(user.tenantId, rule.event, since);
      // The student's own fields as they stand today (the fields keep no past values a rule could read).
      const facts = await withStudentFacts(user.tenantId, [rule.condition], occurrences);
      const times = new Map<string, number>();
      occurrences.forEach((o, i) => {
        if (holds(rule.condition, facts[i]!)) times.set(o.studentId, (times.get(o.studentId) ?? 0) + 1);
      });
      const names = await deps.roster.namesOf(user.tenantId, [...times.keys()]);
      await audit.record(user, { action: 'read', entity: 'automation_dry_run', entityId: rule.id });
      const students = [...times].map(([studentId, n]) => ({ id: studentId, name: names.get(studentId) ?? '', times: n })).sort((a, b) => a.name.localeCompare(b.name));
      return { rule: view(user, rule), since, events: occurrences.length, fired: students.reduce((sum, s) => sum + s.times, 0), students };
    },
  };
}

export type AutomationsService = ReturnType<typeof createAutomationsService>;
