import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { TouchedBeforeGate, untouchableDb } from '../../support/untouchable.js';
import type { AppUser } from '../../../src/auth/user.js';
import { createAuditService } from '../../../src/audit/audit.service.js';
import { createRosterService } from '../../../src/roster/roster.service.js';
import { createPlansService } from '../../../src/plans/plans.service.js';
import { createGoalsService } from '../../../src/goals/goals.service.js';
import { commentForm, printQuery, statusForm as planStatusForm } from '../../../src/plans/plans.schemas.js';
import { goalEditForm, goalForm, progressForm, statusForm, stepForm, suggestForm, versionField } from '../../../src/goals/goals.schemas.js';
import { HttpError } from '../../../src/web/errors.js';
import { validData } from '../../../src/web/forms.js';
import { planRevisions, goals as goalsTable } from '../../../src/db/schema.js';

type Agent = ReturnType<typeof asUser>;
/** One call of a service entry point, about the student `studentId`, by `user`. */
type Call = (user: AppUser, studentId: string) => Promise<unknown>;

const goal = { category: 'academic', statement: 'Turn in every math homework on time', measure: 'Homework log', target: '100% for 4 weeks', targetDate: '2026-05-01', why: 'I want to pass Algebra' };

/**
 * Issue 9: one gate in front of every student record. Every plans and goals service entry point
 * about a student opens the record first, so a stranger is refused (404) before the service reads,
 * writes or even looks at the form, and someone who may not do the thing is refused (403) before a
 * form they were never shown is judged (never a 400 that confirms the form was read).
 */
