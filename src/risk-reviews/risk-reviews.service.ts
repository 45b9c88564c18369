import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import { staffRoles, type AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { SchoolsService } from '../schools/schools.service.js';
import type { GoalsService } from '../goals/goals.service.js';
import type { ReferralsService } from '../referrals/referrals.service.js';
import type { NavigatorsService } from '../navigators/navigators.service.js';
import type { SupportsService } from '../supports/supports.service.js';
import { stepForm } from '../goals/goals.schemas.js';
import { referralForm } from '../referrals/referrals.schemas.js';
import { authorize, canMap } from '../policies/policy.js';
import { riskReviewPolicy, riskReviewActions, type RiskReviewAction } from '../policies/risk-review.js';
import { notFound } from '../web/errors.js';
import { t } from '../web/i18n.js';
import { InvalidInput, validForm, type ParsedForm } from '../web/forms.js';
import { localDate } from '../web/time-zone.js';
import { addDays } from '../web/days.js';
import { agendaReasons, type AgendaReason } from './risk-reviews.tables.js';
import { idParam, type AttendanceInput, type DecisionInput, type NewMeetingInput, type NoteInput, type SettleInput } from './risk-reviews.schemas.js';
import * as repo from './risk-reviews.repository.js';

/**
 * What the agenda reads from the other features, injected as functions (the school view's pattern):
 * set-based reads over the school's students. None gates or audits: this service does, for the meeting.
 */
export interface AgendaSources {
  studentsAt: (tenantId: string, schoolId: string) => Promise<{ studentId: string }[]>;
  tiersOf: (tenantId: string, studentIds: string[]) => Promise<{ studentId: string; tier: number }[]>;
  /** Per student, the indicators whose recent window is in a worse band than the year so far (indicators.fallingOf). */
  fallingOf: (tenantId: string, studentIds: string[]) => Promise<Map<string, readonly string[]>>;
  /** Every student's tier decisions in order (the indicators' timelines): a recent raise is "rising". */
  tierTimelines: (tenantId: string) => Promise<{ studentId: string; decisions: { tier: number; decidedAt: Date }[] }[]>;
  openNeeds: (tenantId: string, studentIds: string[]) => Promise<Map<string, { urgency: string }[]>>;
  lastAttendedOn: (tenantId: string, studentIds: string[]) => Promise<Map<string, string>>;
  referralsSince: (tenantId: string, studentIds: string[], since: Date) => Promise<{ studentId: string; state: string; dueAt: Date; respondedAt: Date | null }[]>;
}

export interface RiskReviewsDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  roster: Pick<RosterService, 'namesOf' | 'staffHolding'>;
  schools: Pick<SchoolsService, 'list'>;
  goals: Pick<GoalsService, 'addTeamStep'>;
  referrals: Pick<ReferralsService, 'create'>;
  navigators: Pick<NavigatorsService, 'assign'>;
  supports: Pick<SupportsService, 'activeSupports'>;
  sources: AgendaSources;
  timeZoneOf: (tenantId: string) => Promise<string>;
}

/** A tier raise this recent makes the student "rising"; a student at tier 2 or 3 not met for this long is "not seen". */
const RISING_DAYS = 30;
const NOT_SEEN_DAYS = 14;
/** Referrals older than this are not read for "overdue" (one waiting a year is the queue's business, not the agenda's). */
const REFERRAL_LOOKBACK_DAYS = 365;

/**
 * Risk review (issue 13 item 3, seed 004): a school team's meeting on its students with the most intensive
 * needs. The agenda is built from the data when the meeting is created (and on "refresh"); the team
 * records adult-only notes and decisions, each of which creates its record in the feature that owns it
 * (a goal step, a referral, a navigator assignment) in the same step. Open decisions roll into the
 * school's next meeting to be marked done or not done. Every read and write is audited; no text is logged.
 */
