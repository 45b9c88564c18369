import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, type SeededSchool } from '../../support/school.js';
import { TouchedBeforeGate, untouchableDb } from '../../support/untouchable.js';
import type { AppUser } from '../../../src/auth/user.js';
import { HttpError } from '../../../src/web/errors.js';
import { validData } from '../../../src/web/forms.js';
import { createAuditService } from '../../../src/audit/audit.service.js';
import { createAuditLogService } from '../../../src/audit/audit-log.service.js';
import { createRosterService } from '../../../src/roster/roster.service.js';
import { createNavigatorsService } from '../../../src/navigators/navigators.service.js';
import { createCheckinsService } from '../../../src/checkins/checkins.service.js';
import { createCaseloadService } from '../../../src/caseload/caseload.service.js';
import { createCoursesService } from '../../../src/courses/courses.service.js';
import { loadAttentionRulesIn } from '../../../src/caseload/needs-attention.js';
import { locales } from '../../../src/web/i18n.js';
import { createSchoolsService } from '../../../src/schools/schools.service.js';

/** A dependency the service may not reach before the gate decided: any use throws. */
function untouchable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, prop) {
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      throw new TouchedBeforeGate(`the service used ${name}.${String(prop)} before the gate decided`);
    },
  });
}
const touched = (name: string) => async (): Promise<never> => {
  throw new TouchedBeforeGate(`the service called ${name} before the gate decided`);
};

/** One call of an entry point for a user and a student id, with input that would be valid or not: the gate decides first. */
type Call = (user: AppUser, studentId: string) => Promise<unknown>;

/**
 * Every public entry point of these services that takes a student refuses a stranger with the
 * gate's 404 before it touches anything of its own: each service is built on a database (and
 * dependencies) that throw on any use, with the real gate on the test database. Entry points are
 * enumerated from the service, so a new one fails here until it is listed: in `scoped` (and so
 * tried) or in `notStudentScoped` (with why).
 */
