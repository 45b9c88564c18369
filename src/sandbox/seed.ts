import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { AppContext } from '../web/context.js';
import type { Clock } from '../web/clock.js';
import type { AppUser, ToolRole } from '../auth/user.js';
import { buildContext } from '../web/app.js';
import { validData } from '../web/forms.js';
import { schoolYearAt } from '../web/school-year.js';
import { localDate, zonedTime } from '../web/time-zone.js';
import { AGS_SCOPES } from './simulator/profiles.js';
import { ROLE, type Simulator } from './simulator/index.js';
import { ADVISORIES, COURSES, studentSisIds, studentSubs } from './sample-school.js';
import { admin, advisory9A, advisory9B, subjectCourse, sampleSchools, communityProvider, sampleAutomation, counselor, guardians, leader, handOff, pulseAnswers, sessionNotes, SESSIONS, type SampleAdvisory, type SampleStory } from './sample-school.data.js';
import { canvasStudents, SANDBOX_CANVAS_ACCOUNT, SANDBOX_CANVAS_TOKEN } from './sample-canvas.js';
import type { Router } from 'express';
import { Readable } from 'node:stream';
import { addDays } from '../web/days.js';
import { DELIVER_JOB } from '../automations/automations.service.js';

/**
 * The tool side of the sample school: a term of history written through the features' services
 * (never their tables), by the people who would have written it, on the dates they would have.
 * All service calls of the seed live in this file.
 */

const DAY = 86_400_000;
/** Calendar arithmetic on a yyyy-mm-dd day (at UTC midnight, so no zone or daylight saving moves it). */
const calendar = (day: string) => new Date(`${day}T00:00:00Z`);

/** The seed's own clock: each write happens "then", so history reads as history. */
class SeedClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  set(d: Date): void {
    this.at = d;
  }
}

type SeedCtx = AppContext;

export interface SeedTarget {
  tenantId: string;
  clientId: string;
  deploymentId: string;
}

/** The sandbox's Canvas API simulator: where the school's Canvas connector reads (under the sandbox LMS's origin) and its routes. */
export interface SandboxCanvas {
  baseUrl: string;
  /** Its mount path under the sandbox LMS's, e.g. /canvas. */
  path: string;
  router: Router;
}

/**
 * The tool reaches the sandbox LMS over HTTP (NRPS, tokens). At start the tool is not listening yet,
 * so the sandbox's routes are served on a loopback port of their own for the seed's calls.
 */
