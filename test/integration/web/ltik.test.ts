import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { SignJWT } from 'jose';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { fakeServiceTenant } from '../../support/service-tenant.js';
import type { FakePlatform } from '../../support/fake-platform.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/** Issue 8, item 9: the ltik's lifetime, what it is refused for, and what pages under it send. */
describe('the ltik (the session inside the tool)', () => {
  let t: TestApp;
  let school: SeededSchool;
  before(async () => {
    t = await createTestApp();
    school = await seedSchool(t.ctx);
  });

  /** A token signed with the tool's own ltik key (as src/auth/ltik.ts derives it), with claims of the test's choosing. */
  const forged = (claims: { exp?: number; iat?: number }) => {
    const key = createHash('sha256').update(`ltik:${t.config.encryptionKey}`).digest();
    const jwt = new SignJWT({ tid: school.tenantId, pid: school.students[0].id, cid: school.advisoryId, role: 'student' }).setProtectedHeader({ alg: 'HS256' }).setAudience('success-plans:ltik');
    if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
    return jwt.sign(key);
  };
  const now = () => Math.floor(t.clock.now().getTime() / 1000);
  const refused = async (ltik: string, says: RegExp) => {
    const res = await request(t.app).get('/my-plan').query({ ltik }).set('Accept', 'text/html').expect(401);
    expect(res.text).to.match(says);
    expect(res.text).not.to.contain(school.students[0].name);
    expect(res.headers['cache-control']).to.equal('no-store');
  };

  it('is accepted when signed by the tool with an end (the control for the refusals below)', async () => {
    await request(t.app).get('/my-plan').query({ ltik: await forged({ iat: now(), exp: now() + 60 }) }).set('Accept', 'text/html').expect(200);
  });

  it('is refused without exp, even signed by the tool (401, a page that says to launch again)', async () => {
    await refused(await forged({ iat: now() }), /This link is not valid\. Open the tool again from your course/);
  });

  it('is refused without iat, and once older than the configured lifetime whatever its exp says', async () => {
    await refused(await forged({ exp: now() + 3600 }), /This link is not valid/);
    const longAgo = now() - (t.config.ltikTtlMinutes + 1) * 60;
    await refused(await forged({ iat: longAgo, exp: now() + 365 * 24 * 3600 }), /Your session has expired\. Open the tool again from your course/);
  });

  it('expires after the configured lifetime (401, "session has expired")', async () => {
    const ltik = await ltikFor(t.ctx, school.students[0], 'student', school.advisoryId);
    await request(t.app).get('/my-plan').query({ ltik }).set('Accept', 'text/html').expect(200);
    t.clock.advance((t.config.ltikTtlMinutes * 60 + 1) * 1000);
    try {
      await refused(ltik, /Your session has expired/);
    } finally {
      t.clock.advance(-(t.config.ltikTtlMinutes * 60 + 1) * 1000);
    }
  });

  it('sends Cache-Control: no-store on every page and JSON answer under it', async () => {
    const s1 = school.students[0].id;
    const advisor = asUser(t.app, await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId));
    const student = asUser(t.app, await ltikFor(t.ctx, school.students[0], 'student', school.advisoryId));
    const admin = asUser(t.app, await ltikFor(t.ctx, school.admin, 'admin', null));
    const pages: [ReturnType<typeof asUser>, string, number][] = [
      [student, '/my-plan', 200],
      [student, `/students/${s1}/goals`, 200],
      [advisor, '/caseload', 200],
      [advisor, `/students/${s1}/plan`, 200],
      [advisor, `/students/${s1}/plan/print`, 200],
      [advisor, `/students/${s1}/checkins`, 200],
      [admin, '/admin/audit', 200],
      // A refusal under a valid ltik too: it may still name the student.
      [student, `/students/${school.students[1].id}/plan`, 404],
    ];
    for (const [who, path, status] of pages) {
      const res = await who.get(path).expect(status);
      expect(res.headers['cache-control'], path).to.equal('no-store');
    }
    const json = await request(t.app).get('/roster/status').set('Authorization', `Bearer ${await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId)}`).expect(200);
    expect(json.headers['content-type']).to.match(/json/);
    expect(json.headers['cache-control']).to.equal('no-store');
  });

  describe('when a person leaves the course', () => {
    let fp: FakePlatform;
    after(() => fp?.close());

    it('their ltik stops working at the next roster sync that no longer lists them, and works again if they return', async () => {
      const made = await fakeServiceTenant(t);
      fp = made.fp;
      const tenant = made.tenant;
      const course = await t.ctx.roster.upsertContext(tenant.id, { contextId: 'advisory-leave', title: 'Advisory', membershipsUrl: fp.membershipsUrl('advisory-leave') });
      const teacher = { user_id: 'teacher-1', roles: [`${LIS}Instructor`], name: 'Tess Teacher' };
      const leaver = { user_id: 'leaver-1', roles: [`${LIS}Learner`], name: 'Lee Leaver' };
      fp.members.set('advisory-leave', [teacher, leaver]);
      await t.ctx.rosterSync.syncContext(tenant.id, course.id, 'manual');
      const [person] = await t.ctx.roster.findPeopleBySub(tenant.id, ['leaver-1']);
      const ltik = await t.ctx.ltiks.issue({ tid: tenant.id, pid: person!.id, cid: course.id, role: 'student' });
      const myPlan = () => request(t.app).get('/my-plan').query({ ltik }).set('Accept', 'text/html');
      await myPlan().expect(200);

      fp.members.set('advisory-leave', [teacher]);
      expect(await t.ctx.rosterSync.syncContext(tenant.id, course.id, 'manual')).to.include({ status: 'succeeded', deactivated: 1 });
      const gone = await myPlan().expect(401);
      expect(gone.text).to.contain('Your membership in this course could not be found');

      fp.members.set('advisory-leave', [teacher, leaver]);
      await t.ctx.rosterSync.syncContext(tenant.id, course.id, 'manual');
      await myPlan().expect(200);
    });
  });
});
