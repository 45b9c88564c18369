import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { configFormOf, decoded } from '../../support/html.js';
import { algebraGoal, fieldsPost, FIELDS_EDITOR as EDITOR, publishGoalFields, versionsOf } from '../../support/record-fields.js';
import { customFieldRevisions, customFieldValues, supports } from '../../../src/db/schema.js';

/**
 * A school's own fields on goals, check-ins, referrals and students (issue 14 item 2): added in the
 * console, drawn on the record's page, saved with author and revisions, read only by those the field
 * names (a student never reads an adult-only one), checked by the school's rules, kept against a
 * concurrent change of the same field while other fields land, and part of the student's records export.
 */
describe('custom fields on goals, check-ins, referrals and students', function () {
  this.timeout(180_000);
  let t: TestApp;
  let s: SeededSchool;
  let s1: string;
  let goalUrl: string;
  let ltik: Record<'admin' | 'advisor' | 'student' | 'family' | 'studentEs', string>;
  const goalIdOf = () => goalUrl.split('/').pop()!;
  const as = (who: keyof typeof ltik) => asUser(t.app, ltik[who]);
  const page = async (who: keyof typeof ltik, url: string) => decoded((await as(who).get(url).expect(200)).text);

  /** Posts a record's fields form as its page had it loaded (`loaded`), with `texts` typed. */
  const saveFields = (who: keyof typeof ltik, url: string, loaded: Record<string, string>, texts: Record<string, string>, status: number) => as(who).post(`${url}/fields`, fieldsPost(texts, loaded)).expect(status);

  before(async () => {
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    s1 = s.students[0]!.id;
    ltik = {
      admin: await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId),
      advisor: await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId),
      student: await ltikFor(t.ctx, s.students[0]!, 'student', s.advisoryId),
      family: await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId),
      studentEs: await t.ctx.ltiks.issue({ tid: s.tenantId, pid: s1, cid: s.advisoryId, role: 'student', loc: 'es' }),
    };
    // The console: two fields added to the goal's section (an adult-only note, a yes/no the student writes too) and a rule.
    await publishGoalFields(as('admin'), (at) => ({
      [`${at(1)}.key`]: 'adult-plan',
      [`${at(1)}.label`]: 'How adults will back this goal',
      [`${at(1)}.type`]: 'long',
      [`${at(1)}.edit.adult`]: 'on',
      [`${at(1)}.see.adult`]: 'on',
      [`${at(2)}.key`]: 'on-track',
      [`${at(2)}.label`]: 'On track this month',
      [`${at(2)}.translations.es.label`]: 'Voy bien este mes',
      [`${at(2)}.type`]: 'yesno',
      [`${at(2)}.edit.student`]: 'on',
      [`${at(2)}.edit.adult`]: 'on',
      [`${at(2)}.see.student`]: 'on',
      [`${at(2)}.see.adult`]: 'on',
      [`${at(2)}.see.family`]: 'on',
      'f.rules.0.key': 'priority-needs-plan',
      'f.rules.0.object': 'goal',
      'f.rules.0.field': 'priority',
      'f.rules.0.when': '{"and": [{"==": [{"var": "priority"}, "high"]}, {"==": [{"var": "adult-plan"}, ""]}]}',
      'f.rules.0.message': 'A high-priority goal needs a note on how adults will back it.',
    }));
    goalUrl = await algebraGoal(as('advisor'), s1);
  });
  after(async () => t.ctx.shutdown?.());

  it('previews each record as one audience meets it, before and after publishing, with nothing to save', async () => {
    const asStudent = await page('admin', `${EDITOR}/preview?version=1&as=student`);
    expect(asStudent).to.contain('On track this month').and.to.contain('Where we met').and.not.to.contain('How adults will back this goal').and.not.to.contain('Follow up by');
    expect(asStudent).to.contain('<fieldset disabled>').and.not.to.match(/<form method="post"[^>]*custom-fields/);
    const asFamily = await page('admin', `${EDITOR}/preview?version=1&as=family`);
    expect(asFamily).to.contain('Best way to reach the family').and.not.to.contain('Where we met');
  });

  it('offers the fields a person writes on the new-goal form, and writes them with the goal', async () => {
    expect(await page('student', `/students/${s1}/goals/new`)).to.contain('On track this month').and.not.to.contain('How adults will back this goal');
    const goal = { category: 'community', statement: 'Volunteer at the food bank', measure: 'Hours logged', target: '10 hours', targetDate: '2026-05-01', why: 'To give back' };
    const refused = await as('advisor').post(`/students/${s1}/goals`, { ...goal, statement: '', 'text.on-track': 'maybe', 'version.on-track': '0' }).expect(400);
    expect(decoded(refused.text)).to.contain('href="#field-on-track"').and.to.contain('href="#goal-statement"');
    const made = await as('advisor').post(`/students/${s1}/goals`, { ...goal, 'text.on-track': 'yes', 'version.on-track': '0' }).expect(303);
    const id = new URL(made.headers.location!, 'http://x').pathname.split('/').pop()!;
    const [row] = await t.ctx.db.select().from(customFieldValues).where(and(eq(customFieldValues.tenantId, s.tenantId), eq(customFieldValues.recordId, id)));
    expect([row?.object, row?.fieldKey, row?.value, row?.authorId]).to.deep.equal(['goal', 'on-track', 'yes', s.advisor.id]);
  });

  it('shows the added fields on the goal page to whom they name, and saves them with author and revisions', async () => {
    const adultPage = await page('advisor', goalUrl);
    expect(adultPage).to.contain('How adults will back this goal').and.to.contain('On track this month').and.to.contain('name="text.adult-plan"');
    const studentPage = await page('student', goalUrl);
    expect(studentPage).to.contain('On track this month').and.not.to.contain('How adults will back this goal');
    expect(await page('studentEs', goalUrl)).to.contain('Voy bien este mes');

    await saveFields('advisor', goalUrl, versionsOf(adultPage), { 'adult-plan': 'Weekly check with the maths teacher', 'on-track': 'yes', priority: 'medium' }, 303);
    const rows = await t.ctx.db.select().from(customFieldValues).where(and(eq(customFieldValues.tenantId, s.tenantId), eq(customFieldValues.recordId, goalIdOf())));
    expect(rows.map((r) => [r.object, r.fieldKey, r.value, r.authorId, r.version]).sort()).to.deep.equal(
      [
        ['goal', 'adult-plan', 'Weekly check with the maths teacher', s.advisor.id, 1],
        ['goal', 'on-track', 'yes', s.advisor.id, 1],
        ['goal', 'priority', 'medium', s.advisor.id, 1],
      ].sort(),
    );
    // The student reads the shared value, never the adult-only words; family reads what names family.
    const studentAfter = await page('student', goalUrl);
    expect(studentAfter).not.to.contain('Weekly check with the maths teacher');
    expect(await page('family', goalUrl)).to.contain('On track this month').and.not.to.contain('Weekly check with the maths teacher');
    // A student's post naming the adult-only field is refused whole, and nothing changes.
    await saveFields('student', goalUrl, versionsOf(studentAfter), { 'adult-plan': 'mine now', 'on-track': 'no' }, 400);
    const still = await t.ctx.db.select().from(customFieldValues).where(and(eq(customFieldValues.tenantId, s.tenantId), eq(customFieldValues.fieldKey, 'on-track'), eq(customFieldValues.recordId, goalIdOf())));
    expect(still.map((r) => r.value)).to.deep.equal(['yes']);
  });

  it('blocks a save that breaks a rule with its message at the field, the typing kept, nothing written', async () => {
    const loaded = versionsOf(await page('advisor', goalUrl));
    const res = await saveFields('advisor', goalUrl, loaded, { priority: 'high', 'adult-plan': '' }, 400);
    const html = decoded(res.text);
    expect(html).to.contain('A high-priority goal needs a note on how adults will back it.').and.to.contain('href="#field-priority"');
    expect(html).to.match(/<option value="high" selected>/);
    const [priority] = await t.ctx.db.select().from(customFieldValues).where(and(eq(customFieldValues.tenantId, s.tenantId), eq(customFieldValues.fieldKey, 'priority'), eq(customFieldValues.recordId, goalIdOf())));
    expect(priority!.value).to.equal('medium');
  });

  it('lets concurrent saves of different fields land, and keeps the newer words of the same field as a conflict', async () => {
    const loadedByAdvisor = versionsOf(await page('advisor', goalUrl));
    const loadedByStudent = versionsOf(await page('student', goalUrl));
    // Both pages post every field they write: the advisor changes the note, the student the yes/no.
    await saveFields('advisor', goalUrl, loadedByAdvisor, { 'adult-plan': 'Weekly check, and a tutor on Tuesdays', 'on-track': 'yes', priority: 'medium' }, 303);
    await saveFields('student', goalUrl, loadedByStudent, { 'on-track': 'no', priority: 'medium' }, 303);
    const values = async () => Object.fromEntries((await t.ctx.db.select().from(customFieldValues).where(and(eq(customFieldValues.tenantId, s.tenantId), eq(customFieldValues.recordId, goalIdOf())))).map((r) => [r.fieldKey, r.value]));
    expect(await values()).to.include({ 'adult-plan': 'Weekly check, and a tutor on Tuesdays', 'on-track': 'no' });
    // The advisor's stale page clears the yes/no the student has since changed: a conflict, theirs kept, the other field saved.
    const res = await saveFields('advisor', goalUrl, loadedByAdvisor, { 'on-track': '', priority: 'low' }, 409);
    expect(decoded(res.text)).to.contain('Someone changed a detail');
    expect(await values()).to.include({ 'on-track': 'no', priority: 'low' });
    const history = await t.ctx.db.select().from(customFieldRevisions).where(and(eq(customFieldRevisions.tenantId, s.tenantId), eq(customFieldRevisions.fieldKey, 'on-track'), eq(customFieldRevisions.recordId, goalIdOf())));
    expect(history.map((h) => [h.oldValue, h.newValue, h.authorId]).sort()).to.deep.equal([['', 'yes', s.advisor.id], ['yes', 'no', s1]].sort());
  });

  it('records a check-in with its fields in one write, and refuses a bad value without recording it', async () => {
    const form = decoded((await as('advisor').get(`/students/${s1}/checkins/new`).expect(200)).text);
    expect(form).to.contain('Where we met').and.to.contain('name="text.follow-up-by"');
    const checkin = { date: '2026-11-30', format: 'in_person', attended: 'yes' };
    const bad = await as('advisor').post(`/students/${s1}/checkins`, { ...checkin, 'text.location': 'the-moon', 'version.location': '0' }).expect(400);
    // The school's fields are checked with the check-in's own: every problem in one summary.
    expect(decoded(bad.text)).to.contain('href="#field-location"').and.to.contain('href="#q-w1-proud"');
    expect(await t.ctx.db.select().from(customFieldValues).where(and(eq(customFieldValues.tenantId, s.tenantId), eq(customFieldValues.object, 'checkin')))).to.have.length(0);
    const answers = Object.fromEntries(['w1-proud', 'w1-matters', 'w1-tech', 'w1-space'].map((q) => [`answer.${q}`, 'An answer']));
    await as('advisor').post(`/students/${s1}/checkins`, { ...checkin, ...answers, 'text.location': 'video', 'version.location': '0', 'text.follow-up-by': '2026-12-07', 'version.follow-up-by': '0' }).expect(303);
    // The student reads where they met, not the adults' follow-up date.
    const history = await page('student', `/students/${s1}/checkins`);
    expect(history).to.contain('Where we met').and.to.contain('Video call').and.not.to.contain('Follow up by');
    expect(await page('advisor', `/students/${s1}/checkins`)).to.contain('Follow up by');
  });

  it('keeps a referral\'s reason on the referral page for the adults working it, never for the student', async () => {
    const [support] = await t.ctx.db.insert(supports).values({ tenantId: s.tenantId, name: 'Homework club', provider: 'School', category: 'academic', tier: 2, cost: 'free', referral: 'internal', sensitive: false }).returning({ id: supports.id });
    const referral = { support: support!.id, reason: 'Falling behind in algebra', urgency: 'routine' };
    expect(await page('advisor', `/students/${s1}/referrals/new`)).to.contain('Reason for the referral');
    // On the new-referral form the reason is chosen with the referral, checked with it, written with it.
    const refused = await as('advisor').post(`/students/${s1}/referrals`, { ...referral, reason: '', 'text.reason-category': 'not-a-reason', 'version.reason-category': '0' }).expect(400);
    expect(decoded(refused.text)).to.contain('href="#field-reason-category"').and.to.contain('href="#r-reason"');
    const created = await as('advisor').post(`/students/${s1}/referrals`, { ...referral, 'text.reason-category': 'attendance', 'version.reason-category': '0' }).expect(303);
    const url = new URL(created.headers.location!, 'http://x').pathname;
    const detail = await page('advisor', url);
    expect(detail).to.match(/<option value="attendance" selected>/);
    await saveFields('advisor', url, versionsOf(detail), { 'reason-category': 'not-a-reason' }, 400);
    await saveFields('advisor', url, versionsOf(detail), { 'reason-category': 'academic' }, 303);
    expect(await page('advisor', url)).to.match(/<option value="academic" selected>/);
    expect(await page('student', url)).not.to.contain('Reason for the referral');
    // The student may not post it either: their post is refused (403) and written nowhere.
    await saveFields('student', url, {}, { 'reason-category': 'other' }, 403);
  });

  it("keeps the student's own fields beside their plan and puts every value in the records export", async () => {
    const planUrl = `/students/${s1}/plan`;
    const studentPlan = await page('student', planUrl);
    expect(studentPlan).to.contain('Name I like to be called').and.not.to.contain('Strengths to build on').and.not.to.contain('Best way to reach the family');
    await as('student').post(`${planUrl}/details`, { 'text.preferred-name': 'Ami', 'version.preferred-name': versionsOf(studentPlan)['preferred-name'] ?? '0' }).expect(303);
    expect(await page('family', planUrl)).to.contain('Ami').and.to.contain('Best way to reach the family');
    const exported = JSON.parse((await as('admin').get(`/admin/students/${s1}/records/export.json`).expect(200)).text) as { features: Record<string, Record<string, { field_key?: string; fieldKey?: string }[]>> };
    const rows = JSON.stringify(exported).match(/preferred-name|adult-plan|location/g) ?? [];
    expect(new Set(rows)).to.deep.equal(new Set(['preferred-name', 'adult-plan', 'location']));
  });

  it('refuses a field that would show a check-in to family or drop the adults, naming each problem', async () => {
    const form = configFormOf(decoded((await as('admin').get(EDITOR).expect(200)).text));
    const checkinLayout = Object.entries(form).find(([k, v]) => /^f\.layouts\.\d+\.object$/.test(k) && v === 'checkin')![0].split('.')[2];
    const at = `f.layouts.${checkinLayout}.sections.0.fields.0`;
    const toFamily = decoded((await as('admin').post(`${EDITOR}/draft`, { ...form, [`${at}.see.family`]: 'on' }).expect(400)).text);
    expect(toFamily).to.contain('No field of this record may be shown to family (&quot;location&quot;)');
    const withoutAdults: Record<string, string> = { ...form };
    delete withoutAdults[`${at}.see.adult`];
    expect(decoded((await as('admin').post(`${EDITOR}/draft`, withoutAdults).expect(400)).text)).to.contain('must read &quot;location&quot;');
  });
});
