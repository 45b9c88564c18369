import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser, StaffRole } from '../auth/user.js';
import { systemActor, type AuditActor, type AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { NavigatorsService } from '../navigators/navigators.service.js';
import type { SchoolsService } from '../schools/schools.service.js';
import { recipientAddress, type MailService } from '../mail/mail.service.js';
import { withTenant } from '../db/tenant-scope.js';
import { alertActions, alertPolicy } from '../policies/alert.js';
import { supportSchoolFilter } from '../policies/staff-scope.js';
import { authorize, canMap } from '../policies/policy.js';
import { notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import { validForm, type ParsedForm } from '../web/forms.js';
import { isLocale, labelOf, t } from '../web/i18n.js';
import type { AlertKind, RecipientReason } from './alerts.tables.js';
import { audiencesFor, crisisMatcher, type AlertRouting, type ResolveAlertForm } from './alerts.schemas.js';
import * as repo from './alerts.repository.js';

/** Where student-written text came from: the record the alert points at (never the text). */
export type StudentTextSource = 'checkin_prep' | 'plan' | 'goal' | 'goal_progress' | 'plan_comment';

export interface AlertsDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  mail: Pick<MailService, 'queue'>;
  roster: Pick<RosterService, 'findPeople' | 'holdersOfStaffRole' | 'namesOf'>;
  navigators: Pick<NavigatorsService, 'scopeOf' | 'schoolsOf'>;
  /** The students at a support-staff member's schools (whose alerts they see). */
  schools: Pick<SchoolsService, 'studentsAtSchools'>;
  /** The installation's routing (config/alert-routing.json): a school without its own document has it. */
  routing: AlertRouting;
  /** The school's routing in force (the `alert-routing` document), read in the raising write's transaction when one is given. */
  routingOf?: (tenantId: string, tx?: DbOrTx) => Promise<AlertRouting>;
  /** The needs the school's screener holds sensitive (src/checkins' needs-screener document): their alerts keep their category as need-to-know too. */
  sensitiveNeedsOf?: (tenantId: string) => Promise<readonly string[]>;
  /** Every language's crisis words and phrases (config/crisis-words.json). */
  crisisWords: readonly string[];
  /** How many alerts a page lists at most (open first). */
  pageSize?: number;
}

export interface RaiseInput {
  tenantId: string;
  studentId: string;
  kind: AlertKind;
  category: string | null;
  sourceId: string;
  /** What makes a second raise the same alert while this one is not resolved. */
  dedupeKey: string;
  /** A referral's owner, for the `owner` audience. */
  ownerId?: string | null;
  /** Who it reaches when the raiser says (an automation's rule), in place of the routing's audiences. */
  audiences?: readonly RecipientReason[];
}

/** Alerts that must reach someone now say so in the e-mail's subject; the rest ask for attention. */
const levelOf = (kind: AlertKind): 'urgent' | 'attention' => (kind === 'urgent_need' || kind === 'crisis_words' ? 'urgent' : 'attention');

export type AlertOutcome = 'acknowledged' | 'alreadyAcknowledged' | 'resolved' | 'alreadyResolved';

/**
 * Alerts (src/alerts/README.md): raised in the transaction of the write that caused them (an urgent
 * need, a rating of 1, crisis words in the student's own text, an overdue referral), routed per
 * config/alert-routing.json to people, each e-mailed a message with no record text; listed,
 * acknowledged and resolved with a note on /alerts.
 */
export function createAlertsService(deps: AlertsDeps) {
  const { db, clock, audit, roster, navigators } = deps;
  const matchesCrisis = crisisMatcher(deps.crisisWords);
  const routingFor = async (tenantId: string, tx?: DbOrTx): Promise<AlertRouting> => (await deps.routingOf?.(tenantId, tx)) ?? deps.routing;
  const pageSize = deps.pageSize ?? 200;

  /**
   * Which alerts of the tenant the user sees beyond those routed to them: all (admins, support staff of
   * every school), those of these students (support staff of some schools), or none.
   */
  async function seenBeyondOwn(user: AppUser): Promise<repo.AlertsSeen> {
    const where = supportSchoolFilter(user);
    if (user.role === 'admin' || where === null) return { all: true };
    // Most users (advisors) work with no school's alerts: no query for them.
    if (where.length === 0) return { all: false, studentIds: [] };
    return { all: false, studentIds: await deps.schools.studentsAtSchools(user.tenantId, where) };
  }

  /** The people each audience names for this student, first audience first (a person is routed once, for the first reason). */
  async function recipientsOf(tx: DbOrTx, a: RaiseInput): Promise<Map<string, RecipientReason>> {
    const out = new Map<string, RecipientReason>();
    let schoolIds: string[] | undefined;
    for (const who of a.audiences ?? audiencesFor(await routingFor(a.tenantId, tx), a.kind, a.category)) {
      let ids: string[];
      if (who === 'navigator') ids = (await navigators.scopeOf(a.tenantId, a.studentId, tx)).navigatorIds;
      else if (who === 'owner') ids = a.ownerId ? [a.ownerId] : [];
      // Staff of the student's school, or of every school (a student of no known school: only those).
      else {
        schoolIds ??= (await navigators.schoolsOf(a.tenantId, [a.studentId], tx)).get(a.studentId) ?? [];
        ids = (await roster.holdersOfStaffRole(a.tenantId, who satisfies StaffRole, schoolIds, tx)).map((p) => p.id);
      }
      for (const id of ids) if (!out.has(id) && id !== a.studentId) out.set(id, who);
    }
    return out;
  }

  /**
   * Raises an alert in `tx` unless one for the same (student, kind, key) is not resolved yet: routes it,
   * queues each recipient's e-mail (those with a valid address) and audits it. The alert id, or null
   * when it was already there.
   */
  async function raise(tx: DbOrTx, actor: AuditActor, a: RaiseInput): Promise<string | null> {
    const row = await repo.insertAlert(tx, { tenantId: a.tenantId, studentId: a.studentId, kind: a.kind, category: a.category, sourceId: a.sourceId, dedupeKey: a.dedupeKey, createdAt: clock.now() });
    if (!row) return null;
    const routed = await recipientsOf(tx, a);
    const rows = await repo.insertRecipients(tx, [...routed].map(([personId, why]) => ({ tenantId: a.tenantId, alertId: row.id, personId, why })));
    const people = new Map((await roster.findPeople(a.tenantId, rows.map((r) => r.personId), tx)).map((p) => [p.id, p]));
    for (const r of rows) {
      const person = people.get(r.personId);
      const to = recipientAddress.safeParse(person?.email ?? '');
      // No address (or one the LMS gave that is no address): the alert still waits on their /alerts page.
      if (!to.success) continue;
      const mailId = await deps.mail.queue(tx, { tenantId: a.tenantId, to: to.data, template: 'alert.raised', params: { context: levelOf(a.kind) }, locale: isLocale(person?.locale) ? person.locale : undefined });
      await repo.setRecipientMail(tx, a.tenantId, r.id, mailId);
    }
    await audit.record(actor, { action: 'create', entity: 'alert', entityId: row.id, studentId: a.studentId }, tx);
    return row.id;
  }

  /** The alert, as `user` may see it at all (a 404 for anyone else, so ids confirm nothing). */
  async function findFor(user: AppUser, id: unknown) {
    if (!isUuid(id)) throw notFound();
    const alert = await repo.find(db, user.tenantId, id);
    if (!alert) throw notFound();
    const schoolIds = (await navigators.schoolsOf(user.tenantId, [alert.studentId])).get(alert.studentId) ?? [];
    if (!alertPolicy(user, 'view', { tenantId: user.tenantId, recipientIds: alert.recipientIds, schoolIds })) throw notFound();
    return { ...alert, schoolIds };
  }

  const categoryLabel = (category: string | null, locale: AppUser['locale']) => (category ? labelOf('supports.category', category, locale) : null);

  return {
    /** A check-in or the student's prep raised needs: each urgent one alerts (one alert per category until resolved). */
    async needsRaised(tx: DbOrTx, user: AppUser, studentId: string, needs: readonly { id: string; category: string; urgency: string }[]): Promise<void> {
      for (const n of needs.filter((x) => x.urgency === 'urgent')) {
        await raise(tx, user, { tenantId: user.tenantId, studentId, kind: 'urgent_need', category: n.category, sourceId: n.id, dedupeKey: `need:${n.category}` });
      }
    },

    /** A check-in recorded a well-being rating: a 1 alerts (one open alert per student until resolved). */
    async wellbeingRated(tx: DbOrTx, user: AppUser, studentId: string, checkinId: string, rating: number | null): Promise<void> {
      if (rating !== 1) return;
      await raise(tx, user, { tenantId: user.tenantId, studentId, kind: 'wellbeing_low', category: 'wellbeing', sourceId: checkinId, dedupeKey: 'wellbeing' });
    },

    /**
     * The student wrote text (prep answers, the plan's student voice, a goal or progress note, a plan
     * comment): when a crisis word or phrase appears, one alert for that record. Only the student's own
     * writing counts; the words and the text are never stored, logged or sent.
     */
    async onStudentText(tx: DbOrTx, user: AppUser, studentId: string, source: { kind: StudentTextSource; id: string }, texts: readonly string[]): Promise<void> {
      if (user.role !== 'student' || user.personId !== studentId) return;
      if (!matchesCrisis(texts)) return;
      await raise(tx, user, { tenantId: user.tenantId, studentId, kind: 'crisis_words', category: null, sourceId: source.id, dedupeKey: `${source.kind}:${source.id}` });
    },

    /** Needs of these categories were resolved at the check-ins page: their urgent-need alerts resolve with them, with the same note. */
    async needsResolved(tx: DbOrTx, user: AppUser, studentId: string, categories: readonly string[], note: string | null): Promise<void> {
      const rows = await repo.resolveMatching(tx, user.tenantId, studentId, 'urgent_need', [...new Set(categories)].map((c) => `need:${c}`), user.personId, clock.now(), note);
      for (const row of rows) await audit.record(user, { action: 'update', entity: 'alert', entityId: row.id, studentId }, tx);
    },

    /**
     * For referrals: a referral passed its response-time standard. `tx` joins the caller's transaction;
     * a tenant id runs it in a transaction of its own (a scheduled check). One alert per referral until resolved.
     */
    async raiseOverdueReferral(txOrTenant: DbOrTx | string, r: { tenantId?: string; studentId: string; referralId: string; category: string | null; ownerId: string | null }): Promise<string | null> {
      if (typeof txOrTenant === 'string') {
        const tenantId = txOrTenant;
        return withTenant(tenantId, () => db.transaction((tx) => raise(tx, systemActor(tenantId), { tenantId, studentId: r.studentId, kind: 'overdue_referral', category: r.category, sourceId: r.referralId, dedupeKey: `referral:${r.referralId}`, ownerId: r.ownerId })));
      }
      if (!r.tenantId) throw new Error('raiseOverdueReferral in a transaction needs the tenant id');
      return raise(txOrTenant, systemActor(r.tenantId), { tenantId: r.tenantId, studentId: r.studentId, kind: 'overdue_referral', category: r.category, sourceId: r.referralId, dedupeKey: `referral:${r.referralId}`, ownerId: r.ownerId });
    },

    /**
     * For automations: a rule's action "alert a role", in the transaction of the rule's run. One open
     * alert per student and rule (a rule that keeps firing for a student adds nothing until it is
     * resolved); the alert id, or null when one was open already.
     */
    raiseForRule: (tx: DbOrTx, r: { tenantId: string; studentId: string; ruleId: string; eventId: string; audience: Exclude<RecipientReason, 'owner'> }): Promise<string | null> =>
      raise(tx, systemActor(r.tenantId), { tenantId: r.tenantId, studentId: r.studentId, kind: 'automation', category: null, sourceId: r.eventId, dedupeKey: `rule:${r.ruleId}`, audiences: [r.audience] }),

    /** How many alerts wait for `user` (every one of the school for support staff and admins); null when alerts are not theirs. */
    async openCount(user: AppUser): Promise<number | null> {
      const whole = { tenantId: user.tenantId, recipientIds: [] };
      if (!alertPolicy(user, 'list', whole)) return null;
      return repo.openCount(db, user.tenantId, await seenBeyondOwn(user), user.personId);
    },

    /** Open alerts routed to a person (the digest counts them). */
    openCountFor: (tenantId: string, personId: string) => repo.openCount(db, tenantId, { all: false, studentIds: [] }, personId),

    /** /alerts: the user's alerts (the school's for support staff and admins), open first, in words, with what they may do. */
    async list(user: AppUser) {
      const whole = { tenantId: user.tenantId, recipientIds: [] };
      authorize(alertPolicy, user, 'list', whole);
      const rows = await repo.list(db, user.tenantId, await seenBeyondOwn(user), user.personId, pageSize);
      const [names, schools, routing, sensitiveNeeds] = await Promise.all([
        roster.namesOf(user.tenantId, rows.map((r) => r.studentId)),
        navigators.schoolsOf(user.tenantId, rows.map((r) => r.studentId)),
        routingFor(user.tenantId),
        deps.sensitiveNeedsOf?.(user.tenantId) ?? [],
      ]);
      // A category is need-to-know when the routing says so or the school's screener holds the need sensitive.
      const sensitive = new Set([...routing.sensitiveCategories, ...sensitiveNeeds]);
      if (rows.length > 0) await audit.record(user, { action: 'read', entity: 'alert', studentIds: [...new Set(rows.map((r) => r.studentId))] });
      const locale = user.locale;
      return {
        alerts: rows.map((a) => {
          const can = canMap(alertPolicy, user, alertActions, { tenantId: user.tenantId, recipientIds: a.recipientIds, schoolIds: schools.get(a.studentId) ?? [] });
          const showCategory = a.category !== null && (!sensitive.has(a.category) || can.viewSensitive);
          return {
            id: a.id,
            studentId: a.studentId,
            studentName: names.get(a.studentId) || t('common.nameNotShared', {}, locale),
            kind: a.kind,
            kindLabel: t(`alerts.kind.${a.kind}`, {}, locale),
            category: showCategory ? categoryLabel(a.category, locale) : null,
            categoryHidden: a.category !== null && !showCategory,
            state: a.state,
            stateLabel: t(`alerts.state.${a.state}`, {}, locale),
            createdAt: a.createdAt,
            resolvedAt: a.resolvedAt,
            resolutionNote: a.state === 'resolved' && can.resolve ? a.resolutionNote : null,
            can: { acknowledge: can.acknowledge && a.state === 'open', resolve: can.resolve && a.state !== 'resolved' },
          };
        }),
      };
    },

    /** One click: open -> acknowledged. A second click (or a stale page) changes nothing and says so. */
    async acknowledge(user: AppUser, id: unknown): Promise<AlertOutcome> {
      const alert = await findFor(user, id);
      authorize(alertPolicy, user, 'acknowledge', { tenantId: user.tenantId, recipientIds: alert.recipientIds, schoolIds: alert.schoolIds });
      return db.transaction(async (tx) => {
        const row = await repo.acknowledge(tx, user.tenantId, alert.id, user.personId, clock.now());
        if (!row) return 'alreadyAcknowledged';
        await audit.record(user, { action: 'update', entity: 'alert', entityId: alert.id, studentId: alert.studentId }, tx);
        return 'acknowledged';
      });
    },

    /** Resolves with the note saying what was done (required: InvalidInput, nothing written). Resolving a resolved alert changes nothing and says so. */
    async resolve(user: AppUser, id: unknown, posted: ParsedForm<ResolveAlertForm>): Promise<AlertOutcome> {
      const alert = await findFor(user, id);
      authorize(alertPolicy, user, 'resolve', { tenantId: user.tenantId, recipientIds: alert.recipientIds, schoolIds: alert.schoolIds });
      if (alert.state === 'resolved') return 'alreadyResolved';
      const form = validForm(posted, user.locale);
      return db.transaction(async (tx) => {
        const row = await repo.resolve(tx, user.tenantId, alert.id, user.personId, clock.now(), form.note);
        if (!row) return 'alreadyResolved';
        await audit.record(user, { action: 'update', entity: 'alert', entityId: alert.id, studentId: alert.studentId }, tx);
        return 'resolved';
      });
    },

    /** Whether any of these texts holds a crisis word (for tests and the bench; says only whether). */
    matchesCrisis,
  };
}
export type AlertsService = ReturnType<typeof createAlertsService>;
