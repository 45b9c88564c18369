import type { Db, DbOrTx } from '../db/client.js';
import { fieldsReaderOf, type CustomFieldsService, type FieldsOutcome, type PostedFields } from '../custom-fields/custom-fields.service.js';
import type { Clock } from '../web/clock.js';
import type { AppUser, StaffGrant, StaffRole } from '../auth/user.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { SupportsService } from '../supports/supports.service.js';
import type { CheckinsService } from '../checkins/checkins.service.js';
import type { CalendarService } from '../calendar/calendar.service.js';
import type { MailService } from '../mail/mail.service.js';
import type { JobQueue } from '../jobs/jobs.service.js';
import type { StudentRecord, StudentRecordGate } from '../navigators/student-record.js';
import { authorize, canMap } from '../policies/policy.js';
import { referralActions, referralPolicy, referralQueuePolicy, type ReferralAction } from '../policies/referral.js';
import { isSupportStaff, type StudentScope } from '../policies/student-record.js';
import { supportSchoolFilter } from '../policies/staff-scope.js';
import type { SchoolsService } from '../schools/schools.service.js';
import { conflict, forbidden, message, notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import { allOrInvalid, fieldErrors, InvalidInput, validForm, type ParsedForm } from '../web/forms.js';
import { asSystem, withTenant } from '../db/tenant-scope.js';
import { isLocale, t, type Locale } from '../web/i18n.js';
import * as repo from './referrals.repository.js';
import { createReferralDrafts } from './referral-drafts.service.js';
import type { ReferralState } from './referrals.tables.js';
import { closeForm, respondForm, responseDaysOf, sessionForm, startForm, type ConsentForm, type QueueQuery, type ReferralForm, type ReferralsConfig, type ReferralRules, type TransitionAction } from './referrals.schemas.js';

export type { Referral, ReferralEvent, Consent } from './referrals.repository.js';

export const OVERDUE_JOB = 'referrals.overdue';

/** Who may own a referral: the school's coordinators (the default) and counsellors. */
const ownerRoles: readonly StaffRole[] = ['coordinator', 'counsellor'];

/** A referral past its response standard, as the overdue hook is told of it: ids and times, no record text. */
export interface OverdueReferral {
  id: string;
  studentId: string;
  ownerId: string;
  referredBy: string;
  urgency: string;
  category: string;
  sensitive: boolean;
  dueAt: Date;
}

export interface ReferralsDeps {
  /** The school's own fields on referrals (src/custom-fields, issue 14 item 2); absent: none. */
  fields?: CustomFieldsService;
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  studentRecords: StudentRecordGate;
  /** The students at a support-staff member's schools (their queue is those students' referrals). */
  schools: Pick<SchoolsService, 'studentsAtSchools'>;
  roster: Pick<RosterService, 'namesOf' | 'findPeople' | 'staffHolding'>;
  supports: Pick<SupportsService, 'forReferral' | 'activeSupports' | 'namesOf'>;
  checkins: Pick<CheckinsService, 'findNeed'>;
  calendar: Pick<CalendarService, 'dueBy'>;
  mail: Pick<MailService, 'queue'>;
  jobs: Pick<JobQueue, 'enqueue'>;
  /** The installation's settings (queue page size, overdue scan). */
  config: ReferralsConfig;
  /** The school's referral rules in force (a configuration document: referralRulesKind). */
  rules: (tenantId: string) => Promise<ReferralRules>;
  /** Told, after the mark commits, of each school's referrals that just went overdue (the alerts feature). Never throws. */
  onOverdue?: (tenantId: string, referrals: OverdueReferral[]) => Promise<void>;
  /** In the transaction that marks them: referrals just past their response standard (src/automations hears them). */
  events?: { referralsOverdue(tx: DbOrTx, tenantId: string, referrals: readonly OverdueReferral[]): Promise<void> };
  /** In the write's transaction: an outside organisation can now see a referral (sent, or released by consent); the providers feature e-mails its people a sign-in link. */
  onSharedWithOrganisation?: (tx: DbOrTx, tenantId: string, organisationId: string) => Promise<void>;
}

/** Who took a step: a person of the school, or an outside provider's account. */
type Actor = { personId: string } | { providerAccountId: string };
type Recipient = { email: string; locale: Locale | undefined };

/** Each step a referral page posts: the states it moves from and what it writes. */
const transitions: Record<TransitionAction, { from: readonly ReferralState[]; policy: ReferralAction }> = {
  respond: { from: ['requested'], policy: 'respond' },
  start: { from: ['accepted'], policy: 'serve' },
  session: { from: ['in_service'], policy: 'serve' },
  close: { from: ['accepted', 'in_service'], policy: 'close' },
};
/** The queue's order of states: what waits for an answer first. */
const queueOrder: readonly ReferralState[] = ['requested', 'accepted', 'in_service', 'declined', 'closed'];

export const isTransition = (v: string): v is TransitionAction => Object.hasOwn(transitions, v);

/** A referral in a list, with whether this reader may see what it is (need-to-know). */
export interface ReferralItem {
  referral: repo.Referral;
  supportName: string;
  /** False: the reader sees "a support was arranged" and the state, nothing else. */
  detail: boolean;
  overdue: boolean;
}

/**
 * Closed-loop referrals (issue 11): made from a need, the plan or directly; answered within the
 * school's response standard (school days on its calendar); taken into service and closed with an
 * outcome; every step on a timeline and e-mailed (state only) to the referrer and the owner. Consent
 * gates what an outside provider sees; need-to-know gates what other adults, students and family see.
 */
/** A community provider's account, as the audit log names it (src/providers: role 'provider'). */
const providerActor = (tenantId: string, accountId: string): AuditActor => ({ tenantId, personId: accountId, role: 'provider' });
const overdueOf = (r: repo.Referral): OverdueReferral => ({ id: r.id, studentId: r.studentId, ownerId: r.ownerId, referredBy: r.referredBy, urgency: r.urgency, category: r.category, sensitive: r.sensitive, dueAt: r.dueAt });

export function createReferralsService(deps: ReferralsDeps) {
  const { db, clock, audit, studentRecords, config } = deps;
  const drafts = createReferralDrafts({ db, clock, audit, studentRecords });
  const needsConsentSqlOf = async (tenantId: string) => repo.needsConsentSql((await deps.rules(tenantId)).consentCategories);

  const factsOf = (r: repo.Referral) => ({ sensitive: r.sensitive, referredBy: r.referredBy, ownerId: r.ownerId });
  const needsConsent = (rules: ReferralRules, r: Pick<repo.Referral, 'external' | 'sensitive' | 'category'>) => r.external && (r.sensitive || (rules.consentCategories as readonly string[]).includes(r.category));
  const isOverdue = (r: repo.Referral, now: Date) => r.state === 'requested' && r.dueAt.getTime() < now.getTime();

  /** What this reader may see of one referral: family per the school's setting, never sensitive detail. */
  function detailFor(user: AppUser, record: StudentRecord, r: repo.Referral, rules: ReferralRules): boolean {
    if (record.relationship === 'mentor') return !r.sensitive && rules.familyView === 'nonSensitiveByName';
    return !r.sensitive || referralPolicy(user, 'viewSensitive', { scope: record.scope, referral: factsOf(r) });
  }

  /** The referral of this student (404 for any other id), once `action` is allowed on it. */
  async function opened(user: AppUser, studentId: string, referralId: unknown, action: ReferralAction) {
    const record = await studentRecords.open(user, studentId, referralPolicy, 'list');
    const referral = isUuid(referralId) ? await repo.findReferral(db, user.tenantId, referralId) : undefined;
    if (!referral || referral.studentId !== record.student.id) throw notFound();
    authorize(referralPolicy, user, action, { scope: record.scope, referral: factsOf(referral) });
    return { record, referral };
  }

  /**
   * The owners a referrer may choose (staff of the student's school, or of every school), each with their
   * open referrals; the default is the coordinator with the fewest.
   */
  async function ownerChoices(tenantId: string, scope: StudentScope) {
    const staff = await deps.roster.staffHolding(tenantId, ownerRoles, scope.schoolIds);
    const open = await repo.openCountsByOwner(db, tenantId, staff.map((s) => s.id));
    // A coordinator here: at the student's school, or at every school (not only at another school).
    const coordinatorHere = (grants: readonly StaffGrant[]) => grants.some((g) => g.role === 'coordinator' && (g.schoolId === null || scope.schoolIds.includes(g.schoolId)));
    const withLoad = staff.map((s) => ({ id: s.id, name: s.name, coordinator: coordinatorHere(s.staffGrants), open: open.get(s.id) ?? 0 }));
    const coordinators = withLoad.filter((s) => s.coordinator).sort((a, b) => a.open - b.open);
    return { choices: withLoad, defaultId: (coordinators[0] ?? withLoad[0])?.id };
  }

  /** Who is e-mailed at each step: the referrer and the owner, those with an address (read before the transaction: PGlite has one connection). */
  async function recipientsOf(tenantId: string, ids: string[]): Promise<Recipient[]> {
    const people = await deps.roster.findPeople(tenantId, ids);
    return people.flatMap((p) => (p.email ? [{ email: p.email, locale: isLocale(p.locale) ? p.locale : undefined }] : []));
  }

  /** One e-mail per step to each recipient: the new state only. */
  async function mailStep(tx: DbOrTx, tenantId: string, state: ReferralState, to: Recipient[]): Promise<void> {
    for (const p of to) await deps.mail.queue(tx, { tenantId, to: p.email, template: 'referral.updated', params: { state }, locale: p.locale });
  }

  const eventBy = (actor: Actor) => ('personId' in actor ? { byPersonId: actor.personId } : { byProviderAccountId: actor.providerAccountId });

  /** The posted form of a step, or InvalidInput with its field errors. */
  function parseStep(action: TransitionAction, body: unknown, locale: AppUser['locale']) {
    const schema = { respond: respondForm, start: startForm, session: sessionForm, close: closeForm }[action];
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new InvalidInput(fieldErrors(parsed.error, locale), body);
    return parsed.data as { version: number; answer?: 'accept' | 'decline'; declineReason?: string; date?: string; minutes?: number; outcome?: repo.Referral['closedOutcome']; note?: string };
  }

  /**
   * One step of a referral, in `tx`: refused with a 409 (nothing written) when the referral is no
   * longer where the form saw it (a stale page, a second click, a step that cannot follow its state).
   */
  async function step(tx: DbOrTx, tenantId: string, r: repo.Referral, action: TransitionAction, input: ReturnType<typeof parseStep>, actor: Actor, to: Recipient[]): Promise<repo.Referral> {
    const now = clock.now();
    const t = transitions[action];
    if (!t.from.includes(r.state)) throw conflict(message('referrals.errors.notNow', { state: r.state }), 'referral_state');
    if (input.version !== r.version) throw conflict(message('referrals.errors.stale'), 'referral_stale');
    let set: Partial<repo.ReferralValues>;
    let event: Pick<repo.EventValues, 'kind' | 'note' | 'sessionDate' | 'minutes'>;
    if (action === 'respond' && input.answer === 'decline') {
      set = { state: 'declined', respondedAt: now, declineReason: input.declineReason ?? '' };
      event = { kind: 'declined', note: input.declineReason ?? '' };
    } else if (action === 'respond') {
      set = { state: 'accepted', respondedAt: now };
      event = { kind: 'accepted' };
    } else if (action === 'start') {
      set = { state: 'in_service', servedAt: r.servedAt ?? now };
      event = { kind: 'started' };
    } else if (action === 'session') {
      set = { sessionsCount: r.sessionsCount + 1, minutesTotal: r.minutesTotal + (input.minutes ?? 0) };
      event = { kind: 'session', sessionDate: input.date ?? null, minutes: input.minutes ?? null };
    } else {
      set = { state: 'closed', closedOutcome: input.outcome ?? 'completed', outcomeNote: input.note ?? '', closedAt: now };
      event = { kind: 'closed', note: input.note ?? '' };
    }
    const updated = await repo.updateIfCurrent(tx, tenantId, r.id, r.version, t.from, { ...set, updatedAt: now });
    if (!updated) throw conflict(message('referrals.errors.stale'), 'referral_stale');
    await repo.insertEvent(tx, { tenantId, referralId: r.id, fromState: r.state, toState: updated.state, at: now, ...eventBy(actor), ...event });
    if (updated.state !== r.state) await mailStep(tx, tenantId, updated.state, to);
    return updated;
  }

  /** Releases held referrals that now have consent, or holds again those that lost it; each a timeline step. */
  // `rules` are read before the caller's transaction: the configuration read uses its own connection, and
  // the embedded database has one, which the transaction holds.
  async function reconsider(tx: DbOrTx, tenantId: string, studentId: string, actor: Actor, rules: ReferralRules): Promise<void> {
    const now = clock.now();
    const live = (await repo.liveWithConsent(tx, tenantId, studentId)).filter((r) => needsConsent(rules, r));
    const release = live.filter((r) => r.heldForConsent && r.consented);
    const hold = live.filter((r) => !r.heldForConsent && !r.consented);
    await repo.setHeld(tx, tenantId, release.map((r) => r.id), false, now);
    await repo.setHeld(tx, tenantId, hold.map((r) => r.id), true, now);
    for (const r of release) await repo.insertEvent(tx, { tenantId, referralId: r.id, kind: 'released', fromState: r.state, toState: r.state, at: now, ...eventBy(actor) });
    for (const organisationId of new Set(release.flatMap((r) => (r.providerOrganisationId ? [r.providerOrganisationId] : [])))) await deps.onSharedWithOrganisation?.(tx, tenantId, organisationId);
    for (const r of hold) await repo.insertEvent(tx, { tenantId, referralId: r.id, kind: 'revoked', fromState: r.state, toState: r.state, at: now, ...eventBy(actor) });
  }

  async function items(user: AppUser, record: StudentRecord, rows: repo.Referral[]): Promise<ReferralItem[]> {
    const [names, rules] = await Promise.all([deps.supports.namesOf(user.tenantId, [...new Set(rows.map((r) => r.supportId))]), deps.rules(user.tenantId)]);
    const now = clock.now();
    return rows.map((r) => ({ referral: r, supportName: names.get(r.supportId) ?? '', detail: detailFor(user, record, r, rules), overdue: isOverdue(r, now) }));
  }

  /** The minimum an outside provider sees of a referral: first name and last initial, support, urgency, state, due, reason. */
  async function providerViews(tenantId: string, rows: repo.Referral[]) {
    const [people, names] = await Promise.all([deps.roster.findPeople(tenantId, rows.map((r) => r.studentId)), deps.supports.namesOf(tenantId, rows.map((r) => r.supportId))]);
    const byId = new Map(people.map((p) => [p.id, p]));
    return rows.map((r) => {
      const p = byId.get(r.studentId);
      const parts = (p?.name ?? '').trim().split(/\s+/);
      const first = p?.givenName || parts[0] || '';
      const last = p?.familyName || (parts.length > 1 ? parts.at(-1)! : '');
      return {
        id: r.id,
        student: { firstName: first, lastInitial: last ? `${last[0]!.toUpperCase()}.` : '' },
        // No grade is kept on the roster yet.
        grade: null as string | null,
        support: names.get(r.supportId) ?? '',
        urgency: r.urgency,
        state: r.state,
        dueAt: r.dueAt,
        reason: r.reason,
        version: r.version,
        sentAt: r.createdAt,
      };
    });
  }

  /**
   * A page of the queue: one state's run after another (waiting for an answer first, then accepted, in
   * service, declined, closed), each soonest due first, read from its index; the counts say which runs the page spans.
   */
  async function queueRows(tenantId: string, filter: repo.QueueFilter, counts: Map<ReferralState, number>, now: Date, size: number, offset: number): Promise<repo.Referral[]> {
    const out: repo.Referral[] = [];
    let skip = offset;
    for (const state of filter.state ? [filter.state] : queueOrder) {
      const n = counts.get(state) ?? 0;
      if (skip >= n) {
        skip -= n;
        continue;
      }
      out.push(...(await repo.queueRun(db, tenantId, { ...filter, state }, now, size - out.length, skip)));
      skip = 0;
      if (out.length >= size) break;
    }
    return out;
  }

  async function scanOverdue(): Promise<number> {
    const now = clock.now();
    const byTenant = new Map<string, OverdueReferral[]>();
    // Marked and told to the events' listeners in one transaction: an overdue referral is published once, or not marked.
    const marked = await asSystem('schedule', () =>
      db.transaction(async (tx) => {
        const rows = await repo.markOverdue(tx, now);
        for (const r of rows) byTenant.set(r.tenantId, [...(byTenant.get(r.tenantId) ?? []), overdueOf(r)]);
        for (const [tenantId, list] of byTenant) await deps.events?.referralsOverdue(tx, tenantId, list);
        return rows;
      }),
    );
    for (const [tenantId, list] of byTenant) {
      try {
        await withTenant(tenantId, () => deps.onOverdue?.(tenantId, list));
      } catch {
        // The hook never stops the scan: the referrals stay marked and listed as overdue in the queue.
      }
    }
    return marked.length;
  }

  return {
    /** What the user may do on the student's referrals (the student page's tab, the check-ins' "Refer" links). */
    can: (user: AppUser, record: StudentRecord) => canMap(referralPolicy, user, referralActions, { scope: record.scope }),
    /** Whether the user may open the queue (links from the caseload and the admin home). */
    canQueue: (user: AppUser) => referralQueuePolicy(user, 'view', { tenantId: user.tenantId }),

    /** The student's supports tab: their referrals (need-to-know applied), the consents on file. An audited read. */
    async studentList(user: AppUser, studentId: string) {
      const record = await studentRecords.open(user, studentId, referralPolicy, 'list');
      const can = canMap(referralPolicy, user, referralActions, { scope: record.scope });
      const rows = await repo.listForStudent(db, user.tenantId, record.student.id);
      const consents = can.recordConsent || can.revokeConsent ? await repo.consentsOf(db, user.tenantId, record.student.id) : [];
      const open = await drafts.openFor(user, record);
      await audit.record(user, { action: 'read', entity: 'referral', studentId: record.student.id });
      // Connections to services (Hamilton County's count): referrals that went into service or closed completed.
      const connections = rows.filter((r) => r.servedAt !== null || r.closedOutcome === 'completed').length;
      return { record, can, referrals: await items(user, record, rows), consents, connections, drafts: open };
    },

    /** The new referral form: supports to choose, owners, and what the need or plan prefills. */
    async newForm(user: AppUser, studentId: string, from: { need?: unknown; from?: unknown; draft?: unknown }, fieldsOutcome?: FieldsOutcome) {
      const record = await studentRecords.open(user, studentId, referralPolicy, 'create');
      const tenantId = user.tenantId;
      // A draft an automation wrote: its category and urgency, and its need when it came from one.
      const draft = from.draft ? await drafts.openOne(user, record, from.draft) : undefined;
      const needId = draft?.needId ?? from.need;
      const need = typeof needId === 'string' ? await deps.checkins.findNeed(tenantId, record.student.id, needId) : undefined;
      const [supports, owners] = await Promise.all([deps.supports.activeSupports(tenantId), ownerChoices(tenantId, record.scope)]);
      const source = draft ? 'automation' : need ? (need.checkinId ? 'need' : 'prep') : from.from === 'plan' ? 'plan' : 'direct';
      const category = draft?.category ?? need?.category ?? '';
      const reader = fieldsReaderOf(record.relationship, true);
      return {
        record,
        supports,
        owners: owners.choices,
        draft,
        fields: deps.fields && reader ? await deps.fields.newForm(user, 'referral', reader, fieldsOutcome) : null,
        defaults: {
          owner: owners.defaultId ?? '',
          urgency: (draft?.urgency ?? need?.urgency) === 'urgent' ? 'urgent' : 'routine',
          category,
          support: category ? (supports.find((s) => s.category === category)?.id ?? '') : '',
          need: need?.id ?? '',
          source,
          draft: draft?.id ?? '',
        },
      };
    },

    /** A new referral (audited, timeline's first step, mail to referrer and owner); held when it needs consent it lacks. */
    async create(user: AppUser, studentId: string, posted: ParsedForm<ReferralForm>, typedFields?: PostedFields): Promise<string> {
      const record = await studentRecords.open(user, studentId, referralPolicy, 'create');
      const tenantId = user.tenantId;
      // The school's own fields of the referral are checked with its form (every problem named at once) and written with it.
      const reader = fieldsReaderOf(record.relationship, true);
      const [form, writeFields] = await allOrInvalid(
        async () => validForm(posted, user.locale),
        async () => (deps.fields && reader && typedFields && Object.keys(typedFields.text).length > 0 ? deps.fields.prepare(user, 'referral', reader, typedFields) : null),
      );
      const [support, owners] = await Promise.all([deps.supports.forReferral(tenantId, form.support), ownerChoices(tenantId, record.scope)]);
      const errors: Record<string, string> = {};
      if (!support || !support.active) errors.support = 'referrals.form.chooseSupport';
      const ownerId = form.owner || owners.defaultId || user.personId;
      if (form.owner && !owners.choices.some((o) => o.id === form.owner)) errors.owner = 'referrals.form.chooseOwner';
      const need = form.need ? await deps.checkins.findNeed(tenantId, record.student.id, form.need) : undefined;
      if (form.need && !need) errors.need = 'referrals.form.needGone';
      // A draft decided meanwhile is a conflict, not a second referral from one suggestion.
      if (form.draft && !(await drafts.openOne(user, record, form.draft))) throw conflict(message('referrals.drafts.decided'), 'referral_draft_decided');
      if (Object.keys(errors).length > 0) throw new InvalidInput(Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, t(v, {}, user.locale)])), posted);
      const now = clock.now();
      const rules = await deps.rules(tenantId);
      // The support's category may have a standard of its own (checked above: the support exists when this runs).
      const dueAt = await deps.calendar.dueBy(tenantId, now, responseDaysOf(rules, support?.category ?? '', form.urgency));
      const to = await recipientsOf(tenantId, [user.personId, ownerId]);
      return db.transaction(async (tx) => {
        const facts = { category: support!.category, sensitive: support!.sensitive, external: support!.referral === 'external' };
        // An outside support's referrals go to the organisation the catalogue names for it (src/providers), if any.
        const providerOrganisationId = facts.external ? support!.providerOrganisationId : null;
        const consented = needsConsent(rules, facts) ? (await repo.consentsOf(tx, tenantId, record.student.id)).some((c) => !c.revokedAt && c.referralId === null) : true;
        const r = await repo.insertReferral(tx, {
          tenantId,
          studentId: record.student.id,
          supportId: support!.id,
          ...facts,
          reason: form.reason,
          urgency: form.urgency,
          source: form.draft ? 'automation' : need ? (need.checkinId ? 'need' : 'prep') : form.source === 'plan' ? 'plan' : 'direct',
          needId: need?.id ?? null,
          referredBy: user.personId,
          ownerId,
          dueAt,
          heldForConsent: !consented,
          providerOrganisationId,
          createdAt: now,
          updatedAt: now,
        });
        await repo.insertEvent(tx, { tenantId, referralId: r.id, kind: 'created', toState: 'requested', at: now, byPersonId: user.personId });
        if (!consented) await repo.insertEvent(tx, { tenantId, referralId: r.id, kind: 'held', fromState: 'requested', toState: 'requested', at: now, byPersonId: user.personId });
        await mailStep(tx, tenantId, 'requested', to);
        if (providerOrganisationId && consented) await deps.onSharedWithOrganisation?.(tx, tenantId, providerOrganisationId);
        if (form.draft) await drafts.markSent(tx, user, form.draft, r.id);
        await writeFields?.(tx, { studentId: record.student.id, recordId: r.id });
        await audit.record(user, { action: 'create', entity: 'referral', entityId: r.id, studentId: record.student.id }, tx);
        return r.id;
      });
    },

    /** One referral with its timeline and the steps this user may take. An audited read. */
    async detail(user: AppUser, studentId: string, referralId: unknown, fieldsOutcome?: FieldsOutcome) {
      const { record, referral } = await opened(user, studentId, referralId, 'view');
      const resource = { scope: record.scope, referral: factsOf(referral) };
      const can = canMap(referralPolicy, user, referralActions, resource);
      const [item] = await items(user, record, [referral]);
      const events = item!.detail && record.relationship !== 'self' ? await repo.eventsOf(db, user.tenantId, referral.id) : [];
      const names = await deps.roster.namesOf(user.tenantId, [referral.referredBy, referral.ownerId, ...events.flatMap((e) => (e.byPersonId ? [e.byPersonId] : []))]);
      const consents = item!.detail && (can.recordConsent || can.revokeConsent) ? (await repo.consentsOf(db, user.tenantId, record.student.id)).filter((c) => c.referralId === null || c.referralId === referral.id) : [];
      await audit.record(user, { action: 'read', entity: 'referral', entityId: referral.id, studentId: record.student.id });
      const reader = item!.detail ? fieldsReaderOf(record.relationship, can.create || can.respond) : null;
      const fields = reader && deps.fields ? await deps.fields.form(user, { object: 'referral', studentId: record.student.id, recordId: referral.id }, reader, fieldsOutcome) : null;
      return { record, item: item!, events, names, can, consents, needsConsent: needsConsent(await deps.rules(user.tenantId), referral), fields };
    },

    /** The history of the referral's own fields: for those who see its details (need-to-know), as they read them (the form's who-reads). */
    async fieldsHistory(user: AppUser, studentId: string, referralId: unknown) {
      const { record, referral } = await opened(user, studentId, referralId, 'view');
      const [item] = await items(user, record, [referral]);
      const reader = item!.detail ? fieldsReaderOf(record.relationship, false) : null;
      if (!deps.fields || !reader) throw forbidden().denying({ subject: 'referral', attempt: 'viewHistory', studentId: record.student.id });
      return { record, referralId: referral.id, changes: await deps.fields.history(user, { object: 'referral', studentId: record.student.id, recordId: referral.id }, reader) };
    },

    /**
     * Saves the school's own fields of a referral: by those who may see its details (need-to-know) and
     * work it (refer or respond), each field by who writes it.
     */
    async saveFields(user: AppUser, studentId: string, referralId: unknown, typed: PostedFields): Promise<FieldsOutcome | null> {
      const { record, referral } = await opened(user, studentId, referralId, 'view');
      const resource = { scope: record.scope, referral: factsOf(referral) };
      const [item] = await items(user, record, [referral]);
      const mayWrite = referralPolicy(user, 'create', resource) || referralPolicy(user, 'respond', resource);
      const reader = item!.detail ? fieldsReaderOf(record.relationship, mayWrite) : null;
      if (!deps.fields || !reader?.writes) throw forbidden().denying({ subject: 'referral', attempt: 'fields', studentId: record.student.id });
      return deps.fields.save(user, { object: 'referral', studentId: record.student.id, recordId: referral.id }, reader, typed);
    },

    /** One step posted from the referral page (respond, start, session, close): 400 for a bad form, 409 for a stale one. */
    async transition(user: AppUser, studentId: string, referralId: unknown, action: TransitionAction, body: unknown): Promise<void> {
      const { record, referral } = await opened(user, studentId, referralId, transitions[action].policy);
      const input = parseStep(action, body, user.locale);
      const to = await recipientsOf(user.tenantId, [referral.referredBy, referral.ownerId]);
      await db.transaction(async (tx) => {
        await step(tx, user.tenantId, referral, action, input, { personId: user.personId }, to);
        await audit.record(user, { action: 'update', entity: 'referral', entityId: referral.id, studentId: record.student.id }, tx);
      });
    },

    /** Consent on file: for one referral (`referralId`) or standing for the student; releases what it unblocks. Audited. */
    async recordConsent(user: AppUser, studentId: string, referralId: unknown, posted: ParsedForm<ConsentForm>): Promise<void> {
      const record = await studentRecords.open(user, studentId, referralPolicy, 'recordConsent');
      if (referralId !== null) {
        const r = isUuid(referralId) ? await repo.findReferral(db, user.tenantId, referralId) : undefined;
        if (!r || r.studentId !== record.student.id) throw notFound();
      }
      const form = validForm(posted, user.locale);
      const rules = await deps.rules(user.tenantId);
      await db.transaction(async (tx) => {
        const c = await repo.insertConsent(tx, { tenantId: user.tenantId, studentId: record.student.id, referralId: referralId as string | null, giver: form.giver, method: form.method, givenOn: form.givenOn, recordedBy: user.personId, recordedAt: clock.now() });
        await reconsider(tx, user.tenantId, record.student.id, { personId: user.personId }, rules);
        await audit.record(user, { action: 'create', entity: 'referral_consent', entityId: c.id, studentId: record.student.id }, tx);
      });
    },

    /** Revokes a consent from now on: referrals it covered are held again (a provider no longer sees them). Audited. */
    async revokeConsent(user: AppUser, studentId: string, consentId: unknown): Promise<void> {
      const record = await studentRecords.open(user, studentId, referralPolicy, 'revokeConsent');
      if (!isUuid(consentId)) throw notFound();
      const rules = await deps.rules(user.tenantId);
      await db.transaction(async (tx) => {
        const c = await repo.revokeConsent(tx, user.tenantId, record.student.id, consentId, user.personId, clock.now());
        if (!c) throw notFound();
        await reconsider(tx, user.tenantId, record.student.id, { personId: user.personId }, rules);
        await audit.record(user, { action: 'update', entity: 'referral_consent', entityId: c.id, studentId: record.student.id }, tx);
      });
    },

    /** The school's queue (/referrals): filtered, paged, counted per state; sensitive ones as "arranged" unless need-to-know. Audited. */
    async queue(user: AppUser, query: QueueQuery) {
      authorize(referralQueuePolicy, user, 'view', { tenantId: user.tenantId });
      const now = clock.now();
      const filter: repo.QueueFilter = { state: query.state, overdue: query.overdue === '1', ownerId: query.mine === '1' ? user.personId : undefined, category: query.category };
      // Support staff of some schools see their students' referrals only (admins and staff of every school: all).
      const where = supportSchoolFilter(user);
      const everySchool = where === null;
      const mine = user.role === 'admin' || where === null ? null : new Set(await deps.schools.studentsAtSchools(user.tenantId, where));
      if (mine) filter.studentIds = [...mine];
      const counts = await repo.queueCounts(db, user.tenantId, filter, now);
      const matched = query.state ? (counts.get(query.state) ?? 0) : [...counts.values()].reduce((a, b) => a + b, 0);
      const size = config.queuePageSize;
      const pages = Math.max(1, Math.ceil(matched / size));
      const page = Math.min(query.page, pages);
      const rows = await queueRows(user.tenantId, filter, counts, now, size, (page - 1) * size);
      const [students, supports] = await Promise.all([deps.roster.namesOf(user.tenantId, rows.map((r) => r.studentId)), deps.supports.namesOf(user.tenantId, [...new Set(rows.map((r) => r.supportId))])]);
      // Need-to-know: support staff see sensitive details of their schools' students only.
      const staffOf = (studentId: string) => everySchool || Boolean(mine?.has(studentId));
      // Drafts an automation wrote, for support staff (their schools' students): a suggestion is theirs to decide, an admin watches referrals only.
      const draftRows = isSupportStaff(user) ? await drafts.openOfStudents(user.tenantId, mine ? [...mine] : null, size) : [];
      const draftNames = await deps.roster.namesOf(user.tenantId, draftRows.map((d) => d.studentId));
      await audit.record(user, { action: 'read', entity: 'referral_queue', entityId: null });
      return {
        drafts: draftRows.map((d) => ({ draft: d, studentName: draftNames.get(d.studentId) ?? '' })),
        counts,
        matched,
        page,
        pages,
        firstIndex: (page - 1) * size,
        rows: rows.map((r) => ({
          referral: r,
          studentName: students.get(r.studentId) ?? '',
          supportName: supports.get(r.supportId) ?? '',
          detail: !r.sensitive || staffOf(r.studentId) || r.ownerId === user.personId || r.referredBy === user.personId,
          overdue: isOverdue(r, now),
        })),
      };
    },

    /** For automations' "draft a referral", in the run's transaction: an open draft's id, or null when there is nothing to draft. */
    draftForRule: drafts.draftForRule,
    /** Dismisses an automation's draft (the supports tab's button). */
    dismissDraft: drafts.dismiss,

    /** For the caseload and reports: connections to services per student (referrals that went into service or closed completed). */
    connectionsFor: (tenantId: string, studentIds: string[]) => repo.connections(db, tenantId, studentIds),
    /** For the school view and snapshots (which gate and audit their own reads): referrals made since a moment. */
    factsSince: (tenantId: string, studentIds: string[], since: Date) => withTenant(tenantId, () => repo.factsSince(db, tenantId, studentIds, since)),
    /** The new referral form's address, prefilled from a need or marked as coming from the plan. */
    newUrl(studentId: string, prefill: { need: string } | { from: 'plan' }): string {
      const url = new URL(`/students/${studentId}/referrals/new`, 'http://tool.invalid');
      for (const [k, v] of Object.entries(prefill)) url.searchParams.set(k, v);
      return `${url.pathname}${url.search}`;
    },

    /**
     * For the navigator view: the students' referrals requested or accepted and not yet in service, soonest
     * due first, each overdue when still unanswered past the response standard; a sensitive one's detail
     * only where need-to-know allows (`scopes`: each student's scope, from the caller's own caseload). Two queries.
     */
    async waitingOf(user: AppUser, scopes: readonly StudentScope[]): Promise<ReferralItem[]> {
      const byStudent = new Map(scopes.map((s) => [s.studentId, s]));
      const rows = await repo.waitingOfStudents(db, user.tenantId, [...byStudent.keys()]);
      const names = await deps.supports.namesOf(user.tenantId, [...new Set(rows.map((r) => r.supportId))]);
      const now = clock.now();
      return rows.map((r) => ({
        referral: r,
        supportName: names.get(r.supportId) ?? '',
        detail: !r.sensitive || referralPolicy(user, 'viewSensitive', { scope: byStudent.get(r.studentId)!, referral: factsOf(r) }),
        overdue: isOverdue(r, now),
      }));
    },

    /** For the navigators' digest: referrals this person owns or made that still wait for an answer. */
    waitingFor: (tenantId: string, personId: string) => withTenant(tenantId, () => repo.waitingCount(db, tenantId, personId)),

    /** For reports (which gate and audit their own reads): referrals that went into service since a moment, ids and times only. */
    servedSince: (tenantId: string, since: Date) => withTenant(tenantId, () => repo.servedSince(db, tenantId, since)),

    /** For the supports catalogue: current load per support (accepted + in service). */
    loadBySupport: (tenantId: string) => repo.loadBySupport(db, tenantId),

    /** The referrals marked overdue since a day, with when (an automation's dry run replays them; no words). */
    async overdueSince(tenantId: string, since: Date): Promise<(OverdueReferral & { at: Date })[]> {
      const rows = await repo.overdueSince(db, tenantId, since);
      return rows.map((r) => ({ ...overdueOf(r), at: r.overdueAlertedAt ?? r.dueAt }));
    },

    /** Marks requested referrals past due (once each) and tells `onOverdue`. Returns how many were marked. */
    scanOverdue,
    jobHandlers: {
      [OVERDUE_JOB]: async () => {
        await scanOverdue();
        await deps.jobs.enqueue(OVERDUE_JOB, 'all', new Date(clock.now().getTime() + config.overdueScanMinutes * 60_000));
      },
    } as Record<string, (key: string) => Promise<void>>,
    /** Puts the overdue scan on the queue (kept if already there). Only the server entry calls it. */
    startSchedule: () => deps.jobs.enqueue(OVERDUE_JOB, 'all', new Date(clock.now().getTime() + config.overdueScanMinutes * 60_000)),

    // For the providers feature (outside the LMS): an organisation sees only its referrals, not held, with consent in force where needed.

    /** Sends a referral to an outside organisation (the providers feature calls it when a referral names one). */
    assignOrganisation: (tenantId: string, referralId: string, organisationId: string | null) => withTenant(tenantId, () => repo.setOrganisation(db, tenantId, referralId, organisationId)),

    /** The organisation's referrals, minimal fields only. */
    forOrganisation: (tenantId: string, organisationId: string) =>
      withTenant(tenantId, async () => (isUuid(organisationId) ? providerViews(tenantId, await repo.forOrganisation(db, tenantId, organisationId, await needsConsentSqlOf(tenantId))) : [])),

    /** One of the organisation's referrals, read by one of its accounts (audited); a 404 for any id that is not theirs to see. */
    organisationReferral: (tenantId: string, organisationId: string, providerAccountId: string, referralId: string) =>
      withTenant(tenantId, async () => {
        const rows = isUuid(organisationId) && isUuid(referralId) ? await repo.forOrganisation(db, tenantId, organisationId, await needsConsentSqlOf(tenantId), referralId) : [];
        if (rows.length === 0) throw notFound();
        await audit.record(providerActor(tenantId, providerAccountId), { action: 'read', entity: 'referral', entityId: rows[0]!.id, studentId: rows[0]!.studentId });
        return (await providerViews(tenantId, rows))[0]!;
      }),

    /** A step taken by the provider's account (respond, start, session, close; the same forms): 404, 400 and 409 as for staff. */
    organisationTransition: (tenantId: string, organisationId: string, providerAccountId: string, referralId: string, action: string, input: unknown, locale?: Locale) =>
      withTenant(tenantId, async () => {
        const rows = isUuid(organisationId) && isUuid(referralId) ? await repo.forOrganisation(db, tenantId, organisationId, await needsConsentSqlOf(tenantId), referralId) : [];
        if (rows.length === 0 || !isTransition(action)) throw notFound();
        const parsed = parseStep(action, input, locale);
        const to = await recipientsOf(tenantId, [rows[0]!.referredBy, rows[0]!.ownerId]);
        await db.transaction(async (tx) => {
          await step(tx, tenantId, rows[0]!, action, parsed, { providerAccountId }, to);
          await audit.record(providerActor(tenantId, providerAccountId), { action: 'update', entity: 'referral', entityId: rows[0]!.id, studentId: rows[0]!.studentId }, tx);
        });
      }),
  };
}
export type ReferralsService = ReturnType<typeof createReferralsService>;

