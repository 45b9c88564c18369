import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, type SeededSchool } from '../../support/school.js';
import { columnsHolding, fillForm, routesOf, seatLtiks, tableCounts, textForms, type Seat, type TextForm } from '../../support/forms.js';
import { fakeServiceTenant } from '../../support/service-tenant.js';
import type { FakeMember } from '../../support/fake-platform.js';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { launchFixture, LIS, type LaunchFixture } from '../../support/launch-fixture.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { people } from '../../../src/db/schema.js';
import { rosterSyncRuns } from '../../../src/roster/roster.tables.js';

/** Unstorable (NUL, lone surrogates) and unnormalised (e + combining acute) text, and what the tool must keep of it. */
const odd = (tag: string) => `Ab\u0000c \uD800d\uDC00e cafe\u0301 ${tag}`;
const kept = (tag: string) => `Abc de café ${tag}`;

/**
 * Issue 8, items 4 and 5: text no database can store is made storable at every boundary (forms,
 * launches, the roster), and bodies of another kind are refused with a clear 400/415 before any route.
 */
describe('odd input', function () {
  this.timeout(120_000);
  let t: TestApp;
  let school: SeededSchool;
  let ltiks: Record<Seat, string>;
  let forms: TextForm[];
  let server: http.Server;
  let base: string;

  before(async () => {
    t = await createTestApp();
    school = await seedSchool(t.ctx);
    ltiks = await seatLtiks(t.ctx, school);
    forms = await textForms(t.app, school, ltiks);
    server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  // A browser sends a lone surrogate as U+FFFD (form fields are USVStrings); only JSON carries one as it is.
  for (const encoding of ['form', 'json'] as const) {
    it(`every text form saves text with NUL, lone surrogates and decomposed accents (${encoding}), stored clean and composed`, async () => {
      for (const [i, form] of forms.entries()) {
        const tag = `${encoding}-${i}`;
        const body = await fillForm(t.app, form, ltiks[form.seat], (field) => (field === 'clientId' ? `client-${randomUUID()}\u0000` : odd(`${tag}-${field}`)));
        const res = await request(t.app).post(form.action).set('Accept', 'text/html').type(encoding).send(body);
        expect(res.status, `${form.name}: ${res.text.slice(0, 300)}`).to.equal(303);
        for (const field of Object.keys(body).filter((k) => form.text.some((f) => (f.endsWith('*') ? k.startsWith(f.slice(0, -1)) : k === f)) && k !== 'clientId')) {
          const clean = encoding === 'json' ? kept(`${tag}-${field}`) : `Abc \uFFFDd\uFFFDe café ${tag}-${field}`;
          expect(await columnsHolding(t.ctx, clean), `${form.name}: ${field} stored clean`).to.have.length.above(0);
        }
      }
      expect(await columnsHolding(t.ctx, 'cafe\u0301'), 'nothing stored decomposed').to.deep.equal([]);
    });
  }

  it('a form may come as JSON with the same flat fields', async () => {
    const form = forms.find((f) => f.name === 'plan comment')!;
    const body = await fillForm(t.app, form, ltiks[form.seat], () => odd('json comment'));
    const res = await request(t.app).post(form.action).set('Accept', 'text/html').send(body);
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const page = await request(t.app).get(form.page).query({ ltik: ltiks.mentor });
    expect(page.text).to.contain(kept('json comment'));
  });

  /** Each odd kind of body: how it is sent, and the statuses that are right for it. */
  const oddBodies: { kind: string; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> | string; expect: number[] }[] = [
    { kind: 'text/plain', headers: { 'content-type': 'text/plain' }, body: 'text=hello', expect: [415] },
    { kind: 'multipart', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body: '--XyZ\r\nContent-Disposition: form-data; name="text"\r\n\r\nhello\r\n--XyZ--\r\n', expect: [415] },
    { kind: 'no content type', headers: {}, body: new TextEncoder().encode('text=hello'), expect: [415] },
    { kind: 'octet-stream', headers: { 'content-type': 'application/octet-stream' }, body: 'text=hello', expect: [415] },
    { kind: 'urlencoded in an unknown charset', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' }, body: 'text=hello', expect: [415] },
    { kind: 'a JSON object where text goes', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: { a: 1 }, statement: 'x', suggestion: 'x', preferredAdult: 'x', kind: 'advisory' }), expect: [400] },
    { kind: 'a JSON array where text goes', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: ['a', 'b'], preferredAdult: ['x'], kind: ['advisory'], publish: ['on'] }), expect: [400] },
    { kind: 'a JSON number', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 1, publish: 2, status: 3, version: 1 }), expect: [400] },
    { kind: 'a JSON __proto__ key', headers: { 'content-type': 'application/json' }, body: '{"__proto__":{"polluted":"yes"},"text":"x"}', expect: [400] },
    { kind: 'a JSON array body', headers: { 'content-type': 'application/json' }, body: '["text","hello"]', expect: [400] },
    { kind: 'a JSON null body', headers: { 'content-type': 'application/json' }, body: 'null', expect: [400] },
    { kind: 'broken JSON', headers: { 'content-type': 'application/json' }, body: '{"text": ', expect: [400] },
    { kind: 'a field sent twice', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=a&text=b&kind=advisory&kind=subject&publish=on&publish=off&preferredAdult=a&preferredAdult=b', expect: [400] },
  ];

  it('odd bodies on every POST route answer 400 or 415 with a clear page, never 5xx, and write nothing', async () => {
    const routes = routesOf(t.app, 'post');
    expect(routes.length, 'POST routes found').to.be.greaterThan(25);
    const goal = /\/goals\/([0-9a-f-]{36})/.exec(forms.find((f) => f.name === 'goal edit')!.action)![1]!;
    const params: Record<string, string> = { studentId: school.students[0].id, goalId: goal, contextId: school.advisoryId, id: school.tenantId, stepId: randomUUID(), needId: randomUUID() };
    const before = await tableCounts(t.ctx, school.tenantId);
    const seen: string[] = [];
    // The SIS push API answers machines with a bearer token, before any body: its own test sends it odd files.
    for (const route of routes.filter((r) => !r.startsWith('/api/push/'))) {
      const path = route.replace(/:(\w+)/g, (_, name: string) => params[name] ?? randomUUID());
      const ltik = route.startsWith('/admin') ? ltiks.admin : ltiks.advisor;
      for (const b of oddBodies) {
        const res = await fetch(`${base}${path}?ltik=${encodeURIComponent(ltik)}`, { method: 'POST', headers: { accept: 'text/html', ...b.headers }, body: b.body });
        const text = await res.text();
        // The import uploads take multipart only: one without a file is its own clear refusal, any other body is unreadable to them (415, or 400 when not even JSON).
        const uploadRoute = route === '/admin/data/import' || route === '/admin/schools/programs' || route === '/admin/configuration/import';
        const upload = uploadRoute && b.kind === 'multipart';
        expect(upload ? [400] : uploadRoute ? [400, 415] : b.expect, `${route} with ${b.kind}: ${res.status} ${text.slice(0, 200)}`).to.include(res.status);
        expect(text, `${route} with ${b.kind}`).to.match(upload ? /The file was not imported/ : /could not be read|Unreadable request/);
        seen.push(`${route} ${b.kind}`);
      }
    }
    expect(seen).to.have.length((routes.length - 1) * oddBodies.length);
    expect(await tableCounts(t.ctx, school.tenantId)).to.deep.equal(before);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('an empty post without a content type is an empty form, not an odd body', async () => {
    const res = await fetch(`${base}/admin/scores/inspect?ltik=${encodeURIComponent(ltiks.admin)}`, { method: 'POST', headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(res.status, await res.text()).to.equal(303);
  });

  it('a JSON client gets a JSON error for an odd body', async () => {
    const res = await request(t.app).post('/admin/scores/settings').query({ ltik: ltiks.admin }).set('Accept', 'application/json').set('Content-Type', 'text/plain').send('publish=on');
    expect(res.status).to.equal(415);
    expect(res.body.error.code).to.equal('unsupported_media_type');
  });

  it('odd query strings on every GET route (repeated keys, NUL, unknown values) never answer 5xx', async () => {
    const routes = routesOf(t.app, 'get');
    expect(routes.length, 'GET routes found').to.be.greaterThan(25);
    const goal = /\/goals\/([0-9a-f-]{36})/.exec(forms.find((f) => f.name === 'goal edit')!.action)![1]!;
    const params: Record<string, string> = { studentId: school.students[0].id, goalId: goal, contextId: school.advisoryId };
    const odd = 'q=a&q=b&sort=a&sort=b&show=%00&status=x&status=y&view=%00&copy=family&copy=x&student=a&student=b&saved=1&saved=2&recorded=x&done=x&done=y&posted=-1&failed=x&iss=%00&iss=y&login_hint=a&target_link_uri=x&section=%00';
    for (const route of routes) {
      const path = route.replace(/:(\w+)/g, (_, name: string) => params[name] ?? randomUUID());
      const ltik = route.startsWith('/admin') ? ltiks.admin : ltiks.advisor;
      const res = await fetch(`${base}${path}?ltik=${encodeURIComponent(ltik)}&${odd}`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect(res.status, `${route}: ${(await res.text()).slice(0, 200)}`).to.be.below(500);
    }
  });

  it('query strings are cleaned too: a caseload search with a NUL in it finds the student', async () => {
    const res = await request(t.app).get('/caseload').query({ ltik: ltiks.advisor, q: 'Am\u0000ara' }).set('Accept', 'text/html');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain(school.students[0].name).and.not.to.contain(school.students[1].name);
  });

  describe('roster sync with rows the tool cannot read', () => {
    it('skips and counts the bad rows, stores the odd names clean, and the rest of the roster lands', async () => {
      const { tenant, fp } = await fakeServiceTenant(t);
      try {
        const ctx = await t.ctx.roster.upsertContext(tenant.id, { contextId: 'odd-roster', title: 'Advisory', membershipsUrl: fp.membershipsUrl('odd-roster') });
        const learner = [`${LIS}membership#Learner`];
        fp.members.set('odd-roster', [
          { user_id: 'fine-1', roles: learner, name: 'Fine One' },
          { user_id: 'nul-1', roles: learner, name: odd('roster'), email: 'n\u0000ul@example.test' } as FakeMember,
          { user_id: 'number-name', roles: learner, name: 42 } as unknown as FakeMember,
          { roles: learner, name: 'No Id' } as unknown as FakeMember,
          { user_id: 'fine-2', roles: learner, name: 'Fine Two' },
        ]);
        const summary = await t.ctx.rosterSync.syncContext(tenant.id, ctx.id, 'manual');
        expect(summary).to.include({ status: 'succeeded', members: 5, skipped: 2, added: 3, error: null });
        const [run] = await t.ctx.rosterSync.listRuns(tenant.id, ctx.id);
        expect(run).to.include({ status: 'succeeded', skipped: 2, members: 5, added: 3 });
        const [nul] = await t.ctx.db.select().from(people).where(eq(people.sub, 'nul-1'));
        expect(nul).to.include({ name: kept('roster'), email: 'nul@example.test' });
        expect(await t.ctx.roster.listMembers(tenant.id, ctx.id, { status: 'active' })).to.have.length(3);
        const runs = await t.ctx.db.select().from(rosterSyncRuns).where(eq(rosterSyncRuns.contextId, ctx.id));
        expect(runs.map((r) => r.error)).to.deep.equal([null]);
      } finally {
        await fp.close();
      }
    });
  });
});

describe('odd text in a launch', function () {
  this.timeout(120_000);
  let tool: RunningTool;
  let f: LaunchFixture;
  before(async () => {
    tool = await startTool();
    f = await launchFixture(tool, 'canvas');
  });
  after(async () => {
    await f.close();
    await tool.close();
  });

  it('a name, e-mail and course title with NUL and lone surrogates launch, stored clean', async () => {
    const courseId = `course-${randomUUID()}`;
    f.platform.addCourse({ id: courseId, label: 'ODD', title: odd('course'), custom: { advisory: 'true' } });
    f.platform.addUser({ sub: 'odd-1', name: odd('name'), givenName: odd('given'), email: 'o\u0000dd@example.test' });
    f.platform.enroll(courseId, 'odd-1', [`${LIS}membership#Learner`]);
    const res = await new LtiAgent().launch(f.platform.launchUrl({ clientId: f.clientId, userSub: 'odd-1', courseId }));
    expect(res.status, res.body.slice(0, 300)).to.equal(200);
    expect(res.body).to.contain(kept('name'));
    const [person] = await tool.t.ctx.db.select().from(people).where(eq(people.sub, 'odd-1'));
    expect(person).to.include({ name: kept('name'), givenName: kept('given'), email: 'odd@example.test' });
    expect(res.body).to.contain(kept('course'));
  });
});
