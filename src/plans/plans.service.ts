import type { Db, DbOrTx } from '../db/client.js';
import { fieldsReaderOf, type CustomFieldsService, type FieldsOutcome, type PostedFields } from '../custom-fields/custom-fields.service.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import { systemActor, type AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { StudentRecord, StudentRecordGate } from '../navigators/student-record.js';
import { authorize, canMap } from '../policies/policy.js';
import { planAudience, planPolicy, type PlanAction } from '../policies/plan.js';
import { roleHomePolicy } from '../policies/role-home.js';
import { forbidden, badRequest, notFound, message } from '../web/errors.js';
import { t, type Locale } from '../web/i18n.js';
import { InvalidInput, validForm, type ParsedForm } from '../web/forms.js';
import { schoolYearParam, voices, voicesOf, textLimits, type Audience, type CommentInput, type PlanField, type PlanTemplate, type PrintQuery, type SectionSave, type StatusInput, type Voice } from './plans.schemas.js';
import { wordDiff } from './diff.js';
import { defaultSchoolYearStart, schoolYearOfInstant } from '../web/school-year.js';
import { brokenRules, shapeOf, shownValue, type TemplateShape } from './plan-template.js';
import * as repo from './plans.repository.js';

/** Template versions whose shapes a process keeps (a school's in force, and a few it had): bounded, so a district of many schools stays small. */
const MAX_SHAPES = 500;
/** The plan page's section of words in fields the template in force dropped. */
const DROPPED_SECTION = 'earlier-fields';

export type { Plan } from './plans.repository.js';
export type PlanStatus = 'none' | 'draft' | 'active';

/** Words someone else changed since the page was loaded: kept as they are, and shown beside the editor's. */
export interface FieldConflict {
  field: PlanField;
  voice: Voice;
  theirs: { text: string; authorName: string; at: Date };
  yours: string;
  /** The version now saved, so saving again from the conflict page is a deliberate overwrite. */
  version: number;
}

/** What one section save did, field by field. */
export interface SectionSaveOutcome {
  saved: PlanField[];
  unchanged: PlanField[];
  conflicts: FieldConflict[];
}

export interface PlansDeps {
  /** The school's own fields on the student, shown with their plan (src/custom-fields, issue 14 item 2); absent: none. */
  fields?: CustomFieldsService;
  db: Db;
  clock: Clock;
  audit: AuditService;
  roster: RosterService;
  studentRecords: StudentRecordGate;
  /** The shipped template document (plan-template.ts documentOf): in force where a school has published none. */
  shipped: PlanTemplate;
  /** The school's template in force (the configuration feature's `plan-template` document; version 0 is the shipped one). */
  templateOf: (tenantId: string) => Promise<{ version: number; body: PlanTemplate }>;
  /** The school's earlier templates, newest first: how words in a field a later template dropped are still shown. */
  earlierTemplatesOf: (tenantId: string) => Promise<{ version: number; body: PlanTemplate }[]>;
  /** Told after a change that may move the student's completion (the gradebook score); must not throw. */
  onPlanChanged?: (tenantId: string, studentId: string) => Promise<void>;
  /** Alerts (src/alerts) read what the student writes (their voice of the plan, comments) in the same transaction. */
  onStudentText?: (tx: DbOrTx, user: AppUser, studentId: string, source: { kind: 'plan' | 'plan_comment'; id: string }, texts: readonly string[]) => Promise<void>;
  /** The school's IANA zone: the school year turns over on its first day there. */
  timeZoneOf: (tenantId: string) => Promise<string>;
  /** The school year's first day (MM-DD), the one every feature counts the year from (platforms service). */
  schoolYearStartOf: (tenantId: string) => Promise<string>;
}

/**
 * The school year (2025-2026) a plan belongs to, counted in the school's days from its first day
 * (1 August unless the school says): 23:00 on 31 July in Los Angeles is still the old year though UTC
 * is in August. The same year imports and indicators count (src/web/school-year.ts).
 */
export function schoolYearOf(instant: Date, timeZone: string, start: string = defaultSchoolYearStart): string {
  return schoolYearOfInstant(instant, timeZone, start).label;
}

