import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { planEntries, plans } from '../../../src/db/schema.js';
import { voicesOf, type Voice } from '../../../src/plans/plans.schemas.js';

type Agent = ReturnType<typeof asUser>;

/**
 * Issue 8, item 3: on PostgreSQL, people saving different fields of one plan at once were refused as
 * conflicts. Only a save over newer words of the same field in the same voice is a conflict.
 */
describe('success plans: concurrent saves', () => {
  let t: TestApp;
  let school: SeededSchool;
  let student: Agent;
  let advisor: Agent;
  let coAdvisor: Agent;

  const planUrl = (id: string) => `/students/${id}/plan`;
  /** The version of each field's words the page carried for the editor's voice. */
  const versionsOf = (html: string): Record<string, number> => Object.fromEntries([...html.matchAll(/name="version\.([a-z0-9-]+)" value="(\d+)"/g)].map((m) => [m[1]!, Number(m[2])]));
  const save = (who: Agent, studentId: string, section: string, voice: Voice, field: string, text: string, version: number) =>
    who.post(`${planUrl(studentId)}/fields`, { section, voice, [`text.${field}`]: text, [`version.${field}`]: String(version) });
  const pageOf = async (who: Agent, studentId: string) => (await who.get(planUrl(studentId)).expect(200)).text;
  const textsOf = async (studentId: string) => {
    const [p] = await t.ctx.db.select().from(plans).where(and(eq(plans.tenantId, school.tenantId), eq(plans.studentId, studentId)));
    const rows = p ? await t.ctx.db.select().from(planEntries).where(eq(planEntries.planId, p.id)) : [];
    return new Map(rows.map((r) => [`${r.fieldKey}/${r.voice}`, r.text]));
  };

  before(async () => {
    t = await createTestApp();
    school = await seedSchool(t.ctx);
    // A second adult on the advisory (a counselor), so three people write at once.
    const counselor = await t.ctx.roster.upsertPerson(school.tenantId, { sub: `counselor-${school.tenantId}`, name: 'Cal Counselor' });
    await t.ctx.roster.upsertMembership(school.tenantId, { contextId: school.advisoryId, personId: counselor.id, role: 'advisor', roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'], mentees: [] });
    student = asUser(t.app, await ltikFor(t.ctx, school.students[1], 'student', school.advisoryId));
    advisor = asUser(t.app, await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId));
    coAdvisor = asUser(t.app, await ltikFor(t.ctx, counselor, 'advisor', school.advisoryId));
  });

  it('keeps all of 50 concurrent saves to 21 different fields, each saved from the page it was typed on', async () => {
    const s = school.students[1].id;
    // Every field in every voice of the template: the student writes theirs, the two adults share the adult ones.
    const targets = t.ctx.plans.template.sections.flatMap((sec) => sec.fields.flatMap((f) => voicesOf(f).map((voice) => ({ section: sec.key, field: f.key, voice }))));
    expect(targets).to.have.length(21);
    let adultTurn = 0;
    const chains = targets.map((target, i) => ({
      ...target,
      who: target.voice === 'student' ? student : adultTurn++ % 2 === 0 ? advisor : coAdvisor,
      // 50 saves over 21 fields: 8 fields saved three times, 13 twice.
      saves: i < 8 ? 3 : 2,
    }));
    expect(chains.reduce((n, c) => n + c.saves, 0)).to.equal(50);

    const loaded = { student: versionsOf(await pageOf(student, s)), advisor: versionsOf(await pageOf(advisor, s)), coAdvisor: versionsOf(await pageOf(coAdvisor, s)) };
    const statuses: number[] = [];
    // Each field's saves follow one another as a person's would (save, land back on the page, type, save);
    // the 21 fields' chains all run at once.
    await Promise.all(
      chains.map(async (c) => {
        let version = (c.who === student ? loaded.student : c.who === advisor ? loaded.advisor : loaded.coAdvisor)[c.field] ?? 0;
        for (let n = 1; n <= c.saves; n++) {
          const res = await save(c.who, s, c.section, c.voice, c.field, `${c.voice} words for ${c.field}, take ${n}`, version);
          statuses.push(res.status);
          if (res.status !== 303) return;
          version = versionsOf(await pageOf(c.who, s))[c.field]!;
        }
      }),
    );
    expect(statuses.filter((st) => st !== 303), 'saves refused').to.deep.equal([]);
    expect(statuses).to.have.length(50);
    const texts = await textsOf(s);
    for (const c of chains) expect(texts.get(`${c.field}/${c.voice}`), `${c.field} (${c.voice})`).to.equal(`${c.voice} words for ${c.field}, take ${c.saves}`);
    const [p] = await t.ctx.db.select().from(plans).where(and(eq(plans.tenantId, school.tenantId), eq(plans.studentId, s)));
    expect(p!.version, 'every save counted once').to.equal(50);
  });

  it('still refuses a save over newer words of the same field, showing the saved text and keeping the person\'s own', async () => {
    const s = school.students[2].id;
    const v = versionsOf(await pageOf(advisor, s))['supports']!;
    // Two adults, both on the page as it was, save the same field at once: one lands, the other is a conflict.
    const [a, b] = await Promise.all([
      save(advisor, s, 'needs-supports', 'adult', 'supports', 'Tutoring on Tuesdays', v),
      save(coAdvisor, s, 'needs-supports', 'adult', 'supports', 'Mentoring with a senior', v),
    ]);
    expect([a.status, b.status].sort()).to.deep.equal([303, 409]);
    const [won, lost, mine, theirs] = a.status === 303 ? [a, b, 'Mentoring with a senior', 'Tutoring on Tuesdays'] : [b, a, 'Tutoring on Tuesdays', 'Mentoring with a senior'];
    expect(won.status).to.equal(303);
    expect((await textsOf(s)).get('supports/adult')).to.equal(theirs);
    // The refused person's words stay in their box; the saved words are shown beside them (never an empty "Saved text").
    expect(lost.text).to.match(new RegExp(`<textarea[^>]+id="text-supports-adult"[^>]*>${mine}</textarea>`));
    expect(lost.text).to.match(new RegExp(`<blockquote class="conflict-theirs">${theirs}</blockquote>`));
    expect(lost.text).to.contain('changed this while you were editing');
    // Saving again from the conflict page carries the version now saved: a deliberate overwrite goes through.
    await save(a.status === 303 ? coAdvisor : advisor, s, 'needs-supports', 'adult', 'supports', mine, versionsOf(lost.text)['supports']!).expect(303);
    expect((await textsOf(s)).get('supports/adult')).to.equal(mine);
  });
});
