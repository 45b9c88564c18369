import { latencyRows, timed, type BenchSection } from '../bench.js';
import { getPage, seedAdvisory } from '../advisory.js';

const STUDENTS = 30;
const REQUESTS = Number(process.env.BENCH_PAGE_REQUESTS ?? 100);
const WARMUP = 5;

/**
 * A student's success plan as the advisor opens it from the caseload over loopback HTTP: the
 * template's fields, who wrote what, and the goals section (two goals per student).
 */
export const section: BenchSection = {
  name: 'plan',
  async run(env) {
    const { ltik, students } = await seedAdvisory(env, STUDENTS);
    const { student } = students[0]!;
    const planPage = () => getPage(env, ltik, `/students/${student.id}/plan`, student.name);
    for (let i = 0; i < WARMUP; i++) await planPage();
    const samples: number[] = [];
    for (let i = 0; i < REQUESTS; i++) samples.push((await timed(planPage)).ms);
    return latencyRows('plan page', samples);
  },
};
