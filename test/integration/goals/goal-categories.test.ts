import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { decoded } from '../../support/html.js';
import type { AppUser } from '../../../src/auth/user.js';
import { goalCategoriesKind, shippedGoalCategories } from '../../../src/goals/goals.schemas.js';
import { t as words } from '../../../src/web/i18n.js';

const goal = { statement: 'Walk to school three days a week', measure: 'A tally on the fridge', target: '3 days a week', targetDate: '2026-05-01', why: 'I feel better when I move' };
const idFrom = (location: string) => /goals\/([0-9a-f-]{36})/.exec(location)![1]!;

/**
 * Goal categories as an editable picklist (issue 14 item 2): a school adds one (with its Spanish) and
 * stops offering another; the forms follow at once, a goal filed under the retired one keeps it and its
 * label, and another school keeps the shipped list.
 */
describe('goal categories: a picklist the school edits', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  const admin = (): AppUser => ({ tenantId: s.tenantId, personId: s.admin.id, name: 'x', role: 'admin', contextId: null, contextTitle: '', contextKind: null, menteeIds: [] });

  before(async () => {
    t = await createTestApp();
    s = await seedSchool(t.ctx);
  });
  after(async () => t.ctx.shutdown?.());

  it('offers what the school published, refuses what it no longer offers, and keeps a retired category on its goals', async () => {
    const advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    const base = `/students/${s.students[0].id}/goals`;
    const filed = await advisor.post(base, { ...goal, category: 'community' }).expect(303);

    const shipped = shippedGoalCategories();
    const values = [...shipped.values.map((v) => (v.value === 'community' ? { ...v, offered: false } : v)), { value: 'health', label: 'Health and movement', offered: true, translations: { es: { label: 'Salud y movimiento' } } }];
    const draft = await t.ctx.configuration.saveDraft(admin(), goalCategoriesKind.id, { body: { values }, edits: null });
    await t.ctx.configuration.publish(admin(), goalCategoriesKind.id, draft.version);

    const form = decoded((await advisor.get(`${base}/new`).expect(200)).text);
    expect(form).to.contain('<option value="health">Health and movement</option>').and.not.to.contain('value="community"');
    const spanish = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.students[0].id, cid: s.advisoryId, role: 'student', loc: 'es' }));
    expect(decoded((await spanish.get(`${base}/new`).expect(200)).text)).to.contain('Salud y movimiento');

    const refused = decoded((await advisor.post(base, { ...goal, category: 'community', statement: 'abc' }).expect(400)).text);
    expect(refused).to.match(/id="goal-category-error">Choose a category/).and.to.match(/id="goal-statement-error">/);
    const added = await advisor.post(base, { ...goal, category: 'health' }).expect(303);
    expect(decoded((await advisor.get(`${base}/${idFrom(added.headers.location!)}`).expect(200)).text)).to.contain('Health and movement');

    // The goal filed under the retired category keeps it: shown, offered on its own form, and saved again as it was.
    const id = idFrom(filed.headers.location!);
    const page = decoded((await advisor.get(`${base}/${id}`).expect(200)).text);
    expect(page).to.contain('<option value="community" selected>Community</option>');
    const version = /name="version" value="(\d+)"/.exec(page)![1]!;
    await advisor.post(`${base}/${id}`, { ...goal, category: 'community', statement: 'Walk to school four days a week', version }).expect(303);
    // Another school still has the shipped list.
    const otherAdvisor = asUser(t.app, await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId));
    expect(decoded((await otherAdvisor.get(`/students/${s.other.student.id}/goals/new`).expect(200)).text)).to.contain('value="community"').and.not.to.contain('value="health"');
  });

  it('previews a draft: the new-goal form as an adult adds a goal and as the student proposes one, offering the draft\'s categories only', async () => {
    const inForce = (await t.ctx.configuration.current(s.tenantId, goalCategoriesKind)).body;
    const values = [...inForce.values.map((v) => (v.value === 'academic' ? { ...v, offered: false } : v.value === 'health' ? { ...v, label: 'Health and fitness' } : v)), { value: 'arts', label: 'Arts and music', offered: true, translations: { es: { label: 'Artes y música' } } }];
    const draft = await t.ctx.configuration.saveDraft(admin(), goalCategoriesKind.id, { body: { values }, edits: null });
    const editor = asUser(t.app, await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId));
    const preview = (agent: ReturnType<typeof asUser>, as: string) => agent.get('/admin/configuration/goal-categories/preview').query({ version: draft.version, as });
    const choices = (page: string) => [.../<select id="goal-category"[\s\S]*?<\/select>/.exec(page)![0].matchAll(/<option value="([a-z-]+)"/g)].map((m) => m[1]);

    const adult = decoded((await preview(editor, 'adult').expect(200)).text);
    expect(choices(adult)).to.deep.equal(['well-being', 'college-career', 'health', 'arts']);
    expect(adult).to.contain('<option value="arts">Arts and music</option>').and.to.contain('<option value="health">Health and fitness</option>').and.to.contain(words('goals.new.titleFor', { name: 'Sample Student' }));
    expect(adult).to.contain('<fieldset disabled>').and.not.to.contain('Health and movement').and.not.to.match(/<form method="post"[^>]*goals/);
    const student = decoded((await preview(editor, 'student').expect(200)).text);
    expect(student).to.contain(words('goals.new.introSelf')).and.to.contain('<option value="arts">Arts and music</option>').and.not.to.contain('value="academic"');
    const spanish = asUser(t.app, await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s.admin.id, cid: s.advisoryId, role: 'admin', loc: 'es' }));
    expect(decoded((await preview(spanish, 'student').expect(200)).text)).to.contain('Artes y música').and.to.contain('Salud y movimiento');
    // The form in force is as it was.
    const advisor = asUser(t.app, await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId));
    expect(decoded((await advisor.get(`/students/${s.students[0].id}/goals/new`).expect(200)).text)).to.contain('Health and movement').and.not.to.contain('Arts and music');

    await preview(editor, 'family').expect(400);
    await preview(advisor, 'adult').expect(403);
  });
});
