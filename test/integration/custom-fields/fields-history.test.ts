import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';
import { configFormOf, decoded } from '../../support/html.js';
import { algebraGoal, fieldsPost, FIELDS_EDITOR as EDITOR, goalLayoutOf, publishGoalFields, versionsOf } from '../../support/record-fields.js';
import { auditEvents, supports } from '../../../src/db/schema.js';
import { formatCalendarDay } from '../../../src/web/intl.js';

const MINUTE = 60_000;

/**
 * The history of a record's own fields (src/custom-fields): each change with its field's label, the
 * values before and after in words, who made it and when, newest first; only the fields the reader
 * reads (as the record's form), a field since dropped under its last label; linked from the record's
 * details once a change is kept; an audited read; nobody else's record.
 */
describe('custom fields: the history of a record\'s details', function () {
  this.timeout(180_000);
  let t: TestApp;
  let s: SeededSchool;
  let s1: string;
  let goalUrl: string;
  type Who = 'admin' | 'advisor' | 'student' | 'family' | 'otherAdvisor' | 'otherTenant';
  let ltik: Record<Who, string>;
  const as = (who: Who) => asUser(t.app, ltik[who]);
  const page = async (who: Who, url: string) => decoded((await as(who).get(url).expect(200)).text);
  /** Saves a record's fields form as its page loaded it, a minute after the last save (so each save is its own moment). */
  const save = async (who: Who, pageUrl: string, postUrl: string, texts: Record<string, string>) => {
    const form = fieldsPost(texts, versionsOf(await page(who, pageUrl)));
    t.clock.advance(MINUTE);
    await as(who).post(postUrl, form).expect(303);
  };

  before(async () => {
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    s1 = s.students[0]!.id;
    ltik = {
      admin: await ltikFor(t.ctx, s.admin, 'admin', s.advisoryId),
      advisor: await ltikFor(t.ctx, s.advisor, 'advisor', s.advisoryId),
      student: await ltikFor(t.ctx, s.students[0]!, 'student', s.advisoryId),
      family: await ltikFor(t.ctx, s.mentor, 'family', s.advisoryId),
      otherAdvisor: await ltikFor(t.ctx, s.otherAdvisor, 'advisor', s.otherCourseId),
      otherTenant: await ltikFor(t.ctx, s.other.advisor, 'advisor', s.other.contextId),
    };
    // The goal's section gains an adult-only note, a date everyone reads and a yes/no the student writes too.
    await publishGoalFields(as('admin'), (at) => ({
      [`${at(1)}.key`]: 'adult-plan',
      [`${at(1)}.label`]: 'How adults will back this goal',
      [`${at(1)}.type`]: 'long',
      [`${at(1)}.edit.adult`]: 'on',
      [`${at(1)}.see.adult`]: 'on',
      [`${at(2)}.key`]: 'review-on',
      [`${at(2)}.label`]: 'Review on',
      [`${at(2)}.type`]: 'date',
      [`${at(2)}.edit.adult`]: 'on',
      [`${at(2)}.see.student`]: 'on',
      [`${at(2)}.see.adult`]: 'on',
      [`${at(2)}.see.family`]: 'on',
      [`${at(3)}.key`]: 'on-track',
      [`${at(3)}.label`]: 'On track this month',
      [`${at(3)}.type`]: 'yesno',
      [`${at(3)}.edit.student`]: 'on',
      [`${at(3)}.edit.adult`]: 'on',
      [`${at(3)}.see.student`]: 'on',
      [`${at(3)}.see.adult`]: 'on',
      [`${at(3)}.see.family`]: 'on',
    }));
    goalUrl = await algebraGoal(as('advisor'), s1);
  });
  after(async () => t.ctx.shutdown?.());

  it('links the history from the details only once a change is kept', async () => {
    const before = await page('advisor', goalUrl);
    expect(before).to.contain('name="text.priority"').and.not.to.contain('History of these details');
    await as('advisor').get(`${goalUrl}/fields/history`).expect(200);
  });

  it('shows two saves by different people as their changes, newest first, each value in words with its author', async () => {
    await save('advisor', goalUrl, `${goalUrl}/fields`, { priority: 'high', 'adult-plan': 'A tutor on Tuesdays', 'review-on': '2026-04-15' });
    await save('student', goalUrl, `${goalUrl}/fields`, { priority: 'medium', 'on-track': 'yes' });
    const goalPage = await page('advisor', goalUrl);
    expect(goalPage).to.contain('History of these details').and.to.contain(`href="${goalUrl}/fields/history?ltik=`);

    const html = await page('advisor', `${goalUrl}/fields/history`);
    const items = [...html.split('<ol class="revisions"')[1]!.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
    // The student's save (the later one) comes first: its two fields, then the advisor's three.
    expect(items).to.have.length(5);
    expect(items.slice(0, 2).every((i) => i.includes(s.students[0]!.name))).to.equal(true);
    expect(items.slice(2).every((i) => i.includes(s.advisor.name))).to.equal(true);
    expect(items.find((i) => i.startsWith('Priority') && i.includes(s.students[0]!.name))).to.contain('Before High After Medium');
    expect(items.find((i) => i.startsWith('Priority') && i.includes(s.advisor.name))).to.contain('Before (empty) After High');
    expect(items.find((i) => i.startsWith('On track this month'))).to.contain('After Yes');
    expect(items.find((i) => i.startsWith('Review on'))).to.contain(`After ${formatCalendarDay('2026-04-15', 'en')}`);
    expect(items.find((i) => i.startsWith('How adults will back this goal'))).to.contain('A tutor on Tuesdays');

    const audited = await t.ctx.db.select().from(auditEvents).where(and(eq(auditEvents.tenantId, s.tenantId), eq(auditEvents.entity, 'goal_fields_history')));
    expect(audited.map((a) => [a.action, a.entityId])).to.deep.include(['read', goalUrl.split('/').pop()]);
  });

  it('never shows the student or the family a field they may not read, nor its values', async () => {
    for (const who of ['student', 'family'] as const) {
      const html = await page(who, `${goalUrl}/fields/history`);
      expect(html, who).to.contain('Priority').and.to.contain('On track this month');
      expect(html, who).not.to.contain('How adults will back this goal').and.not.to.contain('A tutor on Tuesdays');
    }
    // The student's own fields: the family's contact and the adults' note are the adults' (and the family's contact the family's).
    const planUrl = `/students/${s1}/plan`;
    await save('advisor', planUrl, `${planUrl}/details`, { 'best-contact': 'phone', 'strengths-to-build-on': 'Leads the robotics club' });
    const asStudent = await page('student', `${planUrl}/details/history`);
    expect(asStudent).not.to.contain('Best way to reach the family').and.not.to.contain('Phone call').and.not.to.contain('Leads the robotics club');
    expect(await page('student', planUrl), 'no link to changes the student cannot read').not.to.contain('History of these details');
    const asFamily = await page('family', `${planUrl}/details/history`);
    expect(asFamily).to.contain('Best way to reach the family').and.to.contain('Phone call').and.not.to.contain('Leads the robotics club');
    expect(await page('advisor', `${planUrl}/details/history`)).to.contain('Leads the robotics club');
  });

  it("is nobody else's: another school's adult and an adult of another course get 404, another student's id 404", async () => {
    await as('otherTenant').get(`${goalUrl}/fields/history`).expect(404);
    await as('otherAdvisor').get(`${goalUrl}/fields/history`).expect(404);
    await as('otherTenant').get(`/students/${s1}/plan/details/history`).expect(404);
    // The goal under another student of the same advisor: no such goal.
    await as('advisor').get(`/students/${s.students[1]!.id}/goals/${goalUrl.split('/').pop()}/fields/history`).expect(404);
  });

  it("keeps a referral's details history for the adults working it, none of it for the student", async () => {
    const [support] = await t.ctx.db.insert(supports).values({ tenantId: s.tenantId, name: 'Homework club', provider: 'School', category: 'academic', tier: 2, cost: 'free', referral: 'internal', sensitive: false }).returning({ id: supports.id });
    const created = await as('advisor').post(`/students/${s1}/referrals`, { support: support!.id, reason: 'Falling behind in algebra', urgency: 'routine', 'text.reason-category': 'attendance', 'version.reason-category': '0' }).expect(303);
    const url = new URL(created.headers.location!, 'http://x').pathname;
    await save('advisor', url, `${url}/fields`, { 'reason-category': 'academic' });
    expect(await page('advisor', url)).to.contain(`href="${url}/fields/history?ltik=`);
    const html = await page('advisor', `${url}/fields/history`);
    expect(html).to.contain('Reason for the referral').and.to.contain(s.advisor.name);
    // The student sees their referral, but reads none of its details: their history holds nothing.
    const asStudent = await page('student', `${url}/fields/history`);
    expect(asStudent).to.contain('No changes to these details yet.').and.not.to.contain('Reason for the referral');
    expect(await page('student', url)).not.to.contain('History of these details');
    await as('otherTenant').get(`${url}/fields/history`).expect(404);
  });

  it('still shows a field the school has since dropped, by its last label, to those it was shown to', async () => {
    const form = configFormOf(decoded((await as('admin').get(EDITOR).expect(200)).text));
    const dropped = `f.layouts.${goalLayoutOf(form)}.sections.0.fields.3.`;
    expect(form[`${dropped}key`]).to.equal('on-track');
    for (const k of Object.keys(form)) if (k.startsWith(dropped)) delete form[k];
    await as('admin').post(`${EDITOR}/draft`, form).expect(303);
    await as('admin').post(`${EDITOR}/publish`, { version: '2' }).expect(303);
    for (const who of ['advisor', 'student'] as const) {
      const html = await page(who, `${goalUrl}/fields/history`);
      expect(html, who).to.contain('On track this month').and.to.contain('No longer on the form');
    }
  });
});
