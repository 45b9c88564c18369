import { LtiAgent } from '../../support/lti-agent.js';
import { latencyRows, timed, type BenchSection } from '../bench.js';
import { LIS, simulatedPlatform } from '../platform.js';

const LAUNCHES = Number(process.env.BENCH_LAUNCHES ?? 200);
const WARMUP = 10;
const STUDENTS = 24;

/**
 * Full OIDC launches over loopback HTTP, each in a fresh "browser": simulator launch URL -> tool
 * login -> simulator auth -> tool launch -> role home page. Teacher and students take turns.
 */
export const section: BenchSection = {
  name: 'launch',
  async run(env) {
    const p = await simulatedPlatform(env, 'canvas');
    try {
      const { sim } = p.handle;
      sim.addCourse({ id: 'bench-advisory', label: 'ADV', title: 'Bench advisory', custom: { advisory: 'true' } });
      const users = ['bench-teacher', ...Array.from({ length: STUDENTS }, (_, i) => `bench-student-${i}`)];
      for (const [i, sub] of users.entries()) {
        sim.addUser({ sub, name: i === 0 ? 'Bench Teacher' : `Bench Student ${i}` });
        sim.enroll('bench-advisory', sub, [i === 0 ? `${LIS}Instructor` : `${LIS}Learner`]);
      }
      const launch = async (n: number) => {
        const userSub = users[n % users.length]!;
        const res = await new LtiAgent().launch(sim.launchUrl({ clientId: p.clientId, userSub, courseId: 'bench-advisory' }));
        const home = n % users.length === 0 ? '/caseload' : '/my-plan';
        if (res.status !== 200 || !res.ltik || new URL(res.url).pathname !== home) throw new Error(`launch ${n} as ${userSub} ended with ${res.status} at ${new URL(res.url).pathname}`);
      };
      // Warm-up: JIT, the platform's JWKS fetch and the first roster sync are not what a launch costs.
      for (let i = 0; i < WARMUP; i++) await launch(i);
      await env.app.ctx.rosterSync.idle();
      const samples: number[] = [];
      for (let i = 0; i < LAUNCHES; i++) {
        samples.push((await timed(() => launch(i))).ms);
        if ((i + 1) % 50 === 0) env.progress(`${i + 1}/${LAUNCHES} launches`);
      }
      return latencyRows('full OIDC launch (login -> auth -> launch -> home)', samples);
    } finally {
      await p.close();
    }
  },
};