describe('the student-record gate comes first: check-ins, caseload, audit log, courses, scores', () => {
  let t: TestApp;
  let s: SeededSchool;
  let strangers: [string, AppUser][];
  let services: Record<string, { service: object; scoped: Record<string, Call>; notStudentScoped: Record<string, string> }>;

  before(async () => {
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    const user = (tenantId: string, personId: string, contextId: string): AppUser => ({ tenantId, personId, name: '', role: 'advisor', contextId, contextTitle: '', contextKind: 'advisory', menteeIds: [] });
    strangers = [
      ['an advisor with no tie to the student', user(s.tenantId, s.otherAdvisor.id, s.otherCourseId)],
      ['an advisor of another school', user(s.other.tenantId, s.other.advisor.id, s.other.contextId)],
    ];

    const db = untouchableDb();
    const audit = createAuditService(db, t.clock);
    const roster = createRosterService(db);
    const navigators = createNavigatorsService(db, roster, createSchoolsService({ db, clock: t.clock, audit, roster, identities: untouchable('identities'), timeZoneOf: touched('timeZoneOf') }));
    const gate = { studentRecords: t.ctx.studentRecords };
    const checkins = createCheckinsService({ db, clock: t.clock, audit, roster, ...gate, scripts: t.ctx.checkins.scripts, scriptOf: touched('scriptOf'), needsOf: touched('needsOf'), timeZoneOf: touched('timeZoneOf'), schoolYearStartOf: touched('schoolYearStartOf') });
    const caseload = createCaseloadService({
      db, clock: t.clock, timeZoneOf: touched('timeZoneOf'), audit, roster, navigators, ...gate, goals: untouchable('goals'), checkins,
      planStatusFor: touched('planStatusFor'), cadenceDays: 7, pageSize: 50, attentionRules: loadAttentionRulesIn(locales),
    });
    const auditLog = createAuditLogService({ audit, roster, ...gate, timeZoneOf: touched('timeZoneOf'), pageSize: 50 });
    const courses = createCoursesService({ db, audit, roster, plans: untouchable('plans'), navigators });
    const aCheckin = { date: '2026-03-02', format: 'in_person', attended: 'yes', wellbeing: '3', sharedNote: 'x', adultNote: 'x' };

    services = {
      checkins: {
        service: checkins,
        scoped: {
          currentPrompts: (u, id) => checkins.currentPrompts(u, id),
          recordForm: (u, id) => checkins.recordForm(u, id),
          prepForm: (u, id) => checkins.prepForm(u, id),
          history: (u, id) => checkins.history(u, id),
          record: (u, id) => checkins.record(u, id, aCheckin),
          recordAll: (u, id) => checkins.recordAll(u, { date: '2026-03-02', format: 'in_person', sharedNote: '', rows: [{ studentId: id, attended: true, wellbeing: 3 }] }),
          savePrep: (u, id) => checkins.savePrep(u, id, { 'answer.w1-proud': 'x' }),
          resolveNeed: (u, id) => checkins.resolveNeed(u, id, randomUUID(), validData({ how: 'no_longer_needed', note: '' })),
        },
        notStudentScoped: {
          script: 'the shipped script (data)',
          scripts: 'the shipped script in every language (data)',
          needCategories: "the school's needs screener, every need (data, no record)",
          recordedSince: "an automation's dry run (admins, the automation policy): the tenant's check-ins since a time, categories and counts, no words",
          needsRaisedSince: "an automation's dry run (admins, the automation policy): the tenant's needs since a time, no words",
          needIsSensitive: "the school's needs screener's rule whether a need category is sensitive (data, no record)",
          shippedWeek: "a week's prompts from the shipped script (data)",
          today: "the school's date",
          recentCheckins: "the caseload's bulk read: its ids come from the caseload, which authorizes its list",
          openNeeds: "the caseload's bulk read: its ids come from the caseload, which authorizes its list",
          lastAttendedOn: "the school view's bulk read: its ids come from the school view, which authorizes the school",
          clearTextsBefore: "the retention job's (no user): it empties old words, reading nothing out",
          wellbeingSince: "the indicators' bulk read for their background recompute (no user); the data panel gates before it reads",
          thisWeek: "the navigator view's bulk read: its ids come from the adult's own caseload, which the navigator-view policy authorizes",
          findNeed: 'the referrals service opens the student record (its own policy) before it reads the need a referral starts from',
        },
      },
      caseload: {
        service: caseload,
        scoped: {
          navigatorPage: (u, id) => caseload.navigatorPage(u, id),
          reassign: (u, id) => caseload.reassign(u, id, { navigatorId: u.personId }),
          setPreferredAdult: (u, id) => caseload.setPreferredAdult(u, id, { preferredAdult: 'x' }),
        },
        notStudentScoped: {
          list: "the user's own caseload (caseload policy)",
          home: "the user's own caseload (caseload policy)",
          checkinRoster: "the user's own caseload (caseload policy)",
          recordCheckins: "rows of the user's own caseload only; each row's student is opened by checkins.recordAll",
          navigatorIdsOf: "the daily digest's background read (no user): who navigates anyone in the school; the digest e-mails counts only",
          navigatedBy: "the navigator view's read of the adult's own caseload; the navigator view authorizes and audits its screen",
          checkinsDueBy: "the daily digest's background count for one navigator (no user); no student is shown",
        },
      },
      auditLog: {
        service: auditLog,
        scoped: {
          recordViews: (u, id) => auditLog.recordViews(u, id, {}),
        },
        notStudentScoped: {
          adminPage: "the tenant's log (audit policy: admins)",
          exportRows: "the tenant's log (audit policy: admins)",
        },
      },
      courses: {
        service: courses,
        scoped: {},
        notStudentScoped: {
          question: 'a course (course policy)',
          confirm: 'a course (course policy)',
          forAdmin: "the tenant's courses (course policy: admins)",
          setByAdmin: 'a course (course policy: admins)',
          studentsOf: "a subject course's students, each filtered by the plan policy on their own record",
        },
      },
      scores: {
        service: t.ctx.scores,
        scoped: {},
        notStudentScoped: {
          publishEnabled: "the tenant's setting",
          adminPage: "the tenant's gradebook publishing (scores policy: admins)",
          configure: "the tenant's gradebook publishing (scores policy: admins)",
          publish: "the tenant's gradebook publishing (scores policy: admins)",
          inspect: "the tenant's gradebook publishing (scores policy: admins)",
          setPublishing: 'background and tests: a tenant, no user',
          publishAll: 'background and tests: a tenant, no user',
          inspectAll: 'background and tests: a tenant, no user',
          jobHandlers: 'the queue: jobs, no user',
          jobDescribers: 'the queue: jobs, no user',
          planChanged: "the plans feature's callback after a save it gated: a tenant and student, no user, nothing returned",
          startSchedule: 'the server entry',
          listRuns: 'background and tests: a tenant, no user',
          publishLagSeconds: '/metrics',
          overview: 'background and tests: a tenant, no user',
        },
      },
    };
  });

  it('every public entry point is listed, as student-scoped or not', () => {
    for (const [name, { service, scoped, notStudentScoped }] of Object.entries(services)) {
      expect(Object.keys(service).sort(), `${name}: list each new entry point below`).to.deep.equal([...Object.keys(scoped), ...Object.keys(notStudentScoped)].sort());
    }
  });

  it('a stranger gets the gate\'s 404 from every student-scoped entry point, before the service touches anything', async () => {
    let tried = 0;
    for (const [name, { scoped }] of Object.entries(services)) {
      for (const [method, call] of Object.entries(scoped)) {
        for (const [who, user] of strangers) {
          const err = await call(user, s.students[0].id).then(
            () => undefined,
            (e: unknown) => e,
          );
          const what = `${name}.${method} by ${who}`;
          expect(err, what).not.to.be.instanceOf(TouchedBeforeGate);
          expect(err, what).to.be.instanceOf(HttpError);
          expect((err as HttpError).status, what).to.equal(404);
          tried++;
        }
      }
    }
    expect(tried).to.be.greaterThan(0);
  });
});