export function createRiskReviewsService(deps: RiskReviewsDeps) {
  const { db, clock, audit, roster, sources } = deps;
  const someone = (user: AppUser) => t('common.someone', {}, user.locale);

  async function schoolOf(user: AppUser, schoolId: string, action: RiskReviewAction) {
    if (!idParam.safeParse(schoolId).success) throw notFound();
    authorize(riskReviewPolicy, user, action, { tenantId: user.tenantId, schoolId });
    const school = (await deps.schools.list(user.tenantId)).find((s) => s.id === schoolId);
    if (!school) throw notFound();
    return school;
  }

  async function open(user: AppUser, meetingId: string, action: RiskReviewAction): Promise<repo.Meeting> {
    if (!idParam.safeParse(meetingId).success) throw notFound();
    const meeting = await repo.findMeeting(db, user.tenantId, meetingId);
    if (!meeting) throw notFound();
    authorize(riskReviewPolicy, user, action, { tenantId: meeting.tenantId, schoolId: meeting.schoolId });
    return meeting;
  }

  /** The school's team: staff holding a role there (or at every school), by name. */
  const teamOf = async (tenantId: string, schoolId: string) =>
    (await roster.staffHolding(tenantId, staffRoles, [schoolId])).map((p) => ({ id: p.id, name: p.name })).sort((a, b) => a.name.localeCompare(b.name));

  /** Each flagged student's reasons, from the data now; students with an open decision elsewhere are added with `open_decision`. */
  async function agendaNow(tenantId: string, meeting: { schoolId: string; id: string | null }): Promise<{ studentId: string; reasons: AgendaReason[] }[]> {
    const now = clock.now();
    const zone = await deps.timeZoneOf(tenantId);
    const today = localDate(now, zone);
    const ids = (await sources.studentsAt(tenantId, meeting.schoolId)).map((s) => s.studentId);
    const [tiers, timelines, falling, needs, lastSeen, referrals, carried] = await Promise.all([
      sources.tiersOf(tenantId, ids),
      sources.tierTimelines(tenantId),
      sources.fallingOf(tenantId, ids),
      sources.openNeeds(tenantId, ids),
      sources.lastAttendedOn(tenantId, ids),
      sources.referralsSince(tenantId, ids, new Date(now.getTime() - REFERRAL_LOOKBACK_DAYS * 86_400_000)),
      repo.openDecisionsElsewhere(db, tenantId, meeting.schoolId, meeting.id),
    ]);
    const tierOf = new Map(tiers.map((x) => [x.studentId, x.tier]));
    const risingSince = new Date(now.getTime() - RISING_DAYS * 86_400_000);
    const rising = new Set(
      timelines
        .filter(({ decisions: d }) => d.length >= 2 && d[d.length - 1]!.decidedAt >= risingSince && d[d.length - 1]!.tier > d[d.length - 2]!.tier)
        .map((x) => x.studentId),
    );
    const overdue = new Set(referrals.filter((r) => r.state === 'requested' && r.respondedAt === null && r.dueAt < now).map((r) => r.studentId));
    const notSeenBefore = addDays(today, -NOT_SEEN_DAYS);
    const withDecision = new Set(carried.map((d) => d.studentId));
    const enrolled = new Set(ids);
    const out: { studentId: string; reasons: AgendaReason[] }[] = [];
    for (const id of new Set([...ids, ...withDecision])) {
      const tier = tierOf.get(id);
      const seen = lastSeen.get(id);
      const flags: Record<AgendaReason, boolean> = {
        tier3: tier === 3,
        tier_rising: rising.has(id) && enrolled.has(id),
        falling_indicator: falling.has(id),
        overdue_referral: overdue.has(id),
        urgent_need: (needs.get(id) ?? []).some((n) => n.urgency === 'urgent'),
        // Only the students the team already watches (tier 2 or 3): "not seen" across a whole school is the caseload's list.
        not_seen: (tier === 2 || tier === 3) && (seen === undefined || seen < notSeenBefore),
        open_decision: withDecision.has(id),
      };
      const reasons = agendaReasons.filter((r) => flags[r]);
      if (reasons.length > 0) out.push({ studentId: id, reasons });
    }
    return out;
  }

  /** The meeting page: attendance, the agenda grouped by reason, per student the notes and decisions, and what the user may do. */
  async function page(user: AppUser, meeting: repo.Meeting) {
    const tenantId = user.tenantId;
    const [items, notes, decisions, carried, settled, attendees, team, supports, zone, school] = await Promise.all([
      repo.itemsOf(db, tenantId, meeting.id),
      repo.notesOf(db, tenantId, meeting.id),
      repo.decisionsOf(db, tenantId, meeting.id),
      repo.openDecisionsElsewhere(db, tenantId, meeting.schoolId, meeting.id),
      repo.settledIn(db, tenantId, meeting.id),
      repo.attendeesOf(db, tenantId, meeting.id),
      teamOf(tenantId, meeting.schoolId),
      deps.supports.activeSupports(tenantId),
      deps.timeZoneOf(tenantId),
      deps.schools.list(tenantId).then((all) => all.find((s) => s.id === meeting.schoolId)),
    ]);
    const earlier = [...carried, ...settled];
    const people = [...items.map((i) => i.studentId), ...notes.map((n) => n.authorId), ...[...decisions, ...earlier].flatMap((d) => [d.ownerId, d.studentId])];
    const names = await roster.namesOf(tenantId, people);
    const nameOf = (id: string) => names.get(id) || someone(user);
    const present = new Set(attendees);
    const decisionView = (d: repo.Decision) => ({ ...d, ownerName: nameOf(d.ownerId), kindLabel: t(`riskReviews.kinds.${d.kind}`, {}, user.locale), statusLabel: t(`riskReviews.statuses.${d.status}`, {}, user.locale) });
    const students = items
      .map((i) => {
        const note = notes.find((n) => n.studentId === i.studentId);
        return {
          studentId: i.studentId,
          name: nameOf(i.studentId),
          reasons: i.reasons.map((r) => ({ code: r, label: t(`riskReviews.reasons.${r}`, {}, user.locale) })),
          note: note ? { text: note.text, version: note.version, authorName: nameOf(note.authorId), updatedAt: note.updatedAt } : null,
          decisions: decisions.filter((d) => d.studentId === i.studentId).map(decisionView),
          earlier: earlier.filter((d) => d.studentId === i.studentId).map(decisionView),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    // Grouped by reason, in the agenda's order; a student flagged for two reasons appears under each.
    const groups = agendaReasons
      .map((code) => ({ code, label: t(`riskReviews.reasons.${code}`, {}, user.locale), students: students.filter((s) => s.reasons.some((r) => r.code === code)) }))
      .filter((g) => g.students.length > 0);
    return {
      meeting,
      school: { id: meeting.schoolId, name: school?.name ?? '' },
      today: localDate(clock.now(), zone),
      team: team.map((p) => ({ ...p, present: present.has(p.id) })),
      attendeeNames: team.filter((p) => present.has(p.id)).map((p) => p.name),
      groups,
      students,
      supports: supports.map((s) => ({ id: s.id, name: s.name })),
      can: canMap(riskReviewPolicy, user, riskReviewActions, { tenantId, schoolId: meeting.schoolId }),
    };
  }

  /** The student must be on the meeting's agenda: decisions and notes are about the students the team reviews. */
  async function agendaStudent(user: AppUser, meeting: repo.Meeting, studentId: string) {
    const item = (await repo.itemsOf(db, user.tenantId, meeting.id)).find((i) => i.studentId === studentId);
    if (!item) throw new InvalidInput({ student: t('riskReviews.errors.formMismatch', {}, user.locale) });
    return item;
  }

  return {
    /** The school's meetings (the list page), with whether the user may start one. Audited. */
    async index(user: AppUser, schoolId: string) {
      const school = await schoolOf(user, schoolId, 'list');
      const meetings = await repo.meetingsOf(db, user.tenantId, school.id);
      await audit.record(user, { action: 'read', entity: 'risk_review', entityId: null });
      const zone = await deps.timeZoneOf(user.tenantId);
      return { school: { id: school.id, name: school.name }, meetings, today: localDate(clock.now(), zone), can: canMap(riskReviewPolicy, user, ['create'], { tenantId: user.tenantId, schoolId: school.id }) };
    },

    /** A new meeting with its agenda built from the data now (reasons snapshotted). Audited. */
    async create(user: AppUser, schoolId: string, parsed: ParsedForm<NewMeetingInput>): Promise<string> {
      const school = await schoolOf(user, schoolId, 'create');
      const form = validForm(parsed, user.locale);
      // Read before the transaction: the other features' reads use their own connections, and the embedded
      // database has one, which the transaction holds until it ends.
      const agenda = await agendaNow(user.tenantId, { schoolId: school.id, id: null });
      return db.transaction(async (tx) => {
        const meeting = await repo.insertMeeting(tx, { tenantId: user.tenantId, schoolId: school.id, heldOn: form.heldOn, createdBy: user.personId, createdAt: clock.now() });
        await repo.upsertItems(tx, user.tenantId, meeting.id, agenda);
        await audit.record(user, { action: 'create', entity: 'risk_review', entityId: meeting.id }, tx);
        return meeting.id;
      });
    },

    /** Builds the agenda again from the data now: new flags added, reasons updated, nobody dropped. Audited. */
    async refreshAgenda(user: AppUser, meetingId: string): Promise<void> {
      const meeting = await open(user, meetingId, 'edit');
      const items = await agendaNow(user.tenantId, meeting);
      await db.transaction(async (tx) => {
        await repo.upsertItems(tx, user.tenantId, meeting.id, items);
        await audit.record(user, { action: 'update', entity: 'risk_review', entityId: meeting.id }, tx);
      });
    },

    /** The meeting page; its notes are adult-only and read here, so the read is audited with the students it shows. */
    async view(user: AppUser, meetingId: string) {
      const meeting = await open(user, meetingId, 'view');
      const view = await page(user, meeting);
      await audit.record(user, { action: 'read', entity: 'risk_review_note', entityId: meeting.id, studentIds: view.students.map((s) => s.studentId) });
      return view;
    },

    /** Who attended: chosen from the school's staff (anyone else is refused). Audited. */
    async setAttendance(user: AppUser, meetingId: string, parsed: ParsedForm<AttendanceInput>): Promise<void> {
      const meeting = await open(user, meetingId, 'edit');
      const form = validForm(parsed, user.locale);
      const team = new Set((await teamOf(user.tenantId, meeting.schoolId)).map((p) => p.id));
      if (form.attendees.some((id) => !team.has(id))) throw new InvalidInput({ attendees: t('riskReviews.errors.attendee', {}, user.locale) });
      await db.transaction(async (tx) => {
        await repo.setAttendees(tx, user.tenantId, meeting.id, [...new Set(form.attendees)]);
        await audit.record(user, { action: 'update', entity: 'risk_review', entityId: meeting.id }, tx);
      });
    },

    /**
     * Saves a student's notes as the page loaded them (the plans' rule): when someone saved newer words
     * since, nothing is written and their words come back (the route's 409). Notes of different students
     * never conflict. Audited.
     */
    async saveNote(user: AppUser, meetingId: string, parsed: ParsedForm<NoteInput>): Promise<{ saved: true } | { saved: false; theirs: { text: string; authorName: string; at: Date; version: number } }> {
      const meeting = await open(user, meetingId, 'edit');
      const form = validForm(parsed, user.locale);
      await agendaStudent(user, meeting, form.student);
      const at = clock.now();
      const stale = await db.transaction(async (tx) => {
        const note = await repo.findNote(tx, user.tenantId, meeting.id, form.student);
        if ((note?.text ?? '') === form.text) return undefined;
        if (note && note.version !== form.version) return note;
        if (!note && form.version !== 0) return undefined;
        if (note) await repo.updateNote(tx, note, { text: form.text, authorId: user.personId, updatedAt: at });
        else await repo.insertNote(tx, { tenantId: user.tenantId, meetingId: meeting.id, studentId: form.student, text: form.text, authorId: user.personId, updatedAt: at });
        await audit.record(user, { action: 'update', entity: 'risk_review_note', entityId: meeting.id, studentId: form.student }, tx);
        return undefined;
      });
      if (!stale) return { saved: true };
      const names = await roster.namesOf(user.tenantId, [stale.authorId]);
      return { saved: false, theirs: { text: stale.text, authorName: names.get(stale.authorId) || t('common.someoneElse', {}, user.locale), at: stale.updatedAt, version: stale.version } };
    },

    /**
     * A decision for a student on the agenda, creating what it names through the feature that owns it:
     * a plan action is a step on the student's newest active goal and a navigator change assigns the
     * chosen staff member, both in the decision's transaction; a referral goes to the chosen support
     * through the referrals service's create, under its rules (the user's referral permission, consent
     * holds), in that service's own transaction, so the form carries a one-time token (src/web/once.ts)
     * and a resubmit creates no second referral. Audited.
     */
    async decide(user: AppUser, meetingId: string, parsed: ParsedForm<DecisionInput>): Promise<string> {
      const meeting = await open(user, meetingId, 'edit');
      const form = validForm(parsed, user.locale);
      await agendaStudent(user, meeting, form.student);
      const team = await teamOf(user.tenantId, meeting.schoolId);
      const error = (field: string, key: string) => new InvalidInput({ [field]: t(key, {}, user.locale) });
      if (!team.some((p) => p.id === form.owner)) throw error('owner', 'riskReviews.errors.owner');
      if (form.kind === 'navigator_change' && !team.some((p) => p.id === form.navigator)) throw error('navigator', 'riskReviews.errors.navigator');
      // A plan action is a step the school's adults own (the team's owner is named on the decision).
      const stepParsed = form.kind === 'plan_action' ? stepForm.safeParse({ text: form.summary, owner: 'advisor', dueDate: form.due ?? '' }) : undefined;
      if (stepParsed && !stepParsed.success) throw error('summary', 'riskReviews.errors.summaryTooLong');
      const step = stepParsed?.data;
      // A referral is written by its service in its own transaction (its rules: consent holds, response times, mail).
      const referralId = form.kind === 'referral' ? await deps.referrals.create(user, form.student, referralForm.safeParse({ support: form.support, reason: form.summary, urgency: form.urgency, owner: form.owner, source: 'direct', need: '' })) : null;
      return db.transaction(async (tx) => {
        let createdRecordId = referralId;
        if (step) {
          createdRecordId = (await deps.goals.addTeamStep(user, form.student, step, tx)) ?? null;
          if (!createdRecordId) throw error('kind', 'riskReviews.errors.noGoal');
        }
        if (form.kind === 'navigator_change') {
          const row = await deps.navigators.assign({ tenantId: user.tenantId, studentId: form.student, navigatorId: form.navigator, assignedBy: user.personId }, tx);
          createdRecordId = row.id;
          await audit.record(user, { action: 'update', entity: 'navigator_assignment', entityId: row.id, studentId: form.student }, tx);
        }
        const decision = await repo.insertDecision(tx, {
          tenantId: user.tenantId,
          meetingId: meeting.id,
          studentId: form.student,
          kind: form.kind,
          summary: form.summary,
          createdRecordId,
          ownerId: form.owner,
          dueOn: form.due,
          createdBy: user.personId,
          createdAt: clock.now(),
        });
        await audit.record(user, { action: 'create', entity: 'risk_review_decision', entityId: decision.id, studentId: form.student }, tx);
        return decision.id;
      });
    },

    /** Marks an earlier meeting's open decision done or not done in this meeting, as the page showed it: false when someone changed it since. Audited. */
    async settle(user: AppUser, meetingId: string, decisionId: string, parsed: ParsedForm<SettleInput>): Promise<boolean> {
      const meeting = await open(user, meetingId, 'edit');
      if (!idParam.safeParse(decisionId).success) throw notFound();
      const form = validForm(parsed, user.locale);
      const decision = await repo.findDecision(db, user.tenantId, decisionId);
      const carried = decision ? await repo.findMeeting(db, user.tenantId, decision.meetingId) : undefined;
      if (!decision || carried?.schoolId !== meeting.schoolId) throw notFound();
      return db.transaction(async (tx) => {
        const row = await repo.settleDecision(tx, user.tenantId, decision.id, form.version, { status: form.status, settledIn: meeting.id });
        if (row) await audit.record(user, { action: 'update', entity: 'risk_review_decision', entityId: row.id, studentId: row.studentId }, tx);
        return row !== undefined;
      });
    },
  };
}
export type RiskReviewsService = ReturnType<typeof createRiskReviewsService>;
