import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import { systemActor, type AuditActor, type AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { StudentRecord, StudentRecordGate } from '../navigators/student-record.js';
import { authorize, canMap } from '../policies/policy.js';
import { goalPolicy, type GoalAction, type GoalStatus } from '../policies/goal.js';
import { indicatorPolicy, type IndicatorAction } from '../policies/indicator.js';
import { message, notFound } from '../web/errors.js';
import { t, type Locale } from '../web/i18n.js';
import { isUuid } from '../web/ids.js';
import { allOrInvalid, fieldErrors, InvalidInput, validForm, type ParsedForm } from '../web/forms.js';
import { z } from 'zod';
import { categoryChoicesIn, categoryLabelIn, goalForm, shippedGoalCategories, liveGoal, type GoalCategoryList, ownerLabel, statusLabel, type GoalEdit, type GoalInput, type ProgressInput, type StatusInput, type StepInput, type SuggestInput, type VersionInput } from './goals.schemas.js';
import * as repo from './goals.repository.js';
import { fieldsReaderOf, type CustomFieldsService, type FieldsOutcome, type PostedFields } from '../custom-fields/custom-fields.service.js';
import { indicatorProgress, withIndicatorMeasure, type IndicatorValues } from './indicator-measure.js';

export type { Goal, GoalStep, GoalProgress } from './goals.repository.js';

/** A save made on a stale version: the route shows the saved goal beside what the person typed. */
export class GoalConflict extends Error {
  constructor(readonly current: repo.Goal) {
    super('goal changed since it was loaded');
  }
}

/** A goal would go live (active) without all its SMART parts: `missing` maps each missing field to its message (a key of config/locales). */
export class GoalIncomplete extends Error {
  constructor(readonly missing: Record<string, string>) {
    super('goal is missing SMART parts');
  }
}

export interface GoalsDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  roster: RosterService;
  studentRecords: StudentRecordGate;
  /**
   * The indicators feature, for goals measured by an indicator (issue 10): a student's current values
   * (null before any data) and what the school lets families see. Injected: goals work without it.
   */
  indicators?: {
    /** The student's current values; an empty object before any data. */
    valuesOf: (tenantId: string, studentId: string) => Promise<IndicatorValues>;
    familyViewOf: (tenantId: string) => Promise<string>;
  };
  /** The school's goal categories in force (the `goal-categories` configuration document); absent: the shipped ones. */
  categoriesOf?: (tenantId: string) => Promise<GoalCategoryList>;
  /** The school's own fields on goals (src/custom-fields, issue 14 item 2); absent: none. */
  fields?: CustomFieldsService;
  /** Alerts (src/alerts) read what the student writes (goal text, steps, progress notes) in the same transaction. */
  onStudentText?: (tx: DbOrTx, user: AppUser, studentId: string, source: { kind: 'goal' | 'goal_progress'; id: string }, texts: readonly string[]) => Promise<void>;
}

/** The words of a posted goal form (its text fields), for the alerts' crisis list. */
const textsOf = (input: object): string[] => Object.values(input).filter((v): v is string => typeof v === 'string');

const goalUrl = (g: { studentId: string; id: string }) => `/students/${g.studentId}/goals/${g.id}`;
const noPendingSuggestion = { suggestion: null, suggestionBy: null, suggestionAt: null } as const;
/** What the goal page offers, each as the policy decides for the goal as it stands. */
const goalPageActions = ['edit', 'approve', 'suggest', 'setStatus', 'addProgress', 'editSteps'] as const satisfies readonly GoalAction[];
/** Adding a goal: the student proposes their own, an advisor creates one. */
const addAction = (s: StudentRecord): GoalAction => (s.relationship === 'self' ? 'propose' : 'create');

/** A goal at its target day as events tell of it. */
export interface DueGoal {
  goalId: string;
  studentId: string;
  category: string;
  targetDate: string;
}