/** A school year's first calendar year, to order years by ("2025-2026" and "2025" are both 2025). */
const firstYearOf = (label: string) => Number(label.slice(0, 4));

const editAction: Record<Voice, PlanAction> = { student: 'editStudentVoice', adult: 'editAdultVoice' };
/** What the plan page offers besides editing, each as the policy decides. */
const pageActions = ['setStatus', 'comment', 'viewHistory', 'print'] as const satisfies readonly PlanAction[];

/** Success plans built from the tenant's template: co-written, versioned, every change kept. */
export function createPlansService(deps: PlansDeps) {
  const { db, clock, audit, roster, studentRecords } = deps;
  const shippedShape = shapeOf(0, deps.shipped);
  // One shape a template version: a school's pages reuse it until it publishes another.
  const shapes = new Map<string, TemplateShape>();
  /** The school's template in force, ready to use. Read before a transaction: it may query (the embedded database's one connection). */
  async function shapeFor(tenantId: string): Promise<TemplateShape> {
    const { version, body } = await deps.templateOf(tenantId);
    if (version === 0) return shippedShape;
    const key = `${tenantId}|${version}`;
    let shape = shapes.get(key);
    if (!shape) {
      if (shapes.size >= MAX_SHAPES) shapes.clear();
      shapes.set(key, (shape = shapeOf(version, body)));
    }
    return shape;
  }
  const someone = (locale: Locale | undefined) => t('common.someone', {}, locale);
  const year = async (tenantId: string) => {
    const [zone, start] = await Promise.all([deps.timeZoneOf(tenantId), deps.schoolYearStartOf(tenantId)]);
    return schoolYearOf(clock.now(), zone, start);
  };
  /** The student's plans of the years before `schoolYear`, the latest first. */
  const earlierOf = (all: readonly repo.Plan[], schoolYear: string): repo.Plan[] =>
    all.filter((p) => firstYearOf(p.schoolYear) < firstYearOf(schoolYear)).sort((a, b) => firstYearOf(b.schoolYear) - firstYearOf(a.schoolYear));
  async function earlierPlans(dbx: DbOrTx, tenantId: string, studentId: string, schoolYear: string): Promise<repo.Plan[]> {
    return earlierOf(await repo.plansOfStudent(dbx, tenantId, studentId), schoolYear);
  }

  /**
   * The year's plan, created on its first touch (a save, a status change, a comment, or opening the
   * page when an earlier year's plan exists). The one call that creates it rolls the student forward:
   * the words of the fields the template marks `carry` (about the student, still true) are copied from
   * the latest earlier plan as this year's starting words, by their original authors and dated as
   * they were, each with a revision saying which year they came from. Needs, supports, notes and the
   * handover section are not copied (the handover is shown from last year instead, see `handedOver`).
   * A concurrent first touch meets the unique index and copies nothing. Gives how many words it carried.
   */
  async function ensurePlan(tx: DbOrTx, shape: TemplateShape, tenantId: string, studentId: string, schoolYear: string): Promise<{ plan: repo.Plan; carried: number }> {
    const created = await repo.insertPlan(tx, tenantId, studentId, schoolYear);
    if (!created) return { plan: (await repo.findPlan(tx, tenantId, studentId, schoolYear))!, carried: 0 };
    const [last] = await earlierPlans(tx, tenantId, studentId, schoolYear);
    if (!last) return { plan: created, carried: 0 };
    const carried = (await repo.entries(tx, tenantId, last.id)).filter((e) => shape.fieldByKey.get(e.fieldKey)?.carry === true && e.text.trim() !== '');
    if (carried.length === 0) return { plan: created, carried: 0 };
    const at = clock.now();
    const from = last.schoolYear;
    await repo.insertEntries(tx, carried.map((e) => ({ tenantId, planId: created.id, fieldKey: e.fieldKey, voice: e.voice, text: e.text, authorId: e.authorId, updatedAt: e.updatedAt, carriedFrom: from })));
    await repo.addRevisions(tx, carried.map((e) => ({ tenantId, planId: created.id, fieldKey: e.fieldKey, voice: e.voice, oldText: '', newText: e.text, authorId: e.authorId, planVersion: 0, at, carriedFrom: from })));
    // The tool did this, not whoever happened to open the page first.
    await audit.record(systemActor(tenantId), { action: 'create', entity: 'plan', entityId: created.id, studentId }, tx);
    return { plan: created, carried: carried.length };
  }

  /** Opens this year's plan on the page when it has none yet (the caller knows an earlier year has one to roll forward). */
  async function rolledOnOpen(shape: TemplateShape, tenantId: string, studentId: string, schoolYear: string): Promise<repo.Plan> {
    const { plan, carried } = await db.transaction((tx) => ensurePlan(tx, shape, tenantId, studentId, schoolYear));
    if (carried > 0) await deps.onPlanChanged?.(tenantId, studentId);
    return plan;
  }

  /**
   * Last year's words of the template's handover sections (the transition to next grade), shown
   * read-only at the top of this year's plan to whoever may see each field: the navigator (by default
   * the same adult) and the student read what the adults wrote for next year; family only what the
   * template shows family. Null when there is nothing for this reader.
   */
  async function handedOver(user: AppUser, shape: TemplateShape, s: StudentRecord, last: repo.Plan | undefined) {
    if (!last) return null;
    const canSee = visibleTo(s);
    const entries = (await repo.entries(db, user.tenantId, last.id)).filter((e) => e.text.trim() !== '');
    const who = await roster.namesOf(user.tenantId, entries.map((e) => e.authorId));
    const sections = shape
      .in(user.locale)
      .sections.filter((sec) => sec.handover === true)
      .map((sec) => ({
        key: sec.key,
        title: sec.title,
        fields: sec.fields
          .filter(canSee)
          .map((f) => ({
            key: f.key,
            label: f.label,
            voices: voicesOf(f).flatMap((voice) => entries.filter((e) => e.fieldKey === f.key && e.voice === voice).map((e) => ({ voice, text: shownValue(f, e.text, user.locale), authorName: who.get(e.authorId) || someone(user.locale), updatedAt: e.updatedAt }))),
          }))
          .filter((f) => f.voices.length > 0),
      }))
      .filter((sec) => sec.fields.length > 0);
    return sections.length > 0 ? { schoolYear: last.schoolYear, sections } : null;
  }

  /** Each key's field in the person's language: as the template in force has it, else as the latest earlier template that had it (none: left out). */
  async function fieldsNamed(user: AppUser, shape: TemplateShape, keys: readonly string[]): Promise<Map<string, PlanField>> {
    const out = new Map<string, PlanField>();
    const missing = [...new Set(keys)].filter((k) => {
      const f = shape.fieldIn(user.locale, k);
      if (f) out.set(k, f);
      return !f;
    });
    if (missing.length === 0) return out;
    const earlier = (await deps.earlierTemplatesOf(user.tenantId)).map((v) => shapeOf(v.version, v.body));
    for (const k of missing) {
      const f = earlier.find((e) => e.fieldByKey.has(k))?.fieldIn(user.locale, k);
      if (f) out.set(k, f);
    }
    return out;
  }

  /**
   * Words in fields the template in force no longer has (a field dropped, or a rollback to a template
   * before it was added): shown read-only in a section of their own, each field as the latest earlier
   * template that had it says (its label, type and readers), so nothing written is ever hidden by a
   * template change and nobody reads more than that template let them.
   */
  async function droppedSection<V>(user: AppUser, shape: TemplateShape, entries: readonly repo.PlanEntry[], canSee: (f: PlanField) => boolean, viewOf: (f: PlanField) => V) {
    const dropped = entries.filter((e) => !shape.fieldByKey.has(e.fieldKey) && e.text.trim() !== '').map((e) => e.fieldKey);
    if (dropped.length === 0) return [];
    const fields = [...(await fieldsNamed(user, shape, dropped)).values()].filter(canSee).map(viewOf);
    return [{ key: DROPPED_SECTION, title: t('plans.dropped.title', {}, user.locale), intro: t('plans.dropped.intro', {}, user.locale), editVoice: null, fields }];
  }

  /** Who a page is for: the person's own audience, or the family's when they print a family copy. */
  const audienceOf = (s: StudentRecord, familyCopy: boolean): Audience | null => (familyCopy ? 'family' : planAudience(s.relationship));
  const visibleTo = (s: StudentRecord, familyCopy = false) => {
    const audience = audienceOf(s, familyCopy);
    return (f: PlanField) => audience !== null && f.see.includes(audience);
  };

  /**
   * The plan page's content for this user, once the gate has let them in: only the fields they may
   * see, each voice apart, and per section the one voice they write (the policy gives nobody both).
   * A family copy (print) shows only what the family sees. This year's page rolls last year's plan
   * forward on its first opening and shows last year's handover; an earlier year's (`past`) is
   * read-only: nothing to write, no actions. Audited.
   */
  async function page(user: AppUser, s: StudentRecord, opts: { familyCopy?: boolean; past?: repo.Plan } = {}) {
    const familyCopy = opts.familyCopy ?? false;
    const shape = await shapeFor(user.tenantId);
    const current = await year(user.tenantId);
    const schoolYear = opts.past?.schoolYear ?? current;
    // One read of the student's plans: this year's, and the earlier ones it rolls forward from and lists.
    const all = await repo.plansOfStudent(db, user.tenantId, s.student.id);
    const earlier = earlierOf(all, schoolYear);
    const plan = opts.past ?? all.find((p) => p.schoolYear === schoolYear) ?? (earlier.length > 0 ? await rolledOnOpen(shape, user.tenantId, s.student.id, schoolYear) : undefined);
    const entries = plan ? await repo.entries(db, user.tenantId, plan.id) : [];
    const comments = plan ? await repo.comments(db, user.tenantId, plan.id) : [];
    const names = await roster.namesOf(user.tenantId, [...entries.map((e) => e.authorId), ...comments.map((c) => c.authorId), ...(plan?.updatedBy ? [plan.updatedBy] : [])]);
    const entry = (f: PlanField, voice: Voice) => {
      const e = entries.find((x) => x.fieldKey === f.key && x.voice === voice);
      return e ? { text: e.text, shown: shownValue(f, e.text, user.locale), authorName: names.get(e.authorId) || someone(user.locale), updatedAt: e.updatedAt, version: e.version, carriedFrom: e.carriedFrom } : null;
    };
    const canSee = visibleTo(s, familyCopy);
    const mayWrite = canMap(planPolicy, user, Object.values(editAction), { scope: s.scope });
    const writes = opts.past ? [] : voices.filter((voice) => mayWrite[editAction[voice]]);
    const viewOf = (f: PlanField, writable: readonly Voice[]) => ({
      ...f,
      limit: textLimits[f.type],
      adultOnly: f.see.length === 1 && f.see[0] === 'adult',
      hiddenFromFamily: !f.see.includes('family'),
      voices: voicesOf(f).map((voice) => ({ voice, entry: entry(f, voice), canEdit: writable.includes(voice) })),
    });
    const written = [
      ...shape
        .in(user.locale)
        .sections.map((sec) => {
          const fields = sec.fields.filter(canSee);
          return {
            ...sec,
            editVoice: writes.find((voice) => fields.some((f) => voicesOf(f).includes(voice))) ?? null,
            fields: fields.map((f) => viewOf(f, writes)),
          };
        }),
      ...(await droppedSection(user, shape, entries, canSee, (f) => viewOf(f, []))),
    ].filter((sec) => sec.fields.length > 0);
    const sections = written;
    await audit.record(user, { action: 'read', entity: 'plan', entityId: plan?.id ?? null, studentId: s.student.id });
    return {
      /** Whose record it is and how the user stands to it (the page's title, tabs and wording). */
      record: s,
      plan: plan ? { ...plan, updatedByName: plan.updatedBy ? names.get(plan.updatedBy) || someone(user.locale) : null } : null,
      version: plan?.version ?? 0,
      /** Whose eyes the page is for: staff ('adult') pages mark the staff-only parts. */
      audience: audienceOf(s, familyCopy),
      /** A staff member's print of what the family sees. */
      familyCopy,
      status: (plan?.status ?? 'none') as PlanStatus,
      schoolYear,
      /** An earlier year's plan, kept and read-only. */
      past: opts.past !== undefined,
      /** The student's earlier years with a plan, the latest first (each readable at its own page). */
      earlierYears: earlier.map((p) => p.schoolYear),
      /** Last year's transition words for this reader (this year's page only). */
      handedOver: opts.past ? null : await handedOver(user, shape, s, earlier[0]),
      sections,
      comments: comments.map((c) => ({ ...c, authorName: names.get(c.authorId) || someone(user.locale) })),
      can: opts.past ? Object.fromEntries(pageActions.map((a) => [a, false])) : canMap(planPolicy, user, pageActions, { scope: s.scope }),
    };
  }

  return {
    /** The shipped template in English (the sandbox's sample plans are written in it). */
    template: deps.shipped,
    /** The school's template in force, ready to use (routes parse a section's post and label its errors with it). */
    shapeFor,

    /** The plan page (see `page`). */
    async view(user: AppUser, studentId: string, fieldsOutcome?: FieldsOutcome) {
      const s = await studentRecords.open(user, studentId, planPolicy, 'view');
      const reader = fieldsReaderOf(s.relationship, planPolicy(user, 'edit', { scope: s.scope }));
      const studentFields = deps.fields && reader ? await deps.fields.form(user, { object: 'student', studentId: s.student.id, recordId: s.student.id }, reader, fieldsOutcome) : null;
      return { ...(await page(user, s)), studentFields };
    },

    /** The history of the school's own fields on the student, as whoever may see the plan reads them (the form's who-reads). */
    async studentFieldsHistory(user: AppUser, studentId: string) {
      const s = await studentRecords.open(user, studentId, planPolicy, 'view');
      const reader = fieldsReaderOf(s.relationship, false);
      if (!deps.fields || !reader) throw notFound();
      return { record: s, changes: await deps.fields.history(user, { object: 'student', studentId: s.student.id, recordId: s.student.id }, reader) };
    },

    /** Saves the school's own fields on the student (beside their plan): by those who may edit the plan, each field by who writes it. */
    async saveStudentFields(user: AppUser, studentId: string, typed: PostedFields): Promise<FieldsOutcome | null> {
      const s = await studentRecords.open(user, studentId, planPolicy, 'edit');
      const reader = fieldsReaderOf(s.relationship, true);
      if (!deps.fields || !reader) throw notFound();
      return deps.fields.save(user, { object: 'student', studentId: s.student.id, recordId: s.student.id }, reader, typed);
    },

    /**
     * An earlier school year's plan, read-only, for whoever may read the plan (the same fields they
     * see this year). A malformed year is refused (400); a year with no plan, or not before this one, is not found. Audited.
     */
    async viewYear(user: AppUser, studentId: string, schoolYear: string) {
      const s = await studentRecords.open(user, studentId, planPolicy, 'view');
      if (!schoolYearParam.safeParse(schoolYear).success) throw badRequest(message('plans.errors.badSchoolYear'), 'bad_school_year');
      const past = (await earlierPlans(db, user.tenantId, s.student.id, await year(user.tenantId))).find((p) => p.schoolYear === schoolYear);
      if (!past) throw notFound(message('plans.errors.noSuchYear', { year: schoolYear }));
      return page(user, s, { past });
    },

    /** The printable plan: the user's own page, or the family's copy (`copy=family`). */
    async print(user: AppUser, studentId: string, query: ParsedForm<PrintQuery>) {
      const s = await studentRecords.open(user, studentId, planPolicy, 'print');
      if (!query.success) throw badRequest(message('plans.errors.badPrintCopy'), 'bad_print_copy');
      return page(user, s, { familyCopy: query.data.copy === 'family' });
    },

    /** Whose plan /my-plan shows: the student's own (their home page; other roles have their own homes). */
    mine(user: AppUser): string {
      authorize(roleHomePolicy, user, 'view', { tenantId: user.tenantId, page: 'my-plan' });
      return user.personId;
    },

    /**
     * Saves one section's fields in one voice: the only way words reach a plan. Each field carries
     * the version of its words the editor loaded; a field whose words someone changed since is
     * left as it is and comes back as a conflict, while the section's other fields are saved.
     * Unchanged fields write nothing. Saves to one plan take turns (the plan row is locked), so
     * concurrent saves of different fields all land.
     */
    async saveSection(user: AppUser, studentId: string, parsed: ParsedForm<SectionSave>): Promise<SectionSaveOutcome> {
      const s = await studentRecords.open(user, studentId, planPolicy, 'edit');
      const form = validForm(parsed, user.locale);
      authorize(planPolicy, user, editAction[form.voice], { scope: s.scope });
      const shape = await shapeFor(user.tenantId);
      const posted = form.fields.map((f) => {
        const field = shape.fieldByKey.get(f.key);
        if (!field || !voicesOf(field).includes(form.voice)) throw badRequest(message('plans.errors.unknownField'), 'unknown_field');
        if (!visibleTo(s)(field)) throw forbidden().denying({ subject: 'plan', attempt: editAction[form.voice], studentId: s.student.id });
        return { ...f, field };
      });
      const at = clock.now();
      const schoolYear = await year(user.tenantId);
      // Names (and the year, above) are looked up outside the transaction: the embedded database has one
      // connection, so a query outside the transaction while it is open would wait for ever.
      const result = await db.transaction(async (tx) => {
        const { carried } = await ensurePlan(tx, shape, user.tenantId, s.student.id, schoolYear);
        const plan = await repo.lockPlan(tx, user.tenantId, s.student.id, schoolYear);
        const current = new Map((await repo.entries(tx, user.tenantId, plan.id)).filter((e) => e.voice === form.voice).map((e) => [e.fieldKey, e]));
        // The school's validation rules, over what the plan will hold: one broken refuses the save whole (the plan's first touch too).
        const broken = brokenRules(shape.in(user.locale), form.voice, new Map([...current].map(([k, e]) => [k, e.text])), new Map(posted.map((p) => [p.key, p.text])));
        if (broken.size > 0) throw new InvalidInput(Object.fromEntries([...broken].map(([key, text]) => [`text.${key}`, text])));
        const changed: typeof posted = [];
        const unchanged: PlanField[] = [];
        const stale: { field: PlanField; yours: string; theirs: repo.PlanEntry }[] = [];
        for (const p of posted) {
          const now = current.get(p.key);
          if ((now?.text ?? '') === p.text) unchanged.push(p.field);
          else if (now && now.version !== p.version) stale.push({ field: p.field, yours: p.text, theirs: now });
          else changed.push(p);
        }
        if (changed.length > 0) {
          // The plan row is locked, so the version cannot have moved: this only counts the change.
          const bumped = (await repo.bumpVersion(tx, plan, plan.version, user.personId, at))!;
          for (const c of changed) {
            await repo.upsertEntry(tx, { tenantId: user.tenantId, planId: plan.id, fieldKey: c.key, voice: form.voice, text: c.text, authorId: user.personId, at });
          }
          await repo.addRevisions(tx, changed.map((c) => ({ tenantId: user.tenantId, planId: plan.id, fieldKey: c.key, voice: form.voice, oldText: current.get(c.key)?.text ?? '', newText: c.text, authorId: user.personId, planVersion: bumped.version, at })));
          await audit.record(user, { action: 'update', entity: 'plan', entityId: plan.id, studentId: s.student.id }, tx);
          if (form.voice === 'student') await deps.onStudentText?.(tx, user, s.student.id, { kind: 'plan', id: plan.id }, changed.map((c) => c.text));
        }
        return { saved: changed.map((c) => c.field), unchanged, stale, carried };
      });
      if (result.saved.length > 0 || result.carried > 0) await deps.onPlanChanged?.(user.tenantId, s.student.id);
      const names = await roster.namesOf(user.tenantId, result.stale.map((c) => c.theirs.authorId));
      return {
        saved: result.saved,
        unchanged: result.unchanged,
        conflicts: result.stale.map((c) => ({
          field: c.field,
          voice: form.voice,
          theirs: { text: c.theirs.text, authorName: names.get(c.theirs.authorId) || t('common.someoneElse', {}, user.locale), at: c.theirs.updatedAt },
          yours: c.yours,
          version: c.theirs.version,
        })),
      };
    },

    /** Draft -> active (and back) is the advisor's call, guarded by the version like any edit. */
    async setStatus(user: AppUser, studentId: string, parsed: ParsedForm<StatusInput>): Promise<boolean> {
      const s = await studentRecords.open(user, studentId, planPolicy, 'setStatus');
      const { status, version } = validForm(parsed, user.locale);
      // The year before the transaction: a query beside an open one waits for ever on the embedded database.
      const schoolYear = await year(user.tenantId);
      const shape = await shapeFor(user.tenantId);
      const { changed, carried } = await db.transaction(async (tx) => {
        const { plan, carried } = await ensurePlan(tx, shape, user.tenantId, s.student.id, schoolYear);
        const bumped = await repo.bumpVersion(tx, plan, version, user.personId, clock.now(), { status });
        if (bumped) await audit.record(user, { action: 'update', entity: 'plan', entityId: plan.id, studentId: s.student.id }, tx);
        return { changed: bumped !== undefined, carried };
      });
      if (changed || carried > 0) await deps.onPlanChanged?.(user.tenantId, s.student.id);
      return changed;
    },

    async comment(user: AppUser, studentId: string, parsed: ParsedForm<CommentInput>): Promise<void> {
      const s = await studentRecords.open(user, studentId, planPolicy, 'comment');
      const { text } = validForm(parsed, user.locale);
      // The year before the transaction: a query beside an open one waits for ever on the embedded database.
      const schoolYear = await year(user.tenantId);
      const shape = await shapeFor(user.tenantId);
      const carried = await db.transaction(async (tx) => {
        const { plan, carried } = await ensurePlan(tx, shape, user.tenantId, s.student.id, schoolYear);
        await repo.addComment(tx, { tenantId: user.tenantId, planId: plan.id, authorId: user.personId, authorRole: user.role, text, createdAt: clock.now() });
        await audit.record(user, { action: 'create', entity: 'plan-comment', entityId: plan.id, studentId: s.student.id }, tx);
        await deps.onStudentText?.(tx, user, s.student.id, { kind: 'plan_comment', id: plan.id }, [text]);
        return carried;
      });
      if (carried > 0) await deps.onPlanChanged?.(user.tenantId, s.student.id);
    },

    /** Every change to the fields this user may see, newest first, with a word-level diff. Audited. */
    async history(user: AppUser, studentId: string) {
      const s = await studentRecords.open(user, studentId, planPolicy, 'viewHistory');
      const plan = await repo.findPlan(db, user.tenantId, s.student.id, await year(user.tenantId));
      const revisions = plan ? await repo.revisions(db, user.tenantId, plan.id) : [];
      const names = await roster.namesOf(user.tenantId, revisions.map((r) => r.authorId));
      const canSee = visibleTo(s);
      const locale = user.locale;
      const fieldOf = await fieldsNamed(user, await shapeFor(user.tenantId), revisions.map((r) => r.fieldKey));
      await audit.record(user, { action: 'read', entity: 'plan-history', entityId: plan?.id ?? null, studentId: s.student.id });
      return {
        record: s,
        revisions: revisions.flatMap((r) => {
          const f = fieldOf.get(r.fieldKey);
          if (!f || !canSee(f)) return [];
          // A chosen value's change reads as its labels' change (a picklist's "Yes" to "No", not its codes).
          const parts = wordDiff(shownValue(f, r.oldText, locale), shownValue(f, r.newText, locale));
          return [{ ...r, label: f.label, voiceLabel: t(`plans.words.${r.voice}`, {}, locale), authorName: names.get(r.authorId) || someone(locale), parts }];
        }),
      };
    },

    /** The family home: each student the family member follows, with their plan's status. An audited read. */
    async familyHome(user: AppUser) {
      authorize(roleHomePolicy, user, 'view', { tenantId: user.tenantId, page: 'family' });
      const names = await roster.namesOf(user.tenantId, user.menteeIds);
      const statuses = await this.statusFor(user.tenantId, user.menteeIds);
      await audit.record(user, { action: 'read', entity: 'plan_status', studentIds: user.menteeIds });
      return user.menteeIds.map((id) => ({ id, name: names.get(id) || null, status: statuses.get(id)?.status ?? 'none' }));
    },

    /** Plan status per student for the caseload (contract). */
    async statusFor(tenantId: string, studentIds: string[]): Promise<Map<string, { status: PlanStatus; updatedAt: Date | null; updatedByName: string | null }>> {
      const rows = await repo.plansFor(db, tenantId, studentIds, await year(tenantId));
      const names = await roster.namesOf(tenantId, rows.flatMap((p) => (p.updatedBy ? [p.updatedBy] : [])));
      const out = new Map<string, { status: PlanStatus; updatedAt: Date | null; updatedByName: string | null }>(studentIds.map((id) => [id, { status: 'none', updatedAt: null, updatedByName: null }]));
      for (const p of rows) out.set(p.studentId, { status: p.status as PlanStatus, updatedAt: p.updatedAt, updatedByName: p.updatedBy ? names.get(p.updatedBy) || null : null });
      return out;
    },

    /** Plan status per student for the school view (which gates and audits its own reads): no plan is absent; two columns read, no names. */
    async statusesOf(tenantId: string, studentIds: readonly string[]): Promise<Map<string, { status: PlanStatus }>> {
      const rows = await repo.statusesOf(db, tenantId, studentIds, await year(tenantId));
      return new Map(rows.map((p) => [p.studentId, { status: p.status as PlanStatus }]));
    },

    /** Share (0-100) of the template's fields with any words in them: the score AGS publishes. */
    async completionOf(tenantId: string, studentIds: string[]): Promise<Map<string, number>> {
      const rows = await repo.plansFor(db, tenantId, studentIds, await year(tenantId));
      const filled = await repo.filledFields(db, tenantId, rows.map((p) => p.id));
      const { fieldByKey, fields } = await shapeFor(tenantId);
      const byPlan = new Map<string, number>();
      for (const f of filled) if (fieldByKey.has(f.fieldKey)) byPlan.set(f.planId, (byPlan.get(f.planId) ?? 0) + 1);
      const out = new Map(studentIds.map((id) => [id, 0]));
      for (const p of rows) out.set(p.studentId, Math.round(((byPlan.get(p.id) ?? 0) / fields.length) * 100));
      return out;
    },

    /**
     * What the plans share with teachers (fields whose `see` names `teacher`), for students of a
     * subject course the user teaches: the caller (the courses feature) has checked that. Read-only,
     * never adult-only fields. Audited as one read naming every student asked about.
     */
    async sharedWithTeachers(user: AppUser, studentIds: string[]): Promise<Map<string, { key: string; label: string; texts: { voice: string; text: string }[] }[]>> {
      const shape = await shapeFor(user.tenantId);
      const shared = shape.in(user.locale).sections.flatMap((s) => s.fields).filter((f) => f.see.includes('teacher'));
      const rows = await repo.plansFor(db, user.tenantId, studentIds, await year(user.tenantId));
      const entries = await repo.entriesOfPlans(db, user.tenantId, rows.map((p) => p.id), shared.map((f) => f.key));
      const out = new Map<string, { key: string; label: string; texts: { voice: string; text: string }[] }[]>();
      for (const p of rows) {
        const mine = entries.filter((e) => e.planId === p.id && e.text.trim() !== '');
        const filled = shared
          .map((f) => ({ key: f.key, label: f.label, texts: voicesOf(f).flatMap((voice) => mine.filter((e) => e.fieldKey === f.key && e.voice === voice).map((e) => ({ voice: t(`plans.shared.${voice}`, {}, user.locale), text: shownValue(f, e.text, user.locale) }))) }))
          .filter((f) => f.texts.length > 0);
        out.set(p.studentId, filled);
      }
      // One event naming every student the list shows, with a plan or not: the list named them all.
      await audit.record(user, { action: 'read', entity: 'plan', studentIds });
      return out;
    },
  };
}
export type PlansService = ReturnType<typeof createPlansService>;
