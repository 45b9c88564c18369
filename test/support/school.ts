import request from 'supertest';
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/web/context.js';
import type { Person } from '../../src/roster/roster.service.js';
import type { ToolRole } from '../../src/auth/user.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

export interface SeededSchool {
  tenantId: string;
  /** The advisory course (context row id). */
  advisoryId: string;
  /** Another course, taught by otherAdvisor, with none of the advisory students. */
  otherCourseId: string;
  advisor: Person;
  students: [Person, Person, Person];
  /** Family member whose role_scope_mentor names students[0]. */
  mentor: Person;
  otherAdvisor: Person;
  admin: Person;
  other: { tenantId: string; contextId: string; student: Person; advisor: Person };
}

async function tenant(ctx: AppContext, name: string): Promise<string> {
  const id = randomUUID();
  const t = await ctx.platforms.register({
    name,
    issuer: `https://lms.test/${id}`,
    clientId: `client-${id}`,
    authLoginUrl: `https://lms.test/${id}/auth`,
    accessTokenUrl: `https://lms.test/${id}/token`,
    jwksUrl: `https://lms.test/${id}/jwks`,
  });
  return t.id;
}

/**
 * A small school with unique ids (tests share one database): an advisory with an advisor and three
 * students, a mentor scoped to the first student, an advisor of another course, an admin, and a
 * second tenant with its own student and advisor.
 */
export async function seedSchool(ctx: AppContext): Promise<SeededSchool> {
  const u = randomUUID().slice(0, 8);
  const tenantId = await tenant(ctx, `School ${u}`);
  const person = (tid: string, sub: string, name: string) => ctx.roster.upsertPerson(tid, { sub: `${sub}-${u}`, name });
  const member = (tid: string, contextId: string, personId: string, role: ToolRole, lis: string, mentees: string[] = []) =>
    ctx.roster.upsertMembership(tid, { contextId, personId, role, roles: [`${LIS}${lis}`], mentees });

  const advisory = await ctx.roster.upsertContext(tenantId, { contextId: `advisory-${u}`, title: `Advisory 9B ${u}`, placementKind: 'advisory' });
  const otherCourse = await ctx.roster.upsertContext(tenantId, { contextId: `biology-${u}`, title: `Biology ${u}`, placementKind: 'subject' });
  const advisor = await person(tenantId, 'advisor', `Ada Advisor ${u}`);
  const students = [
    await person(tenantId, 's1', `Amara Okafor ${u}`),
    await person(tenantId, 's2', `Liam Nguyen ${u}`),
    await person(tenantId, 's3', `Sofia Reyes ${u}`),
  ] as [Person, Person, Person];
  const mentor = await person(tenantId, 'mentor', `Grace Okafor ${u}`);
  const otherAdvisor = await person(tenantId, 'other-advisor', `Olu Other ${u}`);
  const admin = await person(tenantId, 'admin', `Ann Admin ${u}`);
  await member(tenantId, advisory.id, advisor.id, 'advisor', 'Instructor');
  for (const s of students) await member(tenantId, advisory.id, s.id, 'student', 'Learner');
  await member(tenantId, advisory.id, mentor.id, 'family', 'Mentor', [students[0].id]);
  await member(tenantId, otherCourse.id, otherAdvisor.id, 'advisor', 'Instructor');
  await member(tenantId, advisory.id, admin.id, 'admin', 'Administrator');

  const otherTenantId = await tenant(ctx, `Other school ${u}`);
  const otherContext = await ctx.roster.upsertContext(otherTenantId, { contextId: `advisory-${u}`, title: `Other advisory ${u}`, placementKind: 'advisory' });
  const otherStudent = await person(otherTenantId, 's1', `Noor Other ${u}`);
  const otherTeacher = await person(otherTenantId, 'advisor', `Tom Other ${u}`);
  await member(otherTenantId, otherContext.id, otherStudent.id, 'student', 'Learner');
  await member(otherTenantId, otherContext.id, otherTeacher.id, 'advisor', 'Instructor');

  return {
    tenantId,
    advisoryId: advisory.id,
    otherCourseId: otherCourse.id,
    advisor,
    students,
    mentor,
    otherAdvisor,
    admin,
    other: { tenantId: otherTenantId, contextId: otherContext.id, student: otherStudent, advisor: otherTeacher },
  };
}

/** An ltik for a person in a context (the advisory unless said otherwise), as a launch would issue. */
export function ltikFor(ctx: AppContext, person: Person, role: ToolRole, contextId: string | null): Promise<string> {
  return ctx.ltiks.issue({ tid: person.tenantId, pid: person.id, cid: contextId, role });
}

/** Requests as one launched user: the ltik rides in the query (GET) or the form body (POST), as in the pages. */
export function asUser(app: Parameters<typeof request>[0], ltik: string) {
  return {
    get: (path: string) => request(app).get(path).query({ ltik }).set('Accept', 'text/html'),
    post: (path: string, form: Record<string, string> = {}) => request(app).post(path).set('Accept', 'text/html').type('form').send({ ...form, ltik }),
  };
}