/** SMART goals with action steps and progress updates; students propose, advisors approve or suggest. */
export function createGoalsService(deps: GoalsDeps) {
  const { db, clock, audit, roster, studentRecords } = deps;

  const nameOf = async (user: AppUser, ids: (string | null)[]) => {
    const unique = [...new Set(ids.filter((x): x is string => Boolean(x)))];
    const names = await roster.namesOf(user.tenantId, unique);
    return new Map(unique.map((id) => [id, names.get(id) || t('common.someone', {}, user.locale)]));
  };

  const may = (user: AppUser, s: StudentRecord, action: GoalAction, g: repo.Goal) => goalPolicy(user, action, { scope: s.scope, goal: { status: g.status as GoalStatus } });

  const categoriesOf = (tenantId: string) => deps.categoriesOf?.(tenantId) ?? Promise.resolve(shippedGoalCategories());
  /** A posted category the school does not offer is refused (a goal keeps the one it was filed under: `kept`). */
  const refuseUnoffered = async (user: AppUser, category: string, kept?: string) => {
    const list = await categoriesOf(user.tenantId);
    if (category !== kept && !list.values.some((v) => v.offered && v.value === category)) throw new InvalidInput({ category: t('goals.errors.category', {}, user.locale) });
  };

  const summary = (g: repo.Goal, locale: Locale | undefined, categories: GoalCategoryList) => ({
    ...g,
    categoryLabel: categoryLabelIn(categories, g.category, locale),
    statusLabel: g.proposed && g.status === 'draft' ? t('goals.statuses.proposed', {}, locale) : statusLabel(g.status as GoalStatus, locale),
    url: goalUrl(g),
  });
  /**
   * The indicator values behind these goals' progress, as this reader may see the student's indicators
   * (src/policies/indicator.ts: the adults, the student their own, the family as the school chose; a
   * subject teacher none). Read only when a goal is measured by an indicator, and audited as a read of them.
   */
  const valuesFor = async (user: AppUser, s: StudentRecord, goals: repo.Goal[]): Promise<IndicatorValues | null> => {
    const source = deps.indicators;
    if (!source || !goals.some((g) => g.measureIndicator)) return null;
    const action: IndicatorAction = s.relationship === 'self' ? 'viewOwn' : user.role === 'family' ? 'viewFamily' : 'view';
    if (!indicatorPolicy(user, action, { scope: s.scope })) return null;
    if (action === 'viewFamily' && (await source.familyViewOf(user.tenantId)) === 'none') return null;
    const values = await source.valuesOf(user.tenantId, s.student.id);
    await audit.record(user, { action: 'read', entity: 'indicator', studentId: s.student.id });
    return values;
  };
  /** The goal's own fields as this reader reads them (and writes them where they may change the goal). */
  const fieldsOf = (user: AppUser, s: StudentRecord, g: repo.Goal, outcome?: FieldsOutcome) => {
    const reader = fieldsReaderOf(s.relationship, may(user, s, 'edit', g));
    return deps.fields && reader ? deps.fields.form(user, { object: 'goal', studentId: s.student.id, recordId: g.id }, reader, outcome) : null;
  };
  const withOwnerLabels = (steps: repo.GoalStep[], locale: Locale | undefined) => steps.map((st) => ({ ...st, ownerLabel: ownerLabel(st.owner, locale) }));

  /**
   * The gate for one goal's page and actions: the student's record first (404 for a stranger, 403
   * when the action is not theirs at all), then a goal id that can exist. The goal itself is loaded
   * (`load`) once the form has been judged, as it always was.
   */
  async function openGoal(user: AppUser, studentId: string, goalId: string, action: GoalAction): Promise<StudentRecord> {
    const s = await studentRecords.open(user, studentId, goalPolicy, action);
    if (!isUuid(goalId)) throw notFound(message('goals.errors.noSuchGoal'));
    return s;
  }

  /** The goal, once the policy allows `action` on it as it stands (a closed goal is not edited). */
  async function load(user: AppUser, s: StudentRecord, goalId: string, action: GoalAction): Promise<repo.Goal> {
    const g = await repo.findGoal(db, user.tenantId, s.student.id, goalId);
    if (!g) throw notFound(message('goals.errors.noSuchGoal'));
    authorize(goalPolicy, user, action, { scope: s.scope, goal: { status: g.status as GoalStatus } });
    return g;
  }

  /**
   * Every goal write: compare-and-set on the version, audited in the same transaction. A write that
   * makes or keeps the goal active needs every SMART part; one that clears the pending suggestion
   * answers it (it stays in the goal's history). `also` runs in the same transaction.
   */
  async function write(user: AppUser, s: StudentRecord, g: repo.Goal, version: number, set: Partial<repo.NewGoal>, also?: (tx: DbOrTx) => Promise<unknown>): Promise<repo.Goal> {
    if (set.status === 'active') {
      const live = liveGoal.safeParse({ ...g, ...set });
      if (!live.success) throw new GoalIncomplete(fieldErrors(live.error, user.locale));
    }
    return db.transaction(async (tx) => {
      const now = clock.now();
      const row = await repo.updateGoal(tx, user.tenantId, g.id, version, { ...set, updatedBy: user.personId, updatedAt: now });
      if (!row) {
        const current = await repo.findGoal(tx, user.tenantId, s.student.id, g.id);
        if (!current) throw notFound(message('goals.errors.noSuchGoal'));
        throw new GoalConflict(current);
      }
      if (set.suggestion === null) await repo.answerSuggestions(tx, user.tenantId, g.id, now);
      await also?.(tx);
      await audit.record(user, { action: 'update', entity: 'goal', entityId: g.id, studentId: s.student.id }, tx);
      return row;
    });
  }

  /** A step on the student's newest active goal, audited as `actor`'s; undefined when there is none. */
  async function stepOnActiveGoal(tx: DbOrTx, actor: AuditActor, authorId: string, studentId: string, input: StepInput) {
    const goal = (await repo.listGoals(tx, actor.tenantId, studentId)).find((g) => g.status === 'active');
    if (!goal) return undefined;
    const st = await repo.insertStep(tx, { tenantId: actor.tenantId, goalId: goal.id, ...input, createdBy: authorId, createdAt: clock.now() });
    await audit.record(actor, { action: 'create', entity: 'goal_step', entityId: st.id, studentId }, tx);
    return st;
  }

  return {
    /** Active and achieved goal counts per student (contract: caseload, plan page). `proposed` counts goals waiting for approval. */
    async summaryFor(tenantId: string, studentIds: string[]): Promise<Map<string, { active: number; achieved: number; proposed: number }>> {
      const out = new Map(studentIds.map((id) => [id, { active: 0, achieved: 0, proposed: 0 }]));
      for (const r of await repo.countsByStatus(db, tenantId, studentIds)) {
        const m = out.get(r.studentId)!;
        if (r.status === 'active') m.active += r.n;
        if (r.status === 'achieved') m.achieved += r.n;
        if (r.status === 'revised' || (r.status === 'draft' && r.proposed)) m.proposed += r.n;
      }
      return out;
    },

    /** The categories a goal form offers (the school's offered ones, and `kept`: the one a goal is filed under), each labelled in the reader's language. */
    async categoryChoices(user: AppUser, selected: unknown, kept?: string) {
      const list = await categoriesOf(user.tenantId);
      return categoryChoicesIn(list, selected, user.locale, kept);
    },

    /** The new-goal form as the school's list makes it: a category it does not offer is refused beside the form's other errors. */
    async createForm(user: AppUser) {
      const offered = (await categoriesOf(user.tenantId)).values.filter((v) => v.offered).map((v) => v.value);
      return goalForm.extend({ category: z.string({ error: 'goals.errors.category' }).refine((c) => offered.includes(c), 'goals.errors.category') });
    },

    /** The student's goals as this user may see them (the goals page; contract: the plan page's goals section). Audited read. */
    /** `student`: the id, or the record a page that shows the goals with other parts already opened. */
    async list(user: AppUser, student: string | StudentRecord) {
      const s = await studentRecords.open(user, student, goalPolicy, 'list');
      const goals = await repo.listGoals(db, user.tenantId, s.student.id);
      await audit.record(user, { action: 'read', entity: 'goal', studentId: s.student.id });
      const can = canMap(goalPolicy, user, ['propose', 'create'], { scope: s.scope });
      const values = await valuesFor(user, s, goals);
      const categories = await categoriesOf(user.tenantId);
      return {
        record: s,
        goals: goals.map((g) => ({ ...summary(g, user.locale, categories), indicatorProgress: indicatorProgress(g, values, user.locale) })),
        newUrl: can.propose || can.create ? `/students/${s.student.id}/goals/new` : null,
      };
    },

    /** One goal with its steps, progress (authors named) and what this user may do with it. Audited read. */
    async detail(user: AppUser, studentId: string, goalId: string, fieldsOutcome?: FieldsOutcome) {
      const s = await openGoal(user, studentId, goalId, 'view');
      const g = await load(user, s, goalId, 'view');
      const [steps, progress, suggestions] = await Promise.all([
        repo.listSteps(db, user.tenantId, [g.id]),
        repo.listProgress(db, user.tenantId, [g.id]),
        repo.listSuggestions(db, user.tenantId, g.id),
      ]);
      const answered = suggestions.filter((x) => x.answeredAt);
      const names = await nameOf(user, [g.createdBy, g.updatedBy, g.suggestionBy, ...progress.map((p) => p.authorId), ...answered.map((x) => x.authorId)]);
      await audit.record(user, { action: 'read', entity: 'goal', entityId: g.id, studentId: s.student.id });
      const live = liveGoal.safeParse(g);
      const values = await valuesFor(user, s, [g]);
      return {
        record: s,
        indicatorProgress: indicatorProgress(g, values, user.locale),
        goal: { ...summary(g, user.locale, await categoriesOf(user.tenantId)), createdByName: names.get(g.createdBy), updatedByName: names.get(g.updatedBy), suggestionByName: g.suggestionBy ? names.get(g.suggestionBy) : null },
        steps: withOwnerLabels(steps, user.locale),
        progress: progress.map((p) => ({ ...p, authorName: names.get(p.authorId), byStudent: p.authorRole === 'student' })),
        /** Suggestions already answered; the waiting one is `goal.suggestion`. */
        suggestionHistory: answered.map((x) => ({ text: x.text, at: x.createdAt, byName: names.get(x.authorId) })),
        /** What the goal still lacks before it can go live, as messages ("Add the target"). */
        missingParts: live.success ? [] : Object.values(fieldErrors(live.error, user.locale)),
        can: canMap(goalPolicy, user, goalPageActions, { scope: s.scope, goal: { status: g.status as GoalStatus } }),
        fields: await fieldsOf(user, s, g, fieldsOutcome),
      };
    },

    /** Saves the school's own fields of a goal: written as the goal itself is (its `edit` permission), each field by who writes it. */
    async saveFields(user: AppUser, studentId: string, goalId: string, typed: PostedFields): Promise<FieldsOutcome | null> {
      const s = await openGoal(user, studentId, goalId, 'edit');
      const g = await load(user, s, goalId, 'edit');
      const reader = fieldsReaderOf(s.relationship, true);
      if (!deps.fields || !reader) throw notFound();
      return deps.fields.save(user, { object: 'goal', studentId: s.student.id, recordId: g.id }, reader, typed);
    },

    /** The history of the goal's own fields, as whoever may see the goal reads them (the form's who-reads). */
    async fieldsHistory(user: AppUser, studentId: string, goalId: string) {
      const s = await openGoal(user, studentId, goalId, 'view');
      const g = await load(user, s, goalId, 'view');
      const reader = fieldsReaderOf(s.relationship, false);
      if (!deps.fields || !reader) throw notFound();
      return { record: s, changes: await deps.fields.history(user, { object: 'goal', studentId: s.student.id, recordId: g.id }, reader) };
    },

    /** The new-goal form (it names the student): refused as the save would be, and an audited read. */
    async newForm(user: AppUser, studentId: string, fieldsOutcome?: FieldsOutcome) {
      const s = await studentRecords.open(user, studentId, goalPolicy, 'list');
      authorize(goalPolicy, user, addAction(s), { scope: s.scope });
      await audit.record(user, { action: 'read', entity: 'goal_form', studentId: s.student.id });
      const reader = fieldsReaderOf(s.relationship, true);
      return { record: s, fields: deps.fields && reader ? await deps.fields.newForm(user, 'goal', reader, fieldsOutcome) : null };
    },

    /** A student's goal starts as a proposal (draft); an advisor's is active at once when complete, otherwise a draft. */
    async create(user: AppUser, studentId: string, form: ParsedForm<GoalInput>, typedFields?: PostedFields): Promise<repo.Goal> {
      const s = await studentRecords.open(user, studentId, goalPolicy, 'list');
      authorize(goalPolicy, user, addAction(s), { scope: s.scope });
      // The school's own fields of the goal are checked with its form (every problem named at once) and written with it.
      const reader = fieldsReaderOf(s.relationship, true);
      const [input, writeFields] = await allOrInvalid(
        async () => withIndicatorMeasure(validForm(form, user.locale), user.locale),
        async () => (deps.fields && reader && typedFields && Object.keys(typedFields.text).length > 0 ? deps.fields.prepare(user, 'goal', reader, typedFields) : null),
      );
      await refuseUnoffered(user, input.category);
      const asStudent = s.relationship === 'self';
      const now = clock.now();
      return db.transaction(async (tx) => {
        const g = await repo.insertGoal(tx, {
          tenantId: user.tenantId,
          studentId: s.student.id,
          ...input,
          status: !asStudent && liveGoal.safeParse(input).success ? 'active' : 'draft',
          proposed: asStudent,
          createdBy: user.personId,
          createdByRole: user.role,
          createdAt: now,
          updatedBy: user.personId,
          updatedAt: now,
        });
        await writeFields?.(tx, { studentId: s.student.id, recordId: g.id });
        await audit.record(user, { action: 'create', entity: 'goal', entityId: g.id, studentId: s.student.id }, tx);
        await deps.onStudentText?.(tx, user, s.student.id, { kind: 'goal', id: g.id }, textsOf(input));
        return g;
      });
    },

    /**
     * Editing the SMART parts. When the student changes an approved goal it goes back for approval
     * (revised); revising also answers a pending suggestion, which is then cleared. The advisor may
     * save and approve in one step (`approve`), which needs every SMART part.
     */
    async update(user: AppUser, studentId: string, goalId: string, form: ParsedForm<GoalEdit>): Promise<repo.Goal> {
      const s = await openGoal(user, studentId, goalId, 'edit');
      const { version, approve, ...posted } = validForm(form, user.locale);
      const input = withIndicatorMeasure(posted, user.locale);
      const g = await load(user, s, goalId, 'edit');
      await refuseUnoffered(user, input.category, g.category);
      if (approve) {
        authorize(goalPolicy, user, 'approve', { scope: s.scope, goal: { status: g.status as GoalStatus } });
        return write(user, s, g, version, { ...input, status: 'active', proposed: false, ...noPendingSuggestion });
      }
      const byStudent = s.relationship === 'self';
      const status: GoalStatus = byStudent && g.status === 'active' ? 'revised' : (g.status as GoalStatus);
      return write(user, s, g, version, { ...input, status, ...(byStudent ? noPendingSuggestion : {}) }, (tx) => deps.onStudentText?.(tx, user, s.student.id, { kind: 'goal', id: g.id }, textsOf(input)) ?? Promise.resolve());
    },

    async approve(user: AppUser, studentId: string, goalId: string, form: ParsedForm<VersionInput>) {
      const s = await openGoal(user, studentId, goalId, 'approve');
      const { version } = validForm(form, user.locale);
      const g = await load(user, s, goalId, 'approve');
      return write(user, s, g, version, { status: 'active', proposed: false, ...noPendingSuggestion });
    },

    async suggest(user: AppUser, studentId: string, goalId: string, form: ParsedForm<SuggestInput>) {
      const s = await openGoal(user, studentId, goalId, 'suggest');
      const { version, suggestion } = validForm(form, user.locale);
      const g = await load(user, s, goalId, 'suggest');
      const now = clock.now();
      return write(user, s, g, version, { suggestion, suggestionBy: user.personId, suggestionAt: now }, (tx) =>
        repo.insertSuggestion(tx, { tenantId: user.tenantId, goalId: g.id, text: suggestion, authorId: user.personId, createdAt: now }),
      );
    },

    async setStatus(user: AppUser, studentId: string, goalId: string, form: ParsedForm<StatusInput>) {
      const s = await openGoal(user, studentId, goalId, 'setStatus');
      const { version, status } = validForm(form, user.locale);
      const g = await load(user, s, goalId, 'setStatus');
      return write(user, s, g, version, { status, ...(status === 'active' ? { proposed: false } : {}) });
    },

    async addStep(user: AppUser, studentId: string, goalId: string, form: ParsedForm<StepInput>) {
      const s = await openGoal(user, studentId, goalId, 'editSteps');
      const input = validForm(form, user.locale);
      const g = await load(user, s, goalId, 'editSteps');
      await db.transaction(async (tx) => {
        const st = await repo.insertStep(tx, { tenantId: user.tenantId, goalId: g.id, ...input, createdBy: user.personId, createdAt: clock.now() });
        await audit.record(user, { action: 'create', entity: 'goal_step', entityId: st.id, studentId: s.student.id }, tx);
        await deps.onStudentText?.(tx, user, s.student.id, { kind: 'goal', id: g.id }, textsOf(input));
      });
    },

    /**
     * A step a school team decided in its risk review (src/risk-reviews) on the student's newest active
     * goal. The team's policy (staff of the student's school) let the actor through, so the goal
     * policy's relationship rule (the advisor and the student write steps) is not asked again. Written in
     * the caller's transaction and audited as the actor's. Undefined when the student has no active goal.
     */
    async addTeamStep(user: AppUser, studentId: string, input: StepInput, tx: DbOrTx = db): Promise<string | undefined> {
      const step = await stepOnActiveGoal(tx, user, user.personId, studentId, input);
      if (step) await deps.onStudentText?.(tx, user, studentId, { kind: 'goal', id: step.goalId }, textsOf(input));
      return step?.id;
    },

    /** Active goals whose target day falls within [from, to]: an automation's "goal due" (category and day only, no words). */
    async activeDueBetween(tenantId: string, from: string, to: string): Promise<DueGoal[]> {
      return (await repo.activeDueBetween(db, tenantId, from, to)).map((g) => ({ goalId: g.id, studentId: g.studentId, category: g.category, targetDate: g.targetDate! }));
    },

    /**
     * A step an admin's automation rule adds (src/automations) on the student's newest active goal, in
     * the run's transaction: authored by the rule's writer, audited as the tool's. Undefined when the
     * student has no active goal.
     */
    async addRuleStep(tx: DbOrTx, r: { tenantId: string; studentId: string; authorId: string; input: StepInput }): Promise<string | undefined> {
      return (await stepOnActiveGoal(tx, systemActor(r.tenantId), r.authorId, r.studentId, r.input))?.id;
    },

    async setStepDone(user: AppUser, studentId: string, goalId: string, stepId: string, done: boolean) {
      const s = await openGoal(user, studentId, goalId, 'editSteps');
      if (!isUuid(stepId)) throw notFound(message('goals.errors.noSuchStep'));
      const g = await load(user, s, goalId, 'editSteps');
      await db.transaction(async (tx) => {
        const st = await repo.setStepDone(tx, user.tenantId, g.id, stepId, done);
        if (!st) throw notFound(message('goals.errors.noSuchStep'));
        await audit.record(user, { action: 'update', entity: 'goal_step', entityId: st.id, studentId: s.student.id }, tx);
      });
    },

    /** A progress update: where it stands toward the target (`value`), with an optional note and 1-5 rating. */
    async addProgress(user: AppUser, studentId: string, goalId: string, form: ParsedForm<ProgressInput>) {
      const s = await openGoal(user, studentId, goalId, 'addProgress');
      const input = validForm(form, user.locale);
      const g = await load(user, s, goalId, 'addProgress');
      await db.transaction(async (tx) => {
        const p = await repo.insertProgress(tx, { tenantId: user.tenantId, goalId: g.id, ...input, authorId: user.personId, authorRole: user.role, createdAt: clock.now() });
        await audit.record(user, { action: 'create', entity: 'goal_progress', entityId: p.id, studentId: s.student.id }, tx);
        await deps.onStudentText?.(tx, user, s.student.id, { kind: 'goal_progress', id: p.id }, textsOf(input));
      });
    },

    /** The student's goals with their action steps and progress, as this user may see them (contract: the printed plan). Audited read. */
    async printableForStudent(user: AppUser, studentId: string) {
      const s = await studentRecords.open(user, studentId, goalPolicy, 'list');
      const goals = (await repo.listGoals(db, user.tenantId, s.student.id)).filter((g) => may(user, s, 'view', g));
      const ids = goals.map((g) => g.id);
      const [allSteps, allProgress] = await Promise.all([repo.listSteps(db, user.tenantId, ids), repo.listProgress(db, user.tenantId, ids)]);
      const parts = goals.map((g) => ({ g, steps: allSteps.filter((x) => x.goalId === g.id), progress: allProgress.filter((x) => x.goalId === g.id) }));
      const names = await nameOf(user, allProgress.map((x) => x.authorId));
      const values = await valuesFor(user, s, goals);
      await audit.record(user, { action: 'read', entity: 'goal', studentId: s.student.id });
      const categories = await categoriesOf(user.tenantId);
      return parts.map(({ g, steps, progress }) => ({
        ...summary(g, user.locale, categories),
        indicatorProgress: indicatorProgress(g, values, user.locale),
        steps: withOwnerLabels(steps, user.locale),
        progress: progress.map((p) => ({ ...p, authorName: names.get(p.authorId) })),
      }));
    },
  };
}
export type GoalsService = ReturnType<typeof createGoalsService>;
