import { sql } from 'drizzle-orm';
import { latencyRows, type BenchSection } from '../bench.js';
import { PAGE_BENCH, readPage, samplePage, seedAdvisory } from '../advisory.js';
import { queryRows } from '../../../src/db/client.js';
import { withTenant } from '../../../src/db/tenant-scope.js';
import { supports } from '../../../src/supports/supports.tables.js';

/** A SQL array of values (drizzle would spread a JS array into a parameter list). */
const array = (values: readonly (string | boolean)[], type: 'uuid' | 'text' | 'boolean') => sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::${sql.raw(type)}[]`;

export const QUEUE_BENCH = { openReferrals: Number(process.env.BENCH_OPEN_REFERRALS ?? 10_000) };

/**
 * The coordinator's referral queue (/referrals) with 10,000 open referrals in the school (issue 11:
 * p95 under 100 ms): the default page (waiting for an answer first, soonest due), overdue only, mine,
 * and a page deep in one state, over loopback HTTP.
 */
export const section: BenchSection = {
  name: 'referral-queue',
  async run(env) {
    const { tenantId, ltik, advisor, students } = await seedAdvisory(env, PAGE_BENCH.students);
    const { db } = env.app.ctx;
    await withTenant(tenantId, async () => {
      // The bench advisor is also the school's coordinator: they own the referrals and work the queue.
      await queryRows(db, sql`update people set staff_roles = '{coordinator}', staff_grants = '[{"role":"coordinator","schoolId":null}]' where tenant_id = ${tenantId} and id = ${advisor.personId}`);
      const made = await db
        .insert(supports)
        .values(['housing', 'food', 'wellbeing', 'tutoring'].map((category, i) => ({ tenantId, name: `Bench support ${i}`, provider: 'Bench', category: category as 'housing', tier: 2, cost: 'free' as const, referral: 'internal' as const, sensitive: category === 'wellbeing' })))
        .returning({ id: supports.id, category: supports.category, sensitive: supports.sensitive });
      const ids = students.map((s) => s.id);
      // One statement: n referrals spread over the students, supports and open states, due from a week ago to a week ahead.
      await queryRows(
        db,
        sql`insert into referrals (tenant_id, student_id, support_id, category, sensitive, reason, urgency, source, referred_by, owner_id, state, due_at, created_at, updated_at)
            select ${tenantId}, (${array(ids, 'uuid')})[1 + g % ${ids.length}], (${array(made.map((m) => m.id), 'uuid')})[1 + g % ${made.length}],
                   (${array(made.map((m) => m.category), 'text')})[1 + g % ${made.length}], (${array(made.map((m) => m.sensitive), 'boolean')})[1 + g % ${made.length}],
                   'Bench reason', case when g % 3 = 0 then 'urgent' else 'routine' end, 'direct', ${advisor.personId}, ${advisor.personId},
                   (array['requested','accepted','in_service'])[1 + g % 3], now() + ((g % 336) - 168) * interval '1 hour', now(), now()
            from generate_series(1, ${QUEUE_BENCH.openReferrals}) g`,
      );
    });
    env.progress(`seeded ${QUEUE_BENCH.openReferrals} open referrals`);
    const title = 'Referral queue';
    const page = (query: Record<string, string>) =>
      samplePage(async () => {
        if (!(await readPage(env, ltik, '/referrals', query)).includes(title)) throw new Error('the queue answered without its title');
      });
    const n = QUEUE_BENCH.openReferrals;
    return [
      ...latencyRows(`queue, default page (${n} open)`, await page({})),
      ...latencyRows(`queue, overdue only (${n} open)`, await page({ overdue: '1' })),
      ...latencyRows(`queue, mine, page 40 (${n} open)`, await page({ mine: '1', page: '40' })),
      ...latencyRows(`queue, accepted, category housing (${n} open)`, await page({ state: 'accepted', category: 'housing' })),
    ];
  },
};
