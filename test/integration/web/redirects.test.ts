import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, ltikFor, asUser, type SeededSchool } from '../../support/school.js';

/**
 * Issue 7, item 1: after a post, the browser follows the Location without its #fragment. The ltik must
 * sit in the query (before the fragment), or the next page answers "Please launch from your LMS".
 */
describe('redirects after a post keep the launch session', () => {
  let t: TestApp;
  let school: SeededSchool;
  let ltik: string;

  before(async () => {
    t = await createTestApp();
    school = await seedSchool(t.ctx);
    ltik = await ltikFor(t.ctx, school.advisor, 'advisor', school.advisoryId);
  });

  /** What a browser does with a 303: drop the fragment, GET the rest. */
  async function follow(location: string) {
    const url = new URL(location, 'http://tool.test');
    expect(url.searchParams.get('ltik'), `ltik in the query of ${url.pathname}${url.hash}`).to.equal(ltik);
    return asUser(t.app, 'unused').get(url.pathname).query(Object.fromEntries(url.searchParams)).expect(200);
  }

  it('a comment lands back on the plan at the comments, still signed in', async () => {
    const res = await asUser(t.app, ltik).post(`/students/${school.students[0].id}/plan/comments`, { text: 'Lovely progress this week' }).expect(303);
    expect(new URL(res.headers.location!, 'http://tool.test').hash).to.equal('#comments');
    const page = await follow(res.headers.location!);
    expect(page.text).to.contain('Lovely progress this week');
  });

  it('a plan save lands back on the plan, still signed in', async () => {
    const s = school.students[1].id;
    const page = await asUser(t.app, ltik).get(`/students/${s}/plan`).expect(200);
    const version = /name="version\.strengths" value="(\d+)"/.exec(page.text)![1]!;
    const res = await asUser(t.app, ltik).post(`/students/${s}/plan/fields`, { section: 'about-me', voice: 'adult', 'text.strengths': 'Kind to classmates', 'version.strengths': version }).expect(303);
    expect(new URL(res.headers.location!, 'http://tool.test').hash).to.equal('#sec-about-me');
    const back = await follow(res.headers.location!);
    expect(back.text).to.contain('Kind to classmates');
  });
});
