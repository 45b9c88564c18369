import { expect } from 'chai';
import { openDatabase, type Database } from '../../../src/db/client.js';
import { PUBLISH_JOB } from '../../../src/scores/scores.service.js';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';

const FAILING = 'test.always-fails';

const rowsOf = (html: string) => [...html.matchAll(/<tr id="job-([0-9a-f-]+)">/g)].map((m) => m[1]!);

describe('/admin/jobs: the school\'s background jobs, with retry', function () {
  this.timeout(60_000);
  // A database of its own: runDue runs every due job in it.
  let database: Database;
  let t: TestApp;
  let school: SeededSchool;
  let admin: ReturnType<typeof asUser>;
  let adminLtik: string;

  before(async () => {
    database = await openDatabase({});
    await database.migrate();
    t = await createTestApp({ jobMaxAttempts: 1 }, { database });
    school = await seedSchool(t.ctx);
    adminLtik = await ltikFor(t.ctx, school.admin, 'admin', school.advisoryId);
    admin = asUser(t.app, adminLtik);
    t.ctx.jobs.register(FAILING, async () => {
      throw new RangeError('the LMS said no');
    });
  });
  after(async () => {
    await t.ctx.shutdown?.();
    await database.close();
  });

  it('is linked from the admin home', async () => {
    const home = decoded((await admin.get('/admin').expect(200)).text);
    expect(home).to.match(new RegExp(`href="/admin/jobs\\?ltik=${adminLtik.replace(/[.]/g, '\\.')}"`));
    expect(home).to.contain('Background jobs');
  });

  it('lists the school\'s own jobs readably (course title, not ids), with state, attempts and the last error class', async () => {
    const now = t.clock.now();
    await t.ctx.jobs.enqueue(PUBLISH_JOB, `${school.tenantId}/${school.advisoryId}`, new Date(now.getTime() + 60_000), school.tenantId);
    await t.ctx.jobs.enqueue(FAILING, `${school.tenantId}/x`, now, school.tenantId);
    await t.ctx.jobs.enqueue(FAILING, `${school.other.tenantId}/x`, now, school.other.tenantId);
    await t.ctx.jobs.runDue();
    const failed = (await t.ctx.jobs.find(FAILING, `${school.tenantId}/x`))!;
    expect(failed).to.include({ status: 'failed', lastError: 'RangeError' });
    const otherJob = (await t.ctx.jobs.find(FAILING, `${school.other.tenantId}/x`))!;

    const page = (await admin.get('/admin/jobs').expect(200)).text;
    expect(rowsOf(page)).to.have.members([failed.id, (await t.ctx.jobs.find(PUBLISH_JOB, `${school.tenantId}/${school.advisoryId}`))!.id]);
    expect(rowsOf(page)).not.to.include(otherJob.id);
    expect(page).to.contain('Gradebook publish');
    expect(page).to.contain(`Advisory 9B`);
    expect(page).to.contain('Waiting');
    expect(page).to.contain('Failed');
    expect(page).to.contain('RangeError');
    // A type with no describer is the school's; the retry button's name starts with its visible words.
    expect(page).to.contain('Your school');
    expect(page).to.match(/aria-label="Retry now: [^"]+"[^>]*>Retry now</);
    // Keys are shown as what they are about, never as ids; and never the error's message.
    expect(page).not.to.contain(school.advisoryId);
    expect(page).not.to.contain(`${school.tenantId}/`);
    expect(page).not.to.contain('the LMS said no');
    // Only the failed job has a retry form, with its one-time token.
    const forms = [...decoded(page).matchAll(/<form method="post" action="\/admin\/jobs\/([0-9a-f-]+)\/retry\?ltik=[^"]+">([\s\S]*?)<\/form>/g)];
    expect(forms.map((f) => f[1])).to.deep.equal([failed.id]);
    expect(forms[0]![2]).to.match(/name="_once" value="[0-9a-f-]{36}"/);
  });

  it('retries a failed job; a second retry of it is refused with the error summary; another school\'s job is not there', async () => {
    const failed = (await t.ctx.jobs.find(FAILING, `${school.tenantId}/x`))!;
    const res = await admin.post(`/admin/jobs/${failed.id}/retry`, { _once: crypto.randomUUID() }).expect(303);
    expect(new URL(res.headers.location!, 'http://x').pathname).to.equal('/admin/jobs');
    expect(new URL(res.headers.location!, 'http://x').searchParams.get('done')).to.equal('retried');
    expect(await t.ctx.jobs.find(FAILING, `${school.tenantId}/x`)).to.include({ status: 'pending', attempts: 0 });
    expect((await admin.get('/admin/jobs?done=retried').expect(200)).text).to.contain('queued again');

    const again = await admin.post(`/admin/jobs/${failed.id}/retry`, { _once: crypto.randomUUID() }).expect(409);
    expect(again.text).to.contain('There is a problem');
    expect(again.text).to.contain('no longer failed');
    expect(decoded(again.text)).to.contain(`href="#job-${failed.id}"`);

    const otherJob = (await t.ctx.jobs.find(FAILING, `${school.other.tenantId}/x`))!;
    await admin.post(`/admin/jobs/${otherJob.id}/retry`, { _once: crypto.randomUUID() }).expect(404);
    expect(await t.ctx.jobs.find(FAILING, `${school.other.tenantId}/x`)).to.include({ status: 'failed' });
    await admin.post('/admin/jobs/not-a-uuid/retry', { _once: crypto.randomUUID() }).expect(404);
  });

  it('refuses every role but admin', async () => {
    const failed = (await t.ctx.jobs.find(FAILING, `${school.other.tenantId}/x`))!;
    for (const [person, role] of [[school.advisor, 'advisor'], [school.students[0], 'student'], [school.mentor, 'family']] as const) {
      const as = asUser(t.app, await ltikFor(t.ctx, person, role, school.advisoryId));
      await as.get('/admin/jobs').expect(403);
      await as.post(`/admin/jobs/${failed.id}/retry`, { _once: crypto.randomUUID() }).expect(403);
    }
  });

  it('pages through many jobs, newest first, with links that keep the session', async () => {
    for (let i = 0; i < 30; i++) {
      await t.ctx.jobs.enqueue(FAILING, `${school.tenantId}/many-${i}`, new Date(t.clock.now().getTime() + 3_600_000), school.tenantId);
      t.clock.advance(1000);
    }
    const first = (await admin.get('/admin/jobs').expect(200)).text;
    expect(rowsOf(first)).to.have.length(25);
    expect(first).to.contain('Page 1 of 2 (32 jobs)');
    expect(decoded(first)).to.contain(`href="/admin/jobs?page=2&amp;ltik=${adminLtik}"`);
    const second = (await admin.get('/admin/jobs?page=2').expect(200)).text;
    expect(rowsOf(second)).to.have.length(7);
    expect(rowsOf(second).filter((id) => rowsOf(first).includes(id))).to.deep.equal([]);
    expect(decoded(second)).to.contain(`href="/admin/jobs?page=1&amp;ltik=${adminLtik}"`);
    // Past the last page: the last page; nonsense: the first.
    expect(rowsOf((await admin.get('/admin/jobs?page=99').expect(200)).text)).to.deep.equal(rowsOf(second));
    expect(rowsOf((await admin.get('/admin/jobs?page=x').expect(200)).text)).to.deep.equal(rowsOf(first));
  });
});
