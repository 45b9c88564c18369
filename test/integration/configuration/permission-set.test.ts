import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import { enterSystemScopeForTests } from '../../../src/db/tenant-scope.js';
import { queryRows } from '../../../src/db/client.js';
import type { AppUser } from '../../../src/auth/user.js';
import { permissionSetKind, shippedPermissionSet } from '../../../src/policies/permission-set.kind.js';

const EDITOR = '/admin/configuration/permission-set';

/**
 * Permission sets (issue 14 item 6) through the app: an admin publishes a set in the console and the
 * school's people are allowed and refused by it at once; the form offers only what the safety floor
 * allows; another school keeps the defaults.
 */
describe('permission sets: the role x permission matrix as a school edits it', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let counsellorLtik: string;
  const plan = (id: string) => `/students/${id}/plan`;
  const admin = (): AppUser => ({ tenantId: s.tenantId, personId: s.admin.id, name: 'x', role: 'admin', contextId: null, contextTitle: '', contextKind: null, menteeIds: [] });

  before(async () => {
    enterSystemScopeForTests();
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    const counsellor = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `couns-${randomUUID().slice(0, 8)}`, name: 'Cal Counsellor' });
    await queryRows(t.ctx.db, sql`update people set staff_roles = '{counsellor}', staff_grants = '[{"role":"counsellor","schoolId":null}]' where id = ${counsellor.id}`);
    counsellorLtik = await ltikFor(t.ctx, counsellor, 'advisor', null);
  });
  after(async () => t.ctx.shutdown?.());

  it('offers, as boxes, only what each relationship may ever be granted', async () => {
    const page = decoded((await asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId)).get(EDITOR).expect(200)).text);
    expect(page).to.contain('Permission sets').and.to.contain('name="f.plan.staff.editAdultVoice"').and.to.contain('name="f.plan.mentor.comment" checked');
    // The floor: no box lets a student write the adults' words, family read check-ins, or an admin write a plan.
    expect(page).not.to.contain('name="f.plan.self.editAdultVoice"').and.not.to.contain('name="f.checkin.mentor.').and.not.to.contain('name="f.plan.admin.edit"');
  });

  it('allows and refuses by the published set at once: a counsellor co-writes the adult voice, family may no longer comment', async () => {
    const family = asUser(t.app, await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId));
    const counsellor = asUser(t.app, counsellorLtik);
    const s1 = s.students[0].id;
    const adultSave = { section: 'about-me', voice: 'adult', 'text.strengths': 'Steady in a crisis', 'version.strengths': '0' };
    // The defaults first: a counsellor reads but does not write; family comment.
    await counsellor.post(`${plan(s1)}/fields`, adultSave).expect(403);
    await family.post(`${plan(s1)}/comments`, { text: 'Proud of you' }).expect(303);

    const shipped = shippedPermissionSet();
    const body = { ...shipped, plan: { ...shipped.plan, staff: ['view', 'print', 'comment', 'edit', 'editAdultVoice'], mentor: ['view', 'print'] } };
    const draft = await t.ctx.configuration.saveDraft(admin(), permissionSetKind.id, { body, edits: null });
    await t.ctx.configuration.publish(admin(), permissionSetKind.id, draft.version);

    await counsellor.post(`${plan(s1)}/fields`, adultSave).expect(303);
    await family.post(`${plan(s1)}/comments`, { text: 'Proud of you again' }).expect(403);
    // The page's offers come from the same policy: the comment form is gone for family.
    expect(decoded((await family.get(plan(s1)).expect(200)).text)).not.to.contain(`${plan(s1)}/comments`);
    // Another school keeps the defaults.
    const otherAdvisor = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
    await otherAdvisor.post(`${plan(s.other.student.id)}/fields`, adultSave).expect(303);
  });
});
