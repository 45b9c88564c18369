import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import { systemActor, type AuditService } from '../audit/audit.service.js';
import type { StudentRecord, StudentRecordGate } from '../navigators/student-record.js';
import { referralPolicy } from '../policies/referral.js';
import { conflict, message, notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import { sensitiveCategories, supportCategories } from '../supports/supports.schemas.js';
import * as repo from './referral-drafts.repository.js';
import type { ReferralUrgency } from './referrals.tables.js';

export type { ReferralDraft } from './referral-drafts.repository.js';

/** What an automation rule asks for: the student, the category, and where it came from. */
export interface DraftRequest {
  tenantId: string;
  studentId: string;
  category: string;
  urgency: ReferralUrgency;
  needId: string | null;
  ruleId: string;
  ruleName: string;
}

export interface ReferralDraftsDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  studentRecords: StudentRecordGate;
}

const isSupportCategory = (v: string): boolean => (supportCategories as readonly string[]).includes(v);

/**
 * Referral drafts (issue 14 item 5, the automations' "draft a referral"): a rule writes one in its run's
 * transaction; the student's supports tab and the queue show it to the adults who may refer the student
 * (a sensitive category only to those who may see sensitive referrals); a person
 * sends it as a referral (the new referral form, prefilled) or dismisses it, each once.
 */
export function createReferralDrafts(deps: ReferralDraftsDeps) {
  const { db, clock, audit } = deps;

  /** Whether this reader may see the draft: a sensitive category (a support in it is always sensitive) only with need-to-know. */
  const readable = (user: AppUser, record: Pick<StudentRecord, 'scope'>, d: repo.ReferralDraft) =>
    !(sensitiveCategories as readonly string[]).includes(d.category) || referralPolicy(user, 'viewSensitive', { scope: record.scope });

  return {
    /**
     * The automation's action, in the run's transaction: an open draft for the student and category, or
     * null (nothing to do) when the category is none of the catalogue's, a referral in it is still open, or
     * a draft is open already. Audited as the tool's.
     */
    async draftForRule(tx: DbOrTx, r: DraftRequest): Promise<string | null> {
      if (!isSupportCategory(r.category) || (await repo.hasOpenReferral(tx, r.tenantId, r.studentId, r.category))) return null;
      const row = await repo.insertOpen(tx, { ...r, createdAt: clock.now() });
      if (!row) return null;
      await audit.record(systemActor(r.tenantId), { action: 'create', entity: 'referral_draft', entityId: row.id, studentId: r.studentId }, tx);
      return row.id;
    },

    /** The student's open drafts this user may act on (those who may refer the student; need-to-know for sensitive categories). */
    async openFor(user: AppUser, record: StudentRecord): Promise<repo.ReferralDraft[]> {
      if (!referralPolicy(user, 'create', { scope: record.scope })) return [];
      return (await repo.openOfStudent(db, user.tenantId, record.student.id)).filter((d) => readable(user, record, d));
    },

    /** One open draft of the student for the new referral form; undefined when it is not (or no longer) open. */
    async openOne(user: AppUser, record: StudentRecord, draftId: unknown): Promise<repo.ReferralDraft | undefined> {
      const d = isUuid(draftId) ? await repo.find(db, user.tenantId, draftId) : undefined;
      if (!d || d.studentId !== record.student.id || d.state !== 'open') return undefined;
      return readable(user, record, d) ? d : undefined;
    },

    /** For the queue: open drafts of these students (null: every student), oldest first. */
    openOfStudents: (tenantId: string, studentIds: string[] | null, limit: number) => repo.openOf(db, tenantId, studentIds, limit),

    /** Marks the draft sent with its referral, in the referral's transaction: 409 (and the referral rolled back) when someone decided it meanwhile. */
    async markSent(tx: DbOrTx, user: AppUser, draftId: string, referralId: string): Promise<void> {
      const done = await repo.decide(tx, user.tenantId, draftId, { state: 'sent', referralId, decidedBy: user.personId, decidedAt: clock.now() });
      if (!done) throw conflict(message('referrals.drafts.decided'), 'referral_draft_decided');
      await audit.record(user, { action: 'update', entity: 'referral_draft', entityId: draftId, studentId: done.studentId }, tx);
    },

    /** Dismisses an open draft of the student: 404 for any other id, 409 when someone decided it meanwhile. Audited. */
    async dismiss(user: AppUser, studentId: string, draftId: unknown): Promise<void> {
      const record = await deps.studentRecords.open(user, studentId, referralPolicy, 'create');
      const d = isUuid(draftId) ? await repo.find(db, user.tenantId, draftId) : undefined;
      if (!d || d.studentId !== record.student.id || !readable(user, record, d)) throw notFound();
      await db.transaction(async (tx) => {
        const done = await repo.decide(tx, user.tenantId, d.id, { state: 'dismissed', referralId: null, decidedBy: user.personId, decidedAt: clock.now() });
        if (!done) throw conflict(message('referrals.drafts.decided'), 'referral_draft_decided');
        await audit.record(user, { action: 'update', entity: 'referral_draft', entityId: d.id, studentId: record.student.id }, tx);
      });
    },
  };
}
export type ReferralDrafts = ReturnType<typeof createReferralDrafts>;