async function withLoopbackSandbox<T>(sim: Simulator, canvas: SandboxCanvas | undefined, run: (viaLoopback: typeof fetch) => Promise<T>): Promise<T> {
  const mount = new URL(sim.baseUrl).pathname;
  const lms = express();
  if (canvas) lms.use(`${mount}${canvas.path}`, canvas.router);
  const server = createServer(lms.use(mount, sim.router));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const simOrigin = new URL(sim.baseUrl).origin;
  const viaLoopback: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return fetch(url.origin === simOrigin ? new URL(`${url.pathname}${url.search}`, target) : input, init);
  };
  try {
    return await run(viaLoopback);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Writes the sample school into the (empty) sandbox tenant. */
export async function seedSchool(ctx: AppContext, sim: Simulator, target: SeedTarget, canvas?: SandboxCanvas): Promise<void> {
  const today = ctx.clock.now();
  const clock = new SeedClock(today);
  // History is written in the school's days: a session "on Friday" is Friday there, whatever UTC says.
  const zone = await ctx.platforms.timeZoneOf(target.tenantId);
  const yearStart = await ctx.platforms.schoolYearStartOf(target.tenantId);
  await withLoopbackSandbox(sim, canvas, async (viaLoopback) => {
    const seed = buildContext({ config: ctx.config, database: ctx.database, logger: ctx.logger, clock, fetch: viaLoopback });
    try {
      await new SchoolWriter(seed, clock, sim, target, today, { zone, yearStart }, canvas).write();
    } finally {
      await seed.shutdown?.();
    }
  });
}

class SchoolWriter {
  private readonly termStart: number;
  private readonly zone: string;
  private readonly contextIds = new Map<string, string>();
  private readonly personIds = new Map<string, string>();

  constructor(
    private readonly seed: SeedCtx,
    private readonly clock: SeedClock,
    private readonly sim: Simulator,
    private readonly target: SeedTarget,
    private readonly today: Date,
    calendar: { zone: string; yearStart: string },
    private readonly canvas?: SandboxCanvas,
  ) {
    this.zone = calendar.zone;
    // Plans belong to a school year: history never reaches back before this year's first day (noon there).
    this.termStart = zonedTime(schoolYearAt(this.day(today), calendar.yearStart).firstDay, '12:00', this.zone).getTime();
  }

  /** The school's day an instant falls on. */
  private day(at: Date): string {
    return localDate(at, this.zone);
  }

  /** `days` before today, never before the school year began. */
  private daysAgo(days: number): Date {
    return new Date(Math.max(this.today.getTime() - days * DAY, this.termStart));
  }

  /** The weekly advisory sessions, oldest first; the latest two days ago, weekends moved to Friday. */
  private sessionDates(): (string | null)[] {
    return Array.from({ length: SESSIONS }, (_, i) => {
      const d = addDays(this.day(this.today), -(2 + 7 * (SESSIONS - 1 - i)));
      const weekday = calendar(d).getUTCDay();
      const day = addDays(d, weekday === 6 ? -1 : weekday === 0 ? -2 : 0);
      return day < this.day(new Date(this.termStart)) ? null : day;
    });
  }

  async write(): Promise<void> {
    const { tenantId } = this.target;
    await this.syncRosters();
    await this.writeSchools();
    await this.writeStaffRoles();
    for (const g of guardians) {
      // role_scope_mentor arrives with a parent's launch, never through NRPS: written as that launch would.
      const mentees = g.children.map((name) => this.person(studentSubs.get(name)!));
      await this.seed.roster.upsertMembership(tenantId, { contextId: this.context(g.advisory), personId: this.person(g.sub), roles: [ROLE.mentor], role: 'family', mentees });
    }
    const dates = this.sessionDates();
    for (const advisory of ADVISORIES) await this.writeAdvisory(advisory, dates);
    await this.writeHandOff();
    this.clock.set(this.today);
    await this.writeSupports();
    await this.writeAutomation();
    await this.writePulse();
    await this.writeStudentData();
  }

  /**
   * An automation the admin switched on: a raised technology need drafts a referral (never sends one).
   * Amara raised one today, so her draft waits on her supports tab and in Ms. Moore's queue.
   */
  private async writeAutomation(): Promise<void> {
    const { tenantId } = this.target;
    const dana = await this.admin();
    const rule = await this.seed.automations.create(dana, validData({ name: sampleAutomation.name, event: 'need_raised' as const, condition: '{"==": [{"var": "category"}, "technology"]}', action: 'draft_referral' as const, audience: 'navigator' as const, step: '', navigator: '', category: 'event' as const, maxPerHour: 20, edits: '' as const }));
    await this.seed.automations.setState(dana, rule, 'on');
    const amara = this.person(studentSubs.get('Amara Okafor')!);
    await this.seed.db.transaction((tx) => this.seed.automations.needsRaised(tx, tenantId, [{ needId: randomUUID(), studentId: amara, category: 'technology', urgency: 'concern', at: this.clock.now() }]));
    await this.seed.jobs.runDue([DELIVER_JOB], tenantId);
  }

  /**
   * A belonging pulse the admin opened three days ago for every school, open for two more weeks (the
   * student's home shows its card), answered yesterday by a few students (their indicators show the score).
   */
  private async writePulse(): Promise<void> {
    const dana = await this.admin();
    const today = this.day(this.today);
    const windowId = await this.seed.surveys.addWindow(dana, validData({ surveyId: 'belonging-pulse', opensOn: addDays(today, -3), closesOn: addDays(today, 11), schoolId: '' }));
    this.clock.set(this.daysAgo(1));
    for (const advisory of ADVISORIES) {
      for (const [i, answers] of pulseAnswers.entries()) {
        const st = advisory.students[i + 1];
        if (!st) continue;
        const self = await this.actor(studentSubs.get(`${st.givenName} ${st.familyName}`)!, advisory.id, 'student');
        // Posted as the student's form is: the service checks it as it checks theirs.
        await this.seed.surveys.answer(self, windowId, Object.fromEntries(Object.entries(answers).map(([item, point]) => [`answer.${item}`, String(point)])));
      }
    }
    this.clock.set(this.today);
  }

  /**
   * Two schools of the sample district, as the LMS gives them (each advisory's Canvas sub-account):
   * advisory 9A and Algebra I at Lincoln High School, advisory 9B at Riverside High School, every
   * student in grade 09 there from the school year's first day; one student of 9A moved to Riverside
   * three weeks ago (a history), and a few students' programs from a programs file.
   */
  private async writeSchools(): Promise<void> {
    const { tenantId } = this.target;
    const schools = this.seed.schools;
    this.clock.set(new Date(this.termStart));
    const { lincoln, riverside } = sampleSchools;
    const { schoolId: lincolnId } = await schools.placeCourse(tenantId, this.context(advisory9A.id), lincoln);
    const { schoolId: riversideId } = await schools.placeCourse(tenantId, this.context(advisory9B.id), riverside);
    await schools.placeCourse(tenantId, this.context(subjectCourse.id), lincoln);
    const dana = await this.admin();
    const firstDay = this.day(new Date(this.termStart));
    const move = (studentId: string, schoolId: string, day: string) => schools.moveStudent(dana, validData({ studentId, schoolId, day, gradeLevel: '09' }));
    for (const [advisory, schoolId] of [[advisory9A, lincolnId], [advisory9B, riversideId]] as const) {
      for (const s of advisory.students) await move(this.person(studentSubs.get(`${s.givenName} ${s.familyName}`)!), schoolId, firstDay);
    }
    this.clock.set(this.today);
    const mover = advisory9A.students.at(-1)!;
    const moveDay = addDays(this.day(this.today), -21);
    if (moveDay > firstDay) await move(this.person(studentSubs.get(`${mover.givenName} ${mover.familyName}`)!), riversideId, moveDay);
    const sis = [...studentSisIds.values()];
    const programs = ['student_sis_id,english_learner,iep_504,frl', `${sis[0]},yes,no,yes`, `${sis[1]},no,yes,no`, `${sis[2]},no,no,yes`, `${sis[12]},yes,,yes`, `${sis[13]},no,yes,`].join('\n');
    await schools.importPrograms(dana, Readable.from([programs]));
  }

  /**
   * The ABC data beside the tool's own: grades through the school's Canvas connector (set up as its
   * admin would, then synced once now; the connectors' schedule keeps it fresh), attendance and
   * incidents as the SIS's files would bring them, then the indicators computed so the caseload's
   * badges show at once.
   */
  private async writeStudentData(): Promise<void> {
    const { tenantId } = this.target;
    if (this.canvas) {
      const dana = await this.admin();
      await this.seed.connectors.save(dana, 'canvas', { config: { baseUrl: this.canvas.baseUrl, accountId: SANDBOX_CANVAS_ACCOUNT }, secret: SANDBOX_CANVAS_TOKEN, enabled: true });
      await this.seed.connectors.syncNow(tenantId, 'canvas', 'admin');
    }
    const today = this.day(this.today);
    const first = this.day(new Date(this.termStart));
    // The last six school weeks (never before the year began), weekends off.
    const days = Array.from({ length: 42 }, (_, i) => addDays(today, -(42 - i)))
      .filter((d) => d >= first && ![0, 6].includes(calendar(d).getUTCDay()));
    const attendance = canvasStudents.flatMap((s) => {
      const missed = [...s.story.attendance].filter((c) => c === 'n').length;
      // A student who misses advisory misses school too: every (7 - missed)th day, or none.
      return days.map((day, i) => ({ personId: this.person(s.sub), day, status: missed > 0 && (i + s.index) % Math.max(2, 7 - missed) === 0 ? ('absent' as const) : ('present' as const) }));
    });
    await this.seed.studentData.upsertAttendance(tenantId, 'csv', attendance);
    const troubled = canvasStudents.filter((s) => [...s.story.attendance].filter((c) => c === 'n').length >= 2);
    const incidents = troubled.flatMap((s, k) =>
      days.slice(-10 - k, -1).filter((_, i) => i % 4 === 0).map((day, i) => ({
        personId: this.person(s.sub),
        externalId: `sandbox-incident-${s.index}-${i}`,
        day,
        category: 'disruption',
        severity: i === 0 && k === 0 ? ('major' as const) : ('minor' as const),
        ...(i === 0 && k === 0 ? { consequence: 'suspension', suspensionDays: 1 } : {}),
      })),
    );
    if (incidents.length > 0) await this.seed.studentData.upsertIncidents(tenantId, 'csv', incidents);
    await this.seed.indicators.recomputeTenant(tenantId);
    // This week's figures of each school, as the nightly job counts them: the district view has a week to show.
    await this.seed.dashboards.snapshotTenant(tenantId);
  }

  /** The admin is on no course roster: written as her account-level launch would record her. */
  private async admin(): Promise<AppUser> {
    const { tenantId } = this.target;
    const person = await this.seed.roster.upsertPerson(tenantId, { sub: admin.sub, name: `${admin.givenName} ${admin.familyName}`, givenName: admin.givenName, familyName: admin.familyName });
    const dana = await this.seed.roster.userFromClaims({ tid: tenantId, pid: person.id, cid: null, role: 'admin' });
    if (!dana) throw new Error('sample school: the admin could not be recorded');
    return dana;
  }

  /**
   * Ms. Moore is counsellor and support coordinator at both schools, and Ms. Castillo (on no course
   * roster: written as her account launch would record her) Lincoln High School's principal, as the
   * admin set them up on /admin/staff.
   */
  private async writeStaffRoles(): Promise<void> {
    const { tenantId } = this.target;
    const dana = await this.admin();
    const [moore] = await this.seed.roster.findPeopleBySub(tenantId, [counselor.sub]);
    if (!moore) throw new Error('sample school: the counsellor is on no roster');
    const schools = await this.seed.schools.list(tenantId);
    for (const school of schools) {
      for (const role of ['counsellor', 'coordinator'] as const) await this.seed.staff.change(dana, validData({ person: moore.id, role, school: school.id, change: 'grant' }));
    }
    const castillo = await this.seed.roster.upsertPerson(tenantId, { sub: leader.sub, name: `${leader.givenName} ${leader.familyName}`, givenName: leader.givenName, familyName: leader.familyName });
    const lincoln = schools.find((x) => x.name === sampleSchools.lincoln.name);
    if (!lincoln) throw new Error('sample school: Lincoln High School was not placed');
    await this.seed.staff.change(dana, validData({ person: castillo.id, role: 'school_leader', school: lincoln.id, change: 'grant' }));
  }

  /**
   * The school's supports as its admin and coordinator set them up: the starter catalogue, the district's
   * family services as a community organisation receiving the housing referrals (Sam Ortiz signs in on
   * /provider with the link the sandbox outbox shows), and one referral in service for Mateo's family.
   */
  private async writeSupports(): Promise<void> {
    const { tenantId } = this.target;
    const dana = await this.admin();
    await this.seed.supports.addStarter(dana);
    const organisation = await this.seed.providers.addOrganisation(dana, validData({ name: communityProvider.organisation }));
    await this.seed.providers.invite(dana, validData({ organisationId: organisation, name: communityProvider.name, email: communityProvider.email }));
    const catalogue = await this.seed.supports.activeSupports(tenantId);
    const housing = catalogue.find((x) => x.starterKey === 'housing-liaison');
    const pantry = catalogue.find((x) => x.starterKey === 'food-pantry');
    if (!housing || !pantry) throw new Error('sample school: the starter catalogue lacks its housing or food support');
    const { id, tenantId: _t, starterKey: _k, createdAt: _c, updatedAt: _u, updatedBy: _b, active: _a, sensitive, capacity, tier, languages, ...fields } = housing;
    await this.seed.supports.update(dana, id, validData({ ...fields, tier, capacity, languages, sensitive: sensitive ? ('on' as const) : undefined, providerOrganisationId: organisation }));
    const moore = await this.actor(counselor.sub, advisory9A.id, 'advisor');
    const mateo = this.person(studentSubs.get('Mateo García')!);
    const referral = await this.seed.referrals.create(moore, mateo, validData({ support: pantry.id, reason: 'Groceries run short at the end of the month.', urgency: 'routine' as const, owner: '', need: '', source: 'direct', draft: '' }));
    await this.seed.referrals.transition(moore, mateo, referral, 'respond', { answer: 'accept', version: '1' });
    await this.seed.referrals.transition(moore, mateo, referral, 'start', { version: '2' });
  }

  /** Each course as a launch from it would record it, then its roster through an NRPS sync. */
  private async syncRosters(): Promise<void> {
    const { tenantId, clientId, deploymentId } = this.target;
    const agsScopes = [...AGS_SCOPES];
    for (const c of COURSES) {
      const urls = this.sim.serviceUrls(clientId, c.id);
      const context = await this.seed.roster.upsertContext(tenantId, {
        contextId: c.id,
        deploymentId,
        label: c.label,
        title: c.title,
        membershipsUrl: urls.memberships,
        lineItemsUrl: urls.lineItems,
        agsScopes,
        placementKind: c.custom.advisory === 'true' ? 'advisory' : c.custom.advisory === 'false' ? 'subject' : null,
      });
      const run = await this.seed.rosterSync.syncContext(tenantId, context.id, 'manual');
      if (run.status !== 'succeeded') throw new Error(`sample school roster sync of ${c.id} ${run.status}: ${run.error ?? ''}`);
      this.contextIds.set(c.id, context.id);
    }
    const subs = [...studentSubs.values(), ...ADVISORIES.map((a) => a.advisor.sub), ...guardians.map((g) => g.sub), counselor.sub];
    for (const p of await this.seed.roster.findPeopleBySub(tenantId, subs)) this.personIds.set(p.sub, p.id);
  }

  private context(courseId: string): string {
    const id = this.contextIds.get(courseId);
    if (!id) throw new Error(`sample school: course ${courseId} was not synced`);
    return id;
  }

  private person(sub: string): string {
    const id = this.personIds.get(sub);
    if (!id) throw new Error(`sample school: ${sub} is not on any roster`);
    return id;
  }

  /** Who is acting, as their launch from the course would make them. */
  private async actor(sub: string, courseId: string, role: ToolRole): Promise<AppUser> {
    const user = await this.seed.roster.userFromClaims({ tid: this.target.tenantId, pid: this.person(sub), cid: this.context(courseId), role });
    if (!user) throw new Error(`sample school: ${sub} has no membership in ${courseId}`);
    return user;
  }

  private async writeAdvisory(advisory: SampleAdvisory, dates: (string | null)[]): Promise<void> {
    const advisor = await this.actor(advisory.advisor.sub, advisory.id, 'advisor');
    const students: { story: SampleStory; id: string; self: AppUser }[] = [];
    for (const st of advisory.students) {
      const sub = studentSubs.get(`${st.givenName} ${st.familyName}`)!;
      const self = await this.actor(sub, advisory.id, 'student');
      const id = this.person(sub);
      students.push({ story: st.story, id, self });
    }
    for (const s of students) {
      await this.writePlan(advisor, s.self, s.id, s.story);
      await this.writeGoals(advisor, s.self, s.id, s.story);
    }
    await this.writeCheckins(advisor, students, dates);
    for (const g of guardians.filter((x) => x.advisory === advisory.id)) {
      const parent = await this.actor(g.sub, advisory.id, 'family');
      for (const child of g.children) {
        const s = students.find((x) => x.id === this.person(studentSubs.get(child)!));
        if (!s?.story.familyComment) continue;
        this.clock.set(this.daysAgo(5));
        await this.seed.plans.comment(parent, s.id, validData({ text: s.story.familyComment }));
      }
    }
  }

  private async writePlan(advisor: AppUser, self: AppUser, studentId: string, story: SampleStory): Promise<void> {
    if (story.plan === 'none') return;
    // Last school year's plan first (written about five months before this year began), so the plan page links to it.
    for (const f of story.lastYear ?? []) {
      this.clock.set(new Date(this.termStart - 150 * DAY));
      const section = this.seed.plans.template.sections.find((sec) => sec.fields.some((x) => x.key === f.key))!.key;
      await this.seed.plans.saveSection(f.voice === 'student' ? self : advisor, studentId, validData({ section, voice: f.voice, fields: [{ key: f.key, text: f.text, version: 0 }] }));
    }
    const fields = story.fields ?? [];
    // Written over the first weeks of the term, the student first, the advisor after.
    for (const [i, f] of fields.entries()) {
      this.clock.set(this.daysAgo(60 - i * 3));
      const section = this.seed.plans.template.sections.find((sec) => sec.fields.some((x) => x.key === f.key))!.key;
      const save = validData({ section, voice: f.voice, fields: [{ key: f.key, text: f.text, version: 0 }] });
      await this.seed.plans.saveSection(f.voice === 'student' ? self : advisor, studentId, save);
    }
    if (story.plan === 'active') {
      this.clock.set(this.daysAgo(30));
      const { version } = await this.seed.plans.view(advisor, studentId);
      await this.seed.plans.setStatus(advisor, studentId, validData({ status: 'active', version }));
    }
  }

  private async writeGoals(advisor: AppUser, self: AppUser, studentId: string, story: SampleStory): Promise<void> {
    const { goals } = this.seed;
    for (const g of story.goals ?? []) {
      const written = this.daysAgo(g.weeksAgo * 7);
      this.clock.set(written);
      const due = addDays(this.day(this.today), g.dueInWeeks * 7);
      let goal = await goals.create(self, studentId, validData({ category: g.category, statement: g.statement, measure: g.measure, target: g.target, targetDate: due, why: g.why }));
      if (g.state === 'proposed') continue;
      this.clock.set(new Date(written.getTime() + DAY));
      goal = await goals.approve(advisor, studentId, goal.id, validData({ version: goal.version }));
      // The shipped goal field of the school's own, set by the advisor: the goal's details show a value and link their history.
      await goals.saveFields(advisor, studentId, goal.id, { text: { priority: 'high' }, version: { priority: '0' } });
      for (const step of g.steps ?? []) {
        await goals.addStep(step.owner === 'advisor' ? advisor : self, studentId, goal.id, validData({ text: step.text, owner: step.owner, dueDate: null }));
      }
      const done = new Set((g.steps ?? []).filter((s) => s.done).map((s) => s.text));
      if (done.size > 0) {
        const { steps } = await goals.detail(advisor, studentId, goal.id);
        for (const st of steps.filter((x) => done.has(x.text))) await goals.setStepDone(self, studentId, goal.id, st.id, true);
      }
      for (const p of g.progress ?? []) {
        const at = this.daysAgo(p.weeksAgo * 7);
        this.clock.set(at);
        await goals.addProgress(p.by === 'advisor' ? advisor : self, studentId, goal.id, validData({ date: this.day(at), value: p.value, note: p.note, rating: p.rating }));
      }
      if (g.state === 'achieved') {
        this.clock.set(this.daysAgo(Math.max(0, -g.dueInWeeks * 7)));
        await goals.setStatus(advisor, studentId, goal.id, validData({ version: goal.version, status: 'achieved' }));
      }
    }
  }

  /**
   * One session a week: students with something to note get their own check-in (notes, needs), the
   * rest of the advisory is recorded together, as an advisor does with the quick record.
   */
  private async writeCheckins(advisor: AppUser, students: { story: SampleStory; id: string }[], dates: (string | null)[]): Promise<void> {
    const attendedSoFar = new Map<string, number>();
    const wellbeingOf = (s: { id: string; story: SampleStory }) => {
      const n = attendedSoFar.get(s.id) ?? 0;
      attendedSoFar.set(s.id, n + 1);
      return s.story.wellbeing[n % s.story.wellbeing.length] ?? null;
    };
    for (const [session, date] of dates.entries()) {
      if (!date) continue;
      // The session's afternoon, in the school.
      this.clock.set(zonedTime(date, '15:30', this.zone));
      const rows: { studentId: string; attended: boolean; wellbeing: number | null }[] = [];
      for (const s of students) {
        const mark = s.story.attendance[session] ?? '.';
        if (mark === '.') continue;
        const attended = mark === 'y';
        const wellbeing = attended ? wellbeingOf(s) : null;
        const note = s.story.notes?.find((n) => n.session === session);
        if (!note) {
          rows.push({ studentId: s.id, attended, wellbeing });
          continue;
        }
        // Posted as the recording form is: the service checks it as it checks a navigator's post.
        await this.seed.checkins.record(advisor, s.id, {
          date,
          format: 'in_person',
          attended: attended ? 'yes' : 'no',
          wellbeing: wellbeing === null ? '' : String(wellbeing),
          sharedNote: note.shared ?? '',
          adultNote: note.adult ?? '',
          // The script's required questions need an answer from a student who came: the sample answers with the note.
          ...(attended ? Object.fromEntries(this.seed.checkins.script.weeks.flatMap((w) => w.questions).map((q) => [`answer.${q.id}`, note.shared || 'Talked it through together.'])) : {}),
          ...Object.fromEntries((note.needs ?? []).map((n) => [`need.${n.category}`, n.urgency])),
        });
      }
      if (rows.length > 0) await this.seed.checkins.recordAll(advisor, { date, format: 'in_person', sharedNote: sessionNotes[session] ?? '', rows });
    }
  }

  /** A hand-off between advisors, with the adult the student trusts noted first. */
  private async writeHandOff(): Promise<void> {
    const from = ADVISORIES.find((a) => a.id === handOff.from)!;
    const advisor = await this.actor(from.advisor.sub, from.id, 'advisor');
    const studentId = this.person(studentSubs.get(handOff.student)!);
    this.clock.set(this.daysAgo(12));
    await this.seed.caseload.setPreferredAdult(advisor, studentId, { preferredAdult: handOff.preferredAdult });
    await this.seed.caseload.reassign(advisor, studentId, { navigatorId: this.person(handOff.toAdvisorSub) });
  }
}

/** Kept in the tenant's settings: 'seeding' while the seed runs, 'seeded' once it has finished. */
const MARK = 'sampleSchool';

export interface SandboxTenant {
  id: string;
  settings: Record<string, unknown>;
}

async function mark(ctx: AppContext, tenantId: string, state: 'seeding' | 'seeded'): Promise<void> {
  const fresh = await ctx.platforms.find(tenantId);
  await ctx.platforms.update(tenantId, { settings: { ...(fresh?.settings ?? {}), [MARK]: state } });
}

async function seedInto(ctx: AppContext, sim: Simulator, tenant: SandboxTenant, ids: Omit<SeedTarget, 'tenantId'>, canvas?: SandboxCanvas): Promise<void> {
  const started = performance.now();
  await mark(ctx, tenant.id, 'seeding');
  await seedSchool(ctx, sim, { tenantId: tenant.id, ...ids }, canvas);
  await mark(ctx, tenant.id, 'seeded');
  ctx.logger.info({ ms: Math.round(performance.now() - started) }, 'sandbox sample school seeded');
}

/**
 * On start: an empty sandbox gets the sample school once. A sandbox people already launched into
 * before the sample school existed is left alone (the reset button loads it); a seed that was cut
 * off halfway is wiped and run again.
 */
export async function seedIfEmpty(
  ctx: AppContext,
  sim: Simulator,
  registered: { tenant: SandboxTenant } & Omit<SeedTarget, 'tenantId'>,
  register: () => Promise<{ tenant: SandboxTenant } & Omit<SeedTarget, 'tenantId'>>,
  canvas?: SandboxCanvas,
): Promise<'seeded' | 'kept'> {
  const state = registered.tenant.settings[MARK];
  if (state === 'seeded') return 'kept';
  if (state === undefined && (await ctx.roster.listContexts(registered.tenant.id)).length > 0) return 'kept';
  const target = state === 'seeding' ? await wipe(ctx, registered.tenant.id, register) : registered;
  await seedInto(ctx, sim, target.tenant, target, canvas);
  return 'seeded';
}

/** The reset button: the sandbox tenant and everything the tool holds for it go, then a fresh school. */
export async function resetSchool(
  ctx: AppContext,
  sim: Simulator,
  tenantId: string,
  register: () => Promise<{ tenant: SandboxTenant } & Omit<SeedTarget, 'tenantId'>>,
  canvas?: SandboxCanvas,
): Promise<string> {
  // The school's calendar is the admin's choice, not part of the sample: a reset keeps it.
  const [timeZone, schoolYearStart] = await Promise.all([ctx.platforms.timeZoneOf(tenantId), ctx.platforms.schoolYearStartOf(tenantId)]);
  const target = await wipe(ctx, tenantId, register);
  await ctx.platforms.update(target.tenant.id, { timeZone, schoolYearStart });
  await seedInto(ctx, sim, target.tenant, target, canvas);
  return target.tenant.id;
}

async function wipe<T>(ctx: AppContext, tenantId: string, register: () => Promise<T>): Promise<T> {
  await ctx.platforms.remove(tenantId);
  return register();
}
