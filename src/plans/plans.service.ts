import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { StudentInScope } from '../web/student-scope.js';
import { authorize } from '../policies/policy.js';
import { planAudience, planPolicy, type PlanAction } from '../policies/plan.js';
import { forbidden, badRequest } from '../web/errors.js';
import type { FieldForm, PlanField, PlanTemplate, Voice } from './plans.schemas.js';
import { wordDiff } from './diff.js';
import * as repo from './plans.repository.js';

export type { Plan } from './plans.repository.js';
export type PlanStatus = 'none' | 'draft' | 'active';

/** A save on words someone else changed since the page was loaded: both texts go back to the page. */
export class PlanConflict extends Error {
  constructor(
    readonly field: PlanField,
    readonly voice: Voice,
    readonly theirs: { text: string; authorName: string; at: Date },
    readonly yours: string,
    readonly version: number,
  ) {
    super('plan field changed since it was loaded');
  }
}

export interface PlansDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  roster: RosterService;
  template: PlanTemplate;
}

/** The school year a date falls in; years turn over on 1 August. */
export function schoolYearOf(d: Date): string {
  const y = d.getUTCFullYear();
  return d.getUTCMonth() >= 7 ? `${y}-${y + 1}` : `${y - 1}-${y}`;
}

const voicesOf = (f: PlanField): Voice[] => (f.edit === 'both' ? ['student', 'adult'] : [f.edit]);
const editAction: Record<Voice, PlanAction> = { student: 'editStudentVoice', adult: 'editAdultVoice' };

