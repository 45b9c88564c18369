import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Tx } from '../../../src/db/client.js';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { launchFixture, LIS, type LaunchFixture } from '../../support/launch-fixture.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { seedSchool, type SeededSchool } from '../../support/school.js';
import { fillForm, seatLtiks, textForms, type Seat, type TextForm } from '../../support/forms.js';

/** Changing tables is the owner's: the app's role (row-level security) may not. SET LOCAL ends with the transaction. */
async function asOwner(db: Db, fn: (tx: Tx) => Promise<void>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local role none`);
    await fn(tx);
  });
}

/**
 * Issue 8, item 2: record text and personal data never reach the log. Marked text goes through every
 * form and every launch seat; then the database refuses every row holding the marks (a check
 * constraint: PostgreSQL's error then quotes the whole failing row) and the same is sent again. The
 * marks must appear nowhere in the log, nor on the error pages.
 */
describe('no record text in the log', function () {
  this.timeout(180_000);
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  const mark = `MARK-${id}`;
  const email = `mark.${id}@example.test`;
  const name = `Markus Zeller${id}`;
  const marked = (what: string) => `${mark} ${what} ${name} ${email}`;
  const marks = [mark, email, name, id];

  let tool: RunningTool;
  let f: LaunchFixture;
  let school: SeededSchool;
  let ltiks: Record<Seat, string>;
  let forms: TextForm[];
  const constraints: { table: string; name: string }[] = [];

  const expectNoMarks = (text: string, where: string) => {
    for (const m of marks) expect(text.includes(m), `${where} holds ${m}`).to.equal(false);
  };
  const log = () => tool.t.logs.text();

  const launchSeat = (sub: string, courseId: string) => new LtiAgent().launch(f.platform.launchUrl({ clientId: f.clientId, userSub: sub, courseId }));
  const addMarkedSeat = (sub: string, courseId: string, roles: string[], mentees?: string[]) => {
    f.platform.addUser({ sub, name: marked('name'), givenName: `${name} given`, familyName: `${name} family`, email, sourcedId: mark, roles: roles.filter((r) => r.includes('/institution/')) });
    f.platform.enroll(courseId, sub, roles, { mentees });
  };
  const seats: [string, string[]][] = [
    ['Learner', [`${LIS}membership#Learner`]],
    ['Instructor', [`${LIS}membership#Instructor`]],
    ['Mentor', [`${LIS}membership#Mentor`]],
    ['Administrator', [`${LIS}institution/person#Administrator`]],
  ];

  before(async () => {
    tool = await startTool();
    f = await launchFixture(tool, 'canvas');
    school = await seedSchool(tool.t.ctx);
    ltiks = await seatLtiks(tool.t.ctx, school);
    forms = await textForms(tool.t.app, school, ltiks);
  });
  after(async () => {
    await asOwner(tool.t.ctx.db, async (tx) => {
      for (const c of constraints) await tx.execute(sql`alter table ${sql.identifier(c.table)} drop constraint if exists ${sql.identifier(c.name)}`);
    });
    await f.close();
    await tool.close();
  });

  it('launches of every seat with a marked name, e-mail and course title log none of it', async () => {
    const courseId = `course-${randomUUID()}`;
    f.platform.addCourse({ id: courseId, label: mark, title: marked('course'), custom: { advisory: 'true' } });
    for (const [role, roles] of seats) {
      addMarkedSeat(`${role}-${id}`, courseId, roles, role === 'Mentor' ? [`Learner-${id}`] : undefined);
    }
    for (const [role] of seats) {
      const res = await launchSeat(`${role}-${id}`, courseId);
      expect(res.status, `${role}: ${res.body.slice(0, 200)}`).to.equal(200);
    }
    await tool.t.ctx.rosterSync.idle();
    expect(log()).to.contain('roster sync done');
    expectNoMarks(log(), 'the log');
  });

  it('every text field of every form, saved, logs none of it', async () => {
    for (const form of forms) {
      const body = await fillForm(tool.t.app, form, ltiks[form.seat], (field) => (field === 'clientId' ? `${mark}-${randomUUID()}` : marked(field)));
      const res = await request(tool.t.app).post(form.action).set('Accept', 'text/html').type('form').send(body);
      expect(res.status, `${form.name}: ${res.text.slice(0, 300)}`).to.equal(303);
    }
    expectNoMarks(log(), 'the log');
  });

  it('with the database refusing the marked rows, the error pages and the log hold none of it', async () => {
    // Every text, array and JSON column refuses a value with the mark: PostgreSQL's error carries the row.
    const columns = await queryRows<{ table_name: string; column_name: string }>(
      tool.t.ctx.db,
      sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and data_type in ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
    );
    await asOwner(tool.t.ctx.db, async (tx) => {
      for (const [i, c] of columns.entries()) {
        const constraint = { table: c.table_name, name: `no_mark_${id}_${i}` };
        await tx.execute(
          sql`alter table ${sql.identifier(c.table_name)} add constraint ${sql.identifier(constraint.name)} check (strpos(${sql.identifier(c.column_name)}::text, ${sql.raw(`'${mark}'`)}) = 0) not valid`,
        );
        constraints.push(constraint);
      }
    });
    const logBefore = tool.t.logs.lines.length;
    const statuses: string[] = [];
    for (const form of forms) {
      const body = await fillForm(tool.t.app, form, ltiks[form.seat], (field) => (field === 'clientId' ? `${mark}-${randomUUID()}` : marked(`refused ${field}`)));
      const res = await request(tool.t.app).post(form.action).set('Accept', 'text/html').type('form').send(body);
      statuses.push(`${form.name} ${res.status}`);
      expect(res.status, `${form.name}: ${res.text.slice(0, 300)}`).to.equal(500);
      expectNoMarks(res.text, `${form.name}'s error page`);
      expect(res.text).to.contain('Something went wrong');
    }
    // A launch whose person the database refuses.
    const courseId = `course-${randomUUID()}`;
    f.platform.addCourse({ id: courseId, label: 'REFUSED', title: 'Refused course', custom: { advisory: 'true' } });
    addMarkedSeat(`refused-${id}`, courseId, seats[0]![1]);
    const launch = await launchSeat(`refused-${id}`, courseId);
    expect(launch.status).to.be.at.least(500);
    expectNoMarks(launch.body, 'the launch error page');
    // A newcomer to the marked course's roster, synced now: refused by the database.
    const [first] = await queryRows<{ course: string }>(tool.t.ctx.db, sql`select context_id as course from contexts where title like ${`%course ${name}%`}`);
    addMarkedSeat(`newcomer-${id}`, first!.course, seats[0]![1]);
    const [context] = await queryRows<{ id: string; tenant_id: string }>(tool.t.ctx.db, sql`select id, tenant_id from contexts where title like ${`%course ${name}%`}`);
    const run = await tool.t.ctx.rosterSync.syncContext(context!.tenant_id, context!.id, 'manual');
    expect(run.status).to.equal('failed');
    expectNoMarks(run.error ?? '', 'the run record');
    // Class and code only: the query (and its parameters, cut off here only by length) stays out.
    expect(run.error).to.match(/^\w+( \w+)?$/);
    await tool.t.ctx.rosterSync.idle();
    const errors = tool.t.logs.lines.slice(logBefore).filter((l) => Number(l.level) >= 50);
    expect(errors.length, 'the refusals were logged').to.be.at.least(forms.length);
    expectNoMarks(log(), 'the log');
  });
});
