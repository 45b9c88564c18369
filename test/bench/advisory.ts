import { randomUUID } from 'node:crypto';
import type { AppUser } from '../../src/auth/user.js';
import type { Person } from '../../src/roster/roster.service.js';
import { validData } from '../../src/web/forms.js';
import { timed, type BenchEnv } from './bench.js';
import { LIS } from './platform.js';

export interface BenchAdvisory {
  tenantId: string;
  /** The advisor's ltik, as a launch into the advisory issues it. */
  ltik: string;
  advisor: AppUser;
  students: Person[];
  /** Two goals per student, in student order. */
  goals: { studentId: string; goalId: string }[];
}

/**
 * A fresh tenant with an advisory of `size` students, each with two goals, a check-in and (every
 * fourth student) open needs: the data an advisor's day reads. Written through the services, as
 * the pages would write it.
 */
export async function seedAdvisory(env: BenchEnv, size: number): Promise<BenchAdvisory> {
  const { ctx } = env.app;
  const u = randomUUID();
  const tenant = await ctx.platforms.register({
    name: 'Bench school', issuer: `https://bench.test/${u}`, clientId: `bench-${u}`,
    authLoginUrl: 'https://bench.test/auth', accessTokenUrl: 'https://bench.test/token', jwksUrl: 'https://bench.test/jwks',
  });
  const advisory = await ctx.roster.upsertContext(tenant.id, { contextId: `advisory-${u}`, title: 'Bench advisory', placementKind: 'advisory' });
  const person = await ctx.roster.upsertPerson(tenant.id, { sub: 'bench-advisor', name: 'Bench Advisor' });
  await ctx.roster.upsertMembership(tenant.id, { contextId: advisory.id, personId: person.id, role: 'advisor', roles: [`${LIS}Instructor`] });
  const claims = { tid: tenant.id, pid: person.id, cid: advisory.id, role: 'advisor' } as const;
  const ltik = await ctx.ltiks.issue(claims);
  const advisor = (await ctx.roster.userFromClaims(claims))!;
  const students: Person[] = [];
  // The first check-in is in week 1: a navigator answers its questions when the student came.
  const week1Answers = Object.fromEntries(ctx.checkins.script.weeks[0]!.questions.map((q) => [`answer.${q.id}`, 'bench']));
  const goals: BenchAdvisory['goals'] = [];
  for (let i = 0; i < size; i++) {
    const p = await ctx.roster.upsertPerson(tenant.id, { sub: `bench-student-${i}`, name: `Bench Student ${i}` });
    await ctx.roster.upsertMembership(tenant.id, { contextId: advisory.id, personId: p.id, role: 'student', roles: [`${LIS}Learner`] });
    students.push(p);
    for (const statement of ['Read 20 pages every school day', 'Turn in every math homework on time']) {
      const g = await ctx.goals.create(advisor, p.id, validData({ category: 'academic', statement, measure: 'log', target: '4 weeks', targetDate: null, why: 'bench' }));
      goals.push({ studentId: p.id, goalId: g.id });
    }
    await ctx.checkins.record(advisor, p.id, {
      date: '2026-03-02', format: 'in_person', attended: 'yes', wellbeing: String(1 + (i % 5)), sharedNote: 'bench', adultNote: 'bench',
      ...week1Answers, ...(i % 4 === 0 ? { 'need.housing': 'urgent', 'need.technology': 'concern' } : {}),
    });
  }
  env.progress(`seeded ${size} students`);
  return { tenantId: tenant.id, ltik, advisor, students, goals };
}

/** A tool page's HTML as the holder of `ltik` reads it; fails the bench unless it answers 200. */
export async function readPage(env: BenchEnv, ltik: string, pathname: string, query: Record<string, string> = {}): Promise<string> {
  const url = new URL(pathname, env.baseUrl);
  url.search = new URLSearchParams({ ...query, ltik }).toString();
  const res = await fetch(url, { headers: { accept: 'text/html' } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${pathname} answered ${res.status}`);
  return text;
}

/** GET a tool page as the advisor; fails the bench unless it answers 200 with `expect` in it. */
export async function getPage(env: BenchEnv, ltik: string, pathname: string, expect: string): Promise<void> {
  if (!(await readPage(env, ltik, pathname)).includes(expect)) throw new Error(`${pathname} answered without "${expect}"`);
}

/** The size and sample counts every page section uses, so their figures compare. */
export const PAGE_BENCH = { students: 30, requests: Number(process.env.BENCH_PAGE_REQUESTS ?? 100), warmup: 5 };

/** Warms up, then times `fn` PAGE_BENCH.requests times, one request at a time. */
export async function samplePage(fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < PAGE_BENCH.warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < PAGE_BENCH.requests; i++) samples.push((await timed(fn)).ms);
  return samples;
}

/** POST a tool form as the advisor; fails the bench unless it answers with the redirect a successful save gives. */
export async function postForm(env: BenchEnv, ltik: string, pathname: string, fields: Record<string, string>): Promise<void> {
  const res = await fetch(`${env.baseUrl}${pathname}`, { method: 'POST', body: new URLSearchParams({ ...fields, ltik }), redirect: 'manual', headers: { accept: 'text/html' } });
  await res.arrayBuffer();
  if (res.status !== 303) throw new Error(`${pathname} answered ${res.status}`);
}
