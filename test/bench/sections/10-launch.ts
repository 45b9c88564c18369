import { LtiAgent } from '../../support/lti-agent.js';
import { latencyRows, percentile, timed, type BenchRow, type BenchSection } from '../bench.js';
import { LIS, simulatedPlatform } from '../platform.js';
import { BARE_PAGE, startBareLtijs } from '../bare-ltijs.js';
import { profiled } from '../cpu-profile.js';

const LAUNCHES = Number(process.env.BENCH_LAUNCHES ?? 200);
const WARMUP = 10;
const STUDENTS = 24;
/** A folder: after the timed pairs, the tool's launches alone run again under the CPU profiler. */
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;

const p50 = (samples: number[]) => percentile([...samples].sort((a, b) => a - b), 50);

/** Tool p50 over bare-ltijs p50, the issue-9 target being at most 1.3x. */
function ratioRow(label: string, tool: number[], bare: number[]): BenchRow {
  return { metric: `launch ratio, ${label} (tool p50 / bare ltijs p50)`, value: `${(p50(tool) / p50(bare)).toFixed(2)}x`, note: 'target <= 1.3x' };
}

/**
 * Full OIDC launches over loopback HTTP, each in a fresh "browser": simulator launch URL -> tool
 * login -> simulator auth -> tool launch -> role home page. Advisor and students take turns, and
 * each of the tool's launches is followed by the same user's launch of a bare ltijs tool on the same
 * simulator (login, id_token, one-line page), so both share the run's conditions and the ratio
 * says what the tool adds to what ltijs alone costs. With BENCH_CPU_PROFILE=<folder>, the tool's
 * launches (with the simulator and the client, which share the process) are then profiled on their own.
 */
export const section: BenchSection = {
  name: 'launch',
  async run(env) {
    const p = await simulatedPlatform(env, 'canvas');
    const bare = await startBareLtijs(env, p.handle);
    try {
      const { sim } = p.handle;
      sim.addCourse({ id: 'bench-advisory', label: 'ADV', title: 'Bench advisory', custom: { advisory: 'true' } });
      const teacher = 'bench-teacher';
      const students = Array.from({ length: STUDENTS }, (_, i) => `bench-student-${i}`);
      for (const [i, sub] of [teacher, ...students].entries()) {
        sim.addUser({ sub, name: i === 0 ? 'Bench Teacher' : `Bench Student ${i}` });
        sim.enroll('bench-advisory', sub, [i === 0 ? `${LIS}Instructor` : `${LIS}Learner`]);
      }
      // Even launches are the advisor's, odd ones a student's (each student in turn).
      const userOf = (n: number) => (n % 2 === 0 ? teacher : students[((n - 1) / 2) % STUDENTS]!);
      const launchTool = async (n: number) => {
        const userSub = userOf(n);
        const res = await new LtiAgent().launch(sim.launchUrl({ clientId: p.clientId, userSub, courseId: 'bench-advisory' }));
        const home = userSub === teacher ? '/caseload' : '/my-plan';
        if (res.status !== 200 || !res.ltik || new URL(res.url).pathname !== home) throw new Error(`launch ${n} as ${userSub} ended with ${res.status} at ${new URL(res.url).pathname}`);
      };
      const launchBare = async (n: number) => {
        const res = await new LtiAgent().launch(sim.launchUrl({ clientId: bare.clientId, userSub: userOf(n), courseId: 'bench-advisory' }));
        if (res.status !== 200 || !res.ltik || !res.body.includes(BARE_PAGE)) throw new Error(`bare ltijs launch ${n} ended with ${res.status} at ${new URL(res.url).pathname}`);
      };
      // Warm-up: JIT, the platform's JWKS fetch and the first roster sync are not what a launch costs.
      for (let i = 0; i < WARMUP; i++) {
        await launchTool(i);
        await launchBare(i);
      }
      await env.app.ctx.rosterSync.idle();
      // Statements per warm launch, login to home page (what PGlite's one connection runs in turn).
      const queriesOf = async (n: number) => {
        env.progress(`queries of launch ${n}:`);
        const before = env.queryCount();
        await launchTool(n);
        return env.queryCount() - before;
      };
      const queryRows: BenchRow[] = [
        { metric: 'queries per warm launch, advisor -> caseload', value: String(await queriesOf(0)) },
        { metric: 'queries per warm launch, student -> my plan', value: String(await queriesOf(1)) },
      ];
      const tool = { advisor: [] as number[], student: [] as number[] };
      const bareMs = { advisor: [] as number[], student: [] as number[] };
      for (let i = 0; i < LAUNCHES; i++) {
        const role = i % 2 === 0 ? 'advisor' : 'student';
        tool[role].push((await timed(() => launchTool(i))).ms);
        bareMs[role].push((await timed(() => launchBare(i))).ms);
        if ((i + 1) % 50 === 0) env.progress(`${i + 1}/${LAUNCHES} launch pairs`);
      }
      const profile = PROFILE_DIR
        ? await profiled(PROFILE_DIR, `launch-${env.driver}`, async () => {
            for (let i = 0; i < LAUNCHES; i++) await launchTool(i);
          })
        : [];
      const allTool = [...tool.advisor, ...tool.student];
      const allBare = [...bareMs.advisor, ...bareMs.student];
      return [
        ...latencyRows('full OIDC launch, advisor -> caseload', tool.advisor),
        ...latencyRows('full OIDC launch, student -> my plan', tool.student),
        ...latencyRows('bare ltijs launch (login -> auth -> launch -> one-line page)', allBare),
        ratioRow('advisor caseload', tool.advisor, bareMs.advisor),
        ratioRow('student home', tool.student, bareMs.student),
        ratioRow('all', allTool, allBare),
        ...queryRows,
        ...profile,
      ];
    } finally {
      await bare.close();
      await p.close();
    }
  },
};
