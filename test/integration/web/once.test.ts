import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';

/**
 * Issue 7, item 8: going back and sending a creating form again must not create a second record; the
 * replay lands on the first result. A refused post releases its token so the person can correct it.
 */
describe('one-time form tokens', () => {
  let t: TestApp;
  let school: SeededSchool;
  let as: ReturnType<typeof asUser>;
  const plan = () => `/students/${school.students[0].id}/plan`;
  const count = (html: string, text: string) => html.split(text).length - 1;

  before(async () => {
    t = await createTestApp();
    school = await seedSchool(t.ctx);
    as = asUser(t.app, await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId));
  });

  it('every creating form on the plan page carries a fresh token', async () => {
    const a = await as.get(plan()).expect(200);
    const b = await as.get(plan()).expect(200);
    const token = (html: string) => /name="_once" value="([0-9a-f-]{36})"/.exec(html)?.[1];
    expect(token(a.text)).to.be.a('string');
    expect(token(a.text)).to.not.equal(token(b.text));
  });

  it('a replayed comment is shown, not added again', async () => {
    const once = randomUUID();
    const first = await as.post(`${plan()}/comments`, { text: 'Sent twice by the back button', _once: once }).expect(303);
    const again = await as.post(`${plan()}/comments`, { text: 'Sent twice by the back button', _once: once }).expect(303);
    expect(again.headers.location).to.equal(first.headers.location);
    const page = await as.get(plan()).expect(200);
    expect(count(page.text, 'Sent twice by the back button')).to.equal(1);
  });

  it('two clicks at once create one comment', async () => {
    const once = randomUUID();
    const [a, b] = await Promise.all([as.post(`${plan()}/comments`, { text: 'Double click', _once: once }), as.post(`${plan()}/comments`, { text: 'Double click', _once: once })]);
    expect([a.status, b.status]).to.deep.equal([303, 303]);
    const page = await as.get(plan()).expect(200);
    expect(count(page.text, 'Double click')).to.equal(1);
  });

  it('a refused post can be corrected and sent again with the same token', async () => {
    const once = randomUUID();
    await as.post(`${plan()}/comments`, { text: '', _once: once }).expect(400);
    await as.post(`${plan()}/comments`, { text: 'Corrected and sent', _once: once }).expect(303);
    const page = await as.get(plan()).expect(200);
    expect(count(page.text, 'Corrected and sent')).to.equal(1);
  });

  it('tokens are per person: another person\'s token does not replay their result', async () => {
    const once = randomUUID();
    await as.post(`${plan()}/comments`, { text: 'From the advisor', _once: once }).expect(303);
    const student = asUser(t.app, await ltikFor(t.ctx, school.students[0], 'student', school.advisoryId));
    await student.post(`${plan()}/comments`, { text: 'From the student', _once: once }).expect(303);
    const page = await as.get(plan()).expect(200);
    expect(count(page.text, 'From the student')).to.equal(1);
  });
});
