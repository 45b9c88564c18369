import { latencyRows, timed, type BenchSection } from '../bench.js';
import { getPage, seedAdvisory } from '../advisory.js';

const STUDENTS = 30;
const REQUESTS = Number(process.env.BENCH_PAGE_REQUESTS ?? 100);
const WARMUP = 5;

/**
 * The advisor's daily pages over loopback HTTP: the caseload of a 30-student advisory (each with
 * goals, a check-in and some open needs) and saving an edited goal (versioned update + audit).
 */
export const section: BenchSection = {
  name: 'caseload-goals',
  async run(env) {
    const { ltik, goals } = await seedAdvisory(env, STUDENTS);

    const caseload = () => getPage(env, ltik, '/caseload', `Bench Student ${STUDENTS - 1}`);
    const target = goals[0]!;
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
