import { randomUUID } from 'node:crypto';
import { latencyRows, timed, type BenchSection } from '../bench.js';

const STUDENTS = 30;
const REQUESTS = Number(process.env.BENCH_PAGE_REQUESTS ?? 100);
const WARMUP = 5;
const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/**
 * The advisor's daily pages over loopback HTTP: the caseload of a 30-student advisory (each with
 * goals, a check-in and some open needs) and saving an edited goal (versioned update + audit).
 */
export const section: BenchSection = {
  name: 'caseload-goals',
  async run(env) {
    const { ctx } = env.app;
    const u = randomUUID();
    const tenant = await ctx.platforms.register({
      name: 'Bench school', issuer: `https://bench.test/${u}`, clientId: `bench-${u}`,
      authLoginUrl: 'https://bench.test/auth', accessTokenUrl: 'https://bench.test/token', jwksUrl: 'https://bench.test/jwks',
    });
    const advisory = await ctx.roster.upsertContext(tenant.id, { contextId: `advisory-${u}`, title: 'Bench advisory' });
    const advisor = await ctx.roster.upsertPerson(tenant.id, { sub: 'bench-advisor', name: 'Bench Advisor' });
    await ctx.roster.upsertMembership(tenant.id, { contextId: advisory.id, personId: advisor.id, role: 'advisor', roles: [`${LIS}Instructor`] });
    const ltik = await ctx.ltiks.issue({ tid: tenant.id, pid: advisor.id, cid: advisory.id, role: 'advisor' });
    const user = (await ctx.roster.userFromClaims({ tid: tenant.id, pid: advisor.id, cid: advisory.id, role: 'advisor' }))!;
    const { studentInScope } = await import('../../../src/web/student-scope.js');
    const goalIds: { studentId: string; goalId: string }[] = [];
    for (let i = 0; i < STUDENTS; i++) {
      const p = await ctx.roster.upsertPerson(tenant.id, { sub: `bench-student-${i}`, name: `Bench Student ${i}` });
      await ctx.roster.upsertMembership(tenant.id, { contextId: advisory.id, personId: p.id, role: 'student', roles: [`${LIS}Learner`] });
      const s = await studentInScope(ctx, user, p.id);
      for (const statement of ['Read 20 pages every school day', 'Turn in every math homework on time']) {
        const g = await ctx.goals.create(user, s, { category: 'academic', statement, measure: 'log', target: '4 weeks', targetDate: null, why: 'bench' });
        goalIds.push({ studentId: p.id, goalId: g.id });
      }
      await ctx.checkins.record(user, s, {
        date: '2026-03-02', format: 'in_person', attended: true, week: 1, wellbeing: 1 + (i % 5), sharedNote: 'bench', adultNote: 'bench',
        answers: {}, needs: i % 4 === 0 ? { housing: 'urgent', technology: 'concern' } : {},
      });
    }
    env.progress(`seeded ${STUDENTS} students`);

    const caseload = async () => {
      const res = await fetch(`${env.baseUrl}/caseload?ltik=${encodeURIComponent(ltik)}`, { headers: { accept: 'text/html' } });
      const text = await res.text();
      if (res.status !== 200 || !text.includes('Bench Student 29')) throw new Error(`caseload answered ${res.status}`);
    };
    const target = goalIds[0]!;
    let version = 1;
    const saveGoal = async () => {
      const body = new URLSearchParams({ ltik, version: String(version), category: 'academic', statement: `Read 20 pages every school day (${version})`, measure: 'log', target: '4 weeks', targetDate: '', why: 'bench' });
      const res = await fetch(`${env.baseUrl}/students/${target.studentId}/goals/${target.goalId}`, { method: 'POST', body, redirect: 'manual', headers: { accept: 'text/html' } });
      if (res.status !== 303) throw new Error(`goal save answered ${res.status}`);
      await res.arrayBuffer();
      version++;
    };
    for (let i = 0; i < WARMUP; i++) {
      await caseload();
      await saveGoal();
    }
    const pageSamples: number[] = [];
    for (let i = 0; i < REQUESTS; i++) pageSamples.push((await timed(caseload)).ms);
    const saveSamples: number[] = [];
    for (let i = 0; i < REQUESTS; i++) saveSamples.push((await timed(saveGoal)).ms);
    return [...latencyRows(`caseload page (${STUDENTS} students)`, pageSamples), ...latencyRows('save a goal (versioned edit + audit)', saveSamples)];
  },
};
