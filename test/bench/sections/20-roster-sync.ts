import { LtiAgent } from '../../support/lti-agent.js';
import { ms, timed, type BenchRow, type BenchSection } from '../bench.js';
import { LIS, simulatedPlatform } from '../platform.js';

const MEMBERS = Number(process.env.BENCH_ROSTER ?? 5000);
const COURSE = 'bench-big-course';

/**
 * NRPS roster sync of a course of MEMBERS people (Canvas-shaped: 50 a page). The first sync is the
 * one a teacher's launch starts; then a manual re-sync with nothing changed, then one with churn.
 */
export const section: BenchSection = {
  name: 'roster-sync',
  async run(env) {
    const rows: BenchRow[] = [];
    for (const profile of ['canvas', 'schoology'] as const) {
      const p = await simulatedPlatform(env, profile);
      try {
        const { sim } = p.handle;
        sim.addCourse({ id: COURSE, label: 'BIG', title: 'Bench big course' });
        sim.addUser({ sub: 'big-teacher', name: 'Big Teacher' });
        sim.enroll(COURSE, 'big-teacher', [`${LIS}Instructor`]);
        for (let i = 1; i < MEMBERS; i++) {
          sim.addUser({ sub: `big-${i}`, name: `Student ${i}`, givenName: 'Student', familyName: String(i), email: `s${i}@bench.test` });
          sim.enroll(COURSE, `big-${i}`, [`${LIS}Learner`]);
        }
        const res = await new LtiAgent().launch(sim.launchUrl({ clientId: p.clientId, userSub: 'big-teacher', courseId: COURSE }));
        if (res.status !== 200) throw new Error(`teacher launch ended with ${res.status}`);
        await env.app.ctx.rosterSync.idle();
        const contexts = await env.app.ctx.roster.listContexts(p.tenant.id);
        const context = contexts.find((c) => c.contextId === COURSE) ?? contexts[0];
        if (!context) throw new Error('the launch recorded no context');
        let [run] = await env.app.ctx.rosterSync.listRuns(p.tenant.id, context.id, 1);
        // The launch normally starts the first sync; if it did not, start it here.
        if (!run) {
          await env.app.ctx.rosterSync.syncContext(p.tenant.id, context.id, 'manual');
          [run] = await env.app.ctx.rosterSync.listRuns(p.tenant.id, context.id, 1);
        }
        if (!run || run.status !== 'succeeded') throw new Error(`first sync: ${run?.status ?? 'no run'} ${run?.error ?? ''}`);
        const firstMs = run.finishedAt!.getTime() - run.startedAt.getTime();
        rows.push({ metric: `${profile}: first sync, ${run.members} members`, value: ms(firstMs), note: `${run.pages} pages, ${run.added} added (trigger: ${run.trigger})` });

        const again = await timed(() => env.app.ctx.rosterSync.syncContext(p.tenant.id, context.id, 'manual'));
        rows.push({ metric: `${profile}: re-sync, nothing changed`, value: ms(again.ms), note: `${again.result.pages} pages, ${again.result.updated} updated; fetch ${again.result.fetchMs} ms, write ${again.result.writeMs} ms` });

        for (let i = 1; i <= 100; i++) sim.unenroll(COURSE, `big-${i}`);
        for (let i = 0; i < 100; i++) {
          sim.addUser({ sub: `big-new-${i}`, name: `New ${i}` });
          sim.enroll(COURSE, `big-new-${i}`, [`${LIS}Learner`]);
        }
        const churn = await timed(() => env.app.ctx.rosterSync.syncContext(p.tenant.id, context.id, 'manual'));
        if (churn.result.status !== 'succeeded') throw new Error(`churn sync: ${churn.result.error}`);
        rows.push({ metric: `${profile}: re-sync, 100 left + 100 joined`, value: ms(churn.ms), note: `${churn.result.added} added, ${churn.result.deactivated} deactivated; fetch ${churn.result.fetchMs} ms, write ${churn.result.writeMs} ms` });
      } finally {
        await p.close();
      }
    }
    return rows;
  },
};