describe('the student-record gate: plans and goals', () => {
  let t: TestApp;
  let s: SeededSchool;
  let advisor: Agent;
  let mentor: Agent;
  let studentId: string;
  let goalId: string;

  const revisionCount = async () => (await t.ctx.db.select({ n: count() }).from(planRevisions).where(eq(planRevisions.tenantId, s.tenantId)))[0]!.n;
  const goalCount = async (id: string) => (await t.ctx.db.select({ n: count() }).from(goalsTable).where(and(eq(goalsTable.tenantId, s.tenantId), eq(goalsTable.studentId, id))))[0]!.n;
  const userOf = async (tenantId: string, personId: string, contextId: string, role: AppUser['role']) => (await t.ctx.roster.userFromClaims({ tid: tenantId, pid: personId, cid: contextId, role }))!;

  before(async () => {
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    studentId = s.students[0].id;
    advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    mentor = asUser(t.app, await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId));
    goalId = /goals\/([0-9a-f-]{36})/.exec((await advisor.post(`/students/${studentId}/goals`, goal).expect(303)).headers.location!)![1]!;
  });

  describe('a family member\'s invalid post is refused for who they are (403), not for what they sent (400)', () => {
    it('a new goal', async () => {
      const before = await goalCount(studentId);
      await mentor.post(`/students/${studentId}/goals`, { category: 'hobbies', statement: 'x' }).expect(403);
      await mentor.post(`/students/${studentId}/goals`, {}).expect(403);
      expect(await goalCount(studentId)).to.equal(before);
    });

    it('every form of a goal', async () => {
      const goalUrl = `/students/${studentId}/goals/${goalId}`;
      const before = (await advisor.get(goalUrl).expect(200)).text;
      const posts: [string, Record<string, string>][] = [
        [goalUrl, { statement: '', version: 'x' }],
        [`${goalUrl}/approve`, { version: 'x' }],
        [`${goalUrl}/suggest`, { version: '1', suggestion: '' }],
        [`${goalUrl}/status`, { version: '1', status: 'paused' }],
        [`${goalUrl}/steps`, { text: '', owner: 'robot' }],
        [`${goalUrl}/progress`, { date: 'soon', value: '' }],
      ];
      for (const [url, form] of posts) await mentor.post(url, form).expect(403);
      expect((await advisor.get(goalUrl).expect(200)).text.match(/name="version" value="(\d+)"/)![1]).to.equal(before.match(/name="version" value="(\d+)"/)![1]);
    });

    it('a plan field, and the plan status', async () => {
      const before = await revisionCount();
      await mentor.post(`/students/${studentId}/plan/fields`, { section: 'community', voice: 'student', 'text.belonging': 'x'.repeat(5001) }).expect(403);
      await mentor.post(`/students/${studentId}/plan/fields`, { section: 'no-such-section', voice: 'robot' }).expect(403);
      await mentor.post(`/students/${studentId}/plan/status`, { status: 'finished', version: 'x' }).expect(403);
      expect(await revisionCount()).to.equal(before);
    });

    it('a comment: the family may comment, so only a family member of another student is refused (404), never told the comment was invalid', async () => {
      const peerParent = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `parent-${randomUUID()}`, name: 'Pat Parent' });
      await t.ctx.roster.upsertMembership(s.tenantId, { contextId: s.advisoryId, personId: peerParent.id, role: 'family', roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor'], mentees: [s.students[1].id] });
      const other = asUser(t.app, await ltikFor(t.ctx, peerParent, 'family', s.advisoryId));
      await other.post(`/students/${studentId}/plan/comments`, { text: '' }).expect(404);
      await mentor.post(`/students/${studentId}/plan/comments`, { text: '' }).expect(400);
    });

    it('a stranger\'s invalid post is a 404', async () => {
      const foreign = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
      await foreign.post(`/students/${studentId}/goals`, {}).expect(404);
      await foreign.post(`/students/${studentId}/goals/${goalId}/steps`, { owner: 'robot' }).expect(404);
      await foreign.post(`/students/${studentId}/plan/fields`, { section: 'nope' }).expect(404);
      await foreign.post(`/students/${studentId}/plan/comments`, { text: '' }).expect(404);
    });
  });

  describe('every entry point about a student opens the record before it touches its data', () => {
    /** The services as the app builds them, but on a database that fails on any use; only the gate has the real one. */
    const untouchable = () => {
      const db = untouchableDb();
      const base = { db, clock: t.ctx.clock, audit: createAuditService(db, t.ctx.clock), roster: createRosterService(db), studentRecords: t.ctx.studentRecords };
      const onPlanChanged = () => Promise.reject(new TouchedBeforeGate('told scores before the gate decided'));
      const timeZoneOf = () => Promise.reject(new TouchedBeforeGate('read the school time zone before the gate decided'));
      const schoolYearStartOf = () => Promise.reject(new TouchedBeforeGate('read the school year before the gate decided'));
      return { plans: createPlansService({ ...base, shipped: t.ctx.plans.template, templateOf: () => Promise.reject(new TouchedBeforeGate('read the template before the gate decided')), earlierTemplatesOf: () => Promise.reject(new TouchedBeforeGate('read earlier templates before the gate decided')), timeZoneOf, schoolYearStartOf, onPlanChanged }), goals: createGoalsService(base) };
    };
    const plansCalls = (): Record<string, Call> => ({
      view: (u, id) => untouchable().plans.view(u, id),
      viewYear: (u, id) => untouchable().plans.viewYear(u, id, 'not-a-year'),
      print: (u, id) => untouchable().plans.print(u, id, printQuery.safeParse({ copy: 'everything' })),
      saveSection: (u, id) => untouchable().plans.saveSection(u, id, validData({ section: 'about-me', voice: 'adult', fields: [{ key: 'strengths', text: 'x', version: 0 }] })),
      setStatus: (u, id) => untouchable().plans.setStatus(u, id, planStatusForm.safeParse({})),
      comment: (u, id) => untouchable().plans.comment(u, id, commentForm.safeParse({ text: '' })),
      history: (u, id) => untouchable().plans.history(u, id),
      saveStudentFields: (u, id) => untouchable().plans.saveStudentFields(u, id, { text: {}, version: {} }),
      studentFieldsHistory: (u, id) => untouchable().plans.studentFieldsHistory(u, id),
    });
    /** Not about one student: the caseload's, the school view's, the gradebook's and the role homes' (their own checks), the subject course's list (checked by courses), and the school's template (no student's words). */
    const plansNotStudentScoped = ['statusFor', 'statusesOf', 'completionOf', 'familyHome', 'mine', 'sharedWithTeachers', 'shapeFor'];
    const goalsCalls = (): Record<string, Call> => ({
      list: (u, id) => untouchable().goals.list(u, id),
      detail: (u, id) => untouchable().goals.detail(u, id, goalId),
      newForm: (u, id) => untouchable().goals.newForm(u, id),
      create: (u, id) => untouchable().goals.create(u, id, goalForm.safeParse({})),
      update: (u, id) => untouchable().goals.update(u, id, goalId, goalEditForm.safeParse({})),
      approve: (u, id) => untouchable().goals.approve(u, id, goalId, versionField.safeParse({})),
      suggest: (u, id) => untouchable().goals.suggest(u, id, goalId, suggestForm.safeParse({})),
      setStatus: (u, id) => untouchable().goals.setStatus(u, id, goalId, statusForm.safeParse({})),
      addStep: (u, id) => untouchable().goals.addStep(u, id, goalId, stepForm.safeParse({})),
      setStepDone: (u, id) => untouchable().goals.setStepDone(u, id, goalId, randomUUID(), true),
      addProgress: (u, id) => untouchable().goals.addProgress(u, id, goalId, progressForm.safeParse({})),
      printableForStudent: (u, id) => untouchable().goals.printableForStudent(u, id),
      saveFields: (u, id) => untouchable().goals.saveFields(u, id, goalId, { text: {}, version: {} }),
      fieldsHistory: (u, id) => untouchable().goals.fieldsHistory(u, id, goalId),
    });
    /**
     * Counts per student for the caseload: the caseload's own policy decides who asks. A risk review's
     * plan action: the risk-review service decides (its policy: the school's team; the student on the
     * meeting's agenda) and calls it inside the decision's transaction. An automation's plan action: the
     * automations service runs it for a rule an admin wrote and switched on (the automation policy), in
     * the run's transaction. Goals at their target day: the automations' scheduled round and an admin's
     * dry run read them (ids, category and day, no words).
     */
    const goalsNotStudentScoped = ['summaryFor', 'addTeamStep', 'addRuleStep', 'activeDueBetween', 'categoryChoices', 'createForm'];

    const methodsOf = (service: object) => Object.entries(service).filter(([, v]) => typeof v === 'function').map(([k]) => k).sort();

    it('the tables name every method of the services (a new one needs its row)', () => {
      const { plans, goals } = untouchable();
      expect(methodsOf(plans)).to.deep.equal([...Object.keys(plansCalls()), ...plansNotStudentScoped].sort());
      expect(methodsOf(goals)).to.deep.equal([...Object.keys(goalsCalls()), ...goalsNotStudentScoped].sort());
    });

    const strangers: [string, () => Promise<AppUser>][] = [
      ['an advisor of another course', () => userOf(s.tenantId, s.otherAdvisor.id, s.otherCourseId, 'advisor')],
      ['an advisor of another tenant', () => userOf(s.other.tenantId, s.other.advisor.id, s.other.contextId, 'advisor')],
    ];
    for (const [feature, calls] of [['plans', plansCalls], ['goals', goalsCalls]] as const) {
      for (const [who, user] of strangers) {
        it(`${feature}: ${who} gets the gate's 404 from every entry point`, async () => {
          const stranger = await user();
          for (const [method, call] of Object.entries(calls())) {
            const err = await call(stranger, studentId).then(
              () => expect.fail(`${method} let a stranger in`),
              (e: unknown) => e,
            );
            expect(err, method).not.to.be.instanceOf(TouchedBeforeGate);
            expect(err, method).to.be.instanceOf(HttpError);
            expect((err as HttpError).status, method).to.equal(404);
          }
        });
      }
    }

    it('a malformed student id is the same 404, before anything is touched', async () => {
      const adv = await userOf(s.tenantId, s.advisor.id, s.advisoryId, 'advisor');
      for (const [method, call] of [...Object.entries(plansCalls()), ...Object.entries(goalsCalls())]) {
        const err = await call(adv, 'not-a-uuid').then(() => expect.fail(`${method} opened a malformed id`), (e: unknown) => e);
        expect(err, method).not.to.be.instanceOf(TouchedBeforeGate);
        expect(err, method).to.be.instanceOf(HttpError);
        expect((err as HttpError).status, method).to.equal(404);
      }
    });
  });
});
