import { latencyRows, type BenchSection } from '../bench.js';
import { getPage, PAGE_BENCH, postForm, samplePage, seedAdvisory } from '../advisory.js';

/**
 * The advisor's daily pages over loopback HTTP: the caseload of a 30-student advisory (each with
 * goals, a check-in and some open needs) and saving an edited goal (versioned update + audit).
 */
export const section: BenchSection = {
  name: 'caseload-goals',
  async run(env) {
    const { ltik, goals, advisor } = await seedAdvisory(env, PAGE_BENCH.students);
    const target = goals[0]!;
    let version = 1;
    const saveGoal = async () => {
      await postForm(env, ltik, `/students/${target.studentId}/goals/${target.goalId}`, {
        version: String(version), category: 'academic', statement: `Read 20 pages every school day (${version})`, measure: 'log', target: '4 weeks', targetDate: '', why: 'bench',
      });
      version++;
    };
    const pageSamples = await samplePage(() => getPage(env, ltik, '/caseload', `Bench Student ${PAGE_BENCH.students - 1}`));
    const saveSamples = await samplePage(saveGoal);
    // The same page once the school publishes its own word for its navigators (issue 14, terminology): every
    // text is then worded and cached for the school's words as well as the shipped ones.
    const admin = { ...advisor, role: 'admin' as const };
    const words = { navigator: { one: 'success coach', other: 'success coaches', es: { one: 'mentor', other: 'mentores' } } };
    const draft = await env.app.ctx.configuration.saveDraft(admin, 'terminology', { body: words, edits: null });
    await env.app.ctx.configuration.publish(admin, 'terminology', draft.version);
    const ownWords = await samplePage(() => getPage(env, ltik, '/caseload', `Bench Student ${PAGE_BENCH.students - 1}`));
    return [
      ...latencyRows(`caseload page (${PAGE_BENCH.students} students)`, pageSamples),
      ...latencyRows('save a goal (versioned edit + audit)', saveSamples),
      ...latencyRows(`caseload page (${PAGE_BENCH.students} students), the school's own word for navigators`, ownWords),
    ];
  },
};