/** Success plans built from the tenant's template: co-written, versioned, every change kept. */
export function createPlansService(deps: PlansDeps) {
  const { db, clock, audit, roster, template } = deps;
  const fields = template.sections.flatMap((s) => s.fields);
  const fieldByKey = new Map(fields.map((f) => [f.key, f]));
  const year = () => schoolYearOf(clock.now());
  const may = (user: AppUser, s: StudentInScope, action: PlanAction) => planPolicy(user, action, { scope: s.scope });
  const visibleTo = (s: StudentInScope) => {
    const audience = planAudience(s.relationship);
    return (f: PlanField) => audience !== null && f.see.includes(audience);
  };

  return {
    template,
    fieldByKey,

    /** The plan page's content for this user: only the fields they may see, each voice apart. Audited. */
    async view(user: AppUser, s: StudentInScope, action: 'view' | 'print' = 'view') {
      authorize(planPolicy, user, action, { scope: s.scope });
      const plan = await repo.findPlan(db, user.tenantId, s.student.id, year());
      const entries = plan ? await repo.entries(db, user.tenantId, plan.id) : [];
      const comments = plan ? await repo.comments(db, user.tenantId, plan.id) : [];
      const names = await roster.namesOf(user.tenantId, [...entries.map((e) => e.authorId), ...comments.map((c) => c.authorId), ...(plan?.updatedBy ? [plan.updatedBy] : [])]);
      const entry = (key: string, voice: Voice) => {
        const e = entries.find((x) => x.fieldKey === key && x.voice === voice);
        return e ? { text: e.text, authorName: names.get(e.authorId) || 'Someone', updatedAt: e.updatedAt } : null;
      };
      const canSee = visibleTo(s);
      const sections = template.sections
        .map((sec) => ({
          ...sec,
          fields: sec.fields.filter(canSee).map((f) => ({
            ...f,
            adultOnly: f.see.length === 1 && f.see[0] === 'adult',
            voices: voicesOf(f).map((voice) => ({ voice, label: voice === 'student' ? 'In my words' : "Adult's words", entry: entry(f.key, voice), canEdit: may(user, s, editAction[voice]) })),
          })),
        }))
        .filter((sec) => sec.fields.length > 0);
      await audit.record(user, { action: 'read', entity: 'plan', entityId: plan?.id ?? null, studentId: s.student.id });
      return {
        plan: plan ? { ...plan, updatedByName: plan.updatedBy ? names.get(plan.updatedBy) || 'Someone' : null } : null,
        version: plan?.version ?? 0,
        status: (plan?.status ?? 'none') as PlanStatus,
        schoolYear: year(),
        sections,
        comments: comments.map((c) => ({ ...c, authorName: names.get(c.authorId) || 'Someone' })),
        can: { setStatus: may(user, s, 'setStatus'), comment: may(user, s, 'comment'), history: may(user, s, 'viewHistory'), print: may(user, s, 'print') },
      };
    },

    /**
     * Saves one field in one voice. The version is the plan version the editor loaded; if the plan
     * moved on, the save still goes through unless this very field and voice changed meanwhile.
     */
    async saveField(user: AppUser, s: StudentInScope, form: FieldForm): Promise<void> {
      const field = fieldByKey.get(form.field);
      if (!field || !voicesOf(field).includes(form.voice)) throw badRequest('That plan field does not exist.', 'unknown_field');
      authorize(planPolicy, user, editAction[form.voice], { scope: s.scope });
      if (!visibleTo(s)(field)) throw forbidden();
      const at = clock.now();
      // Names are looked up after the transaction: the embedded database has one connection,
      // so a query outside the transaction while it is open would wait for ever.
      let stale: { text: string; authorId: string | null; at: Date; version: number } | undefined;
      await db.transaction(async (tx) => {
        const plan = await repo.ensurePlan(tx, user.tenantId, s.student.id, year());
        const current = await repo.findEntry(tx, user.tenantId, plan.id, field.key, form.voice);
        if (plan.version !== form.version && current && (await repo.changedSince(tx, user.tenantId, plan.id, field.key, form.voice, form.version))) {
          stale = { text: current.text, authorId: current.authorId, at: current.updatedAt, version: plan.version };
          return;
        }
        const oldText = current?.text ?? '';
        if (oldText === form.text) return;
        const bumped = await repo.bumpVersion(tx, plan, plan.version, user.personId, at);
        // Another save committed between our read and this update: a conflict, never an overwrite.
        if (!bumped) {
          stale = { text: oldText, authorId: null, at, version: plan.version };
          return;
        }
        await repo.upsertEntry(tx, { tenantId: user.tenantId, planId: plan.id, fieldKey: field.key, voice: form.voice, text: form.text, authorId: user.personId, at });
        await repo.addRevision(tx, { tenantId: user.tenantId, planId: plan.id, fieldKey: field.key, voice: form.voice, oldText, newText: form.text, authorId: user.personId, planVersion: bumped.version, at });
        await audit.record(user, { action: 'update', entity: 'plan', entityId: plan.id, studentId: s.student.id }, tx);
      });
      if (stale) {
        const name = stale.authorId ? (await roster.namesOf(user.tenantId, [stale.authorId])).get(stale.authorId) : undefined;
        throw new PlanConflict(field, form.voice, { text: stale.text, authorName: name || 'Someone else', at: stale.at }, form.text, stale.version);
      }
    },

    /** Draft -> active (and back) is the advisor's call, guarded by the version like any edit. */
    async setStatus(user: AppUser, s: StudentInScope, status: 'draft' | 'active', version: number): Promise<boolean> {
      authorize(planPolicy, user, 'setStatus', { scope: s.scope });
      return db.transaction(async (tx) => {
        const plan = await repo.ensurePlan(tx, user.tenantId, s.student.id, year());
        const bumped = await repo.bumpVersion(tx, plan, version, user.personId, clock.now(), { status });
        if (!bumped) return false;
        await audit.record(user, { action: 'update', entity: 'plan', entityId: plan.id, studentId: s.student.id }, tx);
        return true;
      });
    },

    async comment(user: AppUser, s: StudentInScope, text: string): Promise<void> {
      authorize(planPolicy, user, 'comment', { scope: s.scope });
      await db.transaction(async (tx) => {
        const plan = await repo.ensurePlan(tx, user.tenantId, s.student.id, year());
        await repo.addComment(tx, { tenantId: user.tenantId, planId: plan.id, authorId: user.personId, authorRole: user.role, text, createdAt: clock.now() });
        await audit.record(user, { action: 'create', entity: 'plan-comment', entityId: plan.id, studentId: s.student.id }, tx);
      });
    },

    /** Every change to the fields this user may see, newest first, with a word-level diff. Audited. */
    async history(user: AppUser, s: StudentInScope) {
      authorize(planPolicy, user, 'viewHistory', { scope: s.scope });
      const plan = await repo.findPlan(db, user.tenantId, s.student.id, year());
      const revisions = plan ? await repo.revisions(db, user.tenantId, plan.id) : [];
      const names = await roster.namesOf(user.tenantId, revisions.map((r) => r.authorId));
      const canSee = visibleTo(s);
      await audit.record(user, { action: 'read', entity: 'plan-history', entityId: plan?.id ?? null, studentId: s.student.id });
      return revisions
        .filter((r) => {
          const f = fieldByKey.get(r.fieldKey);
          return f !== undefined && canSee(f);
        })
        .map((r) => ({ ...r, label: fieldByKey.get(r.fieldKey)!.label, voiceLabel: r.voice === 'student' ? "student's words" : "adult's words", authorName: names.get(r.authorId) || 'Someone', parts: wordDiff(r.oldText, r.newText) }));
    },

    /** Plan status per student for the caseload (contract). */
    async statusFor(tenantId: string, studentIds: string[]): Promise<Map<string, { status: PlanStatus; updatedAt: Date | null; updatedByName: string | null }>> {
      const rows = await repo.plansFor(db, tenantId, studentIds, year());
      const names = await roster.namesOf(tenantId, rows.flatMap((p) => (p.updatedBy ? [p.updatedBy] : [])));
      const out = new Map<string, { status: PlanStatus; updatedAt: Date | null; updatedByName: string | null }>(studentIds.map((id) => [id, { status: 'none', updatedAt: null, updatedByName: null }]));
      for (const p of rows) out.set(p.studentId, { status: p.status as PlanStatus, updatedAt: p.updatedAt, updatedByName: p.updatedBy ? names.get(p.updatedBy) || null : null });
      return out;
    },

    /** Share (0-100) of the template's fields with any words in them: the score AGS publishes. */
    async completionOf(tenantId: string, studentIds: string[]): Promise<Map<string, number>> {
      const rows = await repo.plansFor(db, tenantId, studentIds, year());
      const filled = await repo.filledFields(db, tenantId, rows.map((p) => p.id));
      const byPlan = new Map<string, number>();
      for (const f of filled) if (fieldByKey.has(f.fieldKey)) byPlan.set(f.planId, (byPlan.get(f.planId) ?? 0) + 1);
      const out = new Map(studentIds.map((id) => [id, 0]));
      for (const p of rows) out.set(p.studentId, Math.round(((byPlan.get(p.id) ?? 0) / fields.length) * 100));
      return out;
    },

    /**
     * What the plans share with teachers (fields whose `see` names `teacher`), for students of a
     * subject course the user teaches: the caller (the courses feature) has checked that. Read-only,
     * never adult-only fields. Audited as a read of each student's plan.
     */
    async sharedWithTeachers(user: AppUser, studentIds: string[]): Promise<Map<string, { key: string; label: string; texts: { voice: string; text: string }[] }[]>> {
      const shared = fields.filter((f) => f.see.includes('teacher'));
      const rows = await repo.plansFor(db, user.tenantId, studentIds, year());
      const entries = await repo.entriesOfPlans(db, user.tenantId, rows.map((p) => p.id), shared.map((f) => f.key));
      const out = new Map<string, { key: string; label: string; texts: { voice: string; text: string }[] }[]>();
      for (const p of rows) {
        const mine = entries.filter((e) => e.planId === p.id && e.text.trim() !== '');
        const filled = shared
          .map((f) => ({ key: f.key, label: f.label, texts: voicesOf(f).flatMap((voice) => mine.filter((e) => e.fieldKey === f.key && e.voice === voice).map((e) => ({ voice: voice === 'student' ? 'In their words' : "Adult's words", text: e.text }))) }))
          .filter((f) => f.texts.length > 0);
        out.set(p.studentId, filled);
      }
      await db.transaction(async (tx) => {
        for (const p of rows) await audit.record(user, { action: 'read', entity: 'plan', entityId: p.id, studentId: p.studentId }, tx);
      });
      return out;
    },
  };
}
export type PlansService = ReturnType<typeof createPlansService>;
