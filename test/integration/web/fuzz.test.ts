import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import request from 'supertest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, type SeededSchool } from '../../support/school.js';
import { columnsHolding, fillForm, valuesHolding, seatLtiks, tableCounts, textForms, type Seat, type TextForm } from '../../support/forms.js';
import { fakeServiceTenant } from '../../support/service-tenant.js';
import type { FakeMember } from '../../support/fake-platform.js';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { launchFixture, LIS, type LaunchFixture } from '../../support/launch-fixture.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { cleanText } from '../../../src/web/text.js';
import { launchClaims, claimKeys } from '../../../src/lti/launch.schemas.js';
import { memberships, people } from '../../../src/db/schema.js';

/** Runs per property: small in CI (the file stays well under a minute), FUZZ_RUNS=200 for a long hunt. */
const RUNS = Number(process.env.FUZZ_RUNS) || 4;
const options = { numRuns: RUNS, endOnFailure: true };

/** Characters that broke (or might break) a write: NUL, surrogate halves, combining marks, line ends, markup. */
const nasty = fc.constantFrom('\u0000', '\uD800', '\uDFFF', '\uD83D', 'e\u0301', '\u0301', '\r\n', '\n', ' ', '\t', '\u200B', '\uFEFF', '😀', '\u2028', '\\', '"', "'; drop table people; --", '<script>x</script>', '{{x}}', '%00', '&amp;');
/** Text a person might type, with the nasty characters mixed in. */
const text = fc.oneof(
  { weight: 5, arbitrary: fc.array(fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z ]{4,30}$/), fc.string({ unit: 'binary', maxLength: 12 }), nasty), { minLength: 1, maxLength: 8 }).map((a) => a.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-composite', minLength: 5, maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 400, max: 240_000 }), nasty).map(([n, s]) => `${'x'.repeat(n)}${s}`) },
);
/** What a JSON client may send where a form has text. */
const fieldValue = fc.oneof({ weight: 9, arbitrary: text }, { weight: 1, arbitrary: fc.oneof(fc.object({ maxDepth: 2 }), fc.array(fc.string()), fc.integer(), fc.boolean(), fc.constant(null)) });

const isClean = (s: string) => cleanText(s) === s;
/** What a form field keeps of `v`: made storable, then trimmed (forms trim; line ends differ by field, so those are left out). */
const keptOf = (v: unknown) => (typeof v === 'string' && !v.includes('\r') ? cleanText(v).trim() : undefined);

/**
 * Issue 8: property-based fuzz over every text form, the roster (NRPS) rows and the launch claims.
 * No input answers 5xx, and a write lands whole (with its text made storable) or not at all.
 */
describe('fuzz: forms, roster rows and launch claims', function () {
  this.timeout(Math.max(240_000, RUNS * 30_000));

  describe('every text form', () => {
    let t: TestApp;
    let school: SeededSchool;
    let ltiks: Record<Seat, string>;
    let forms: TextForm[];
    // The one-time token of a refused post is released after the answer is sent: not a record.
    const records = async (): Promise<Record<string, number>> => ({ ...(await tableCounts(t.ctx, school.tenantId)), form_submissions: 0 });
    /** Per form, the columns its text lands in (learned from one plain save). */
    const columnsOf = new Map<string, string[]>();

    before(async () => {
      t = await createTestApp();
      school = await seedSchool(t.ctx);
      ltiks = await seatLtiks(t.ctx, school);
      forms = await textForms(t.app, school, ltiks);
      const learn = `learn-${randomUUID()}`;
      for (const [i, form] of forms.entries()) {
        const body = await fillForm(t.app, form, ltiks[form.seat], (field) => `${learn}-${i}- ${field}`);
        await request(t.app).post(form.action).type('form').send(body).expect(303);
      }
      const stored = await valuesHolding(t.ctx, learn);
      forms.forEach((form, i) => columnsOf.set(form.name, [...new Set(stored.filter((h) => h.value.includes(`${learn}-${i}-`)).map((h) => h.column))]));
    });

    it('learned where each form writes', () => {
      for (const form of forms) expect(columnsOf.get(form.name), form.name).to.have.length.above(0);
    });

    // One `it` per form: a failure names the form and fast-check's shrunk counterexample.
    for (const name of ['plan fields, adult voice', 'plan fields, student voice', 'plan comment', 'new goal', 'goal edit', 'goal suggestion', 'action step', 'progress', 'check-in', 'check-in prep', 'quick check-ins', 'preferred adult', 'platform by hand']) {
      it(`${name}: no 5xx, and the write lands whole with clean text or not at all`, async () => {
        const form = forms.find((f) => f.name === name)!;
        expect(form, name).to.not.equal(undefined);
        await fc.assert(
          fc.asyncProperty(fc.array(fieldValue, { minLength: 12, maxLength: 12 }), fc.boolean(), async (values, asForm) => {
            let n = 0;
            const body = await fillForm<unknown>(t.app, form, ltiks[form.seat], (field) => (field === 'clientId' ? `client-${randomUUID()}${typeof values[n] === 'string' ? values[n++] : ''}` : values[n++ % values.length]));
            const typed = Object.entries(body).filter(([k]) => form.text.some((f) => (f.endsWith('*') ? k.startsWith(f.slice(0, -1)) : k === f)));
            // A browser sends only well-formed text; anything else comes as JSON.
            const formable = typed.every(([, v]) => typeof v === 'string' && !/\p{Cs}/u.test(v));
            const before = await records();
            const res = await request(t.app).post(form.action).set('Accept', 'text/html').type(asForm && formable ? 'form' : 'json').send(body);
            expect(res.status, `${name}: ${res.text.slice(0, 200)}`).to.be.below(500);
            if (res.status !== 303) {
              const after = await records();
              expect(Object.keys(after).filter((k) => after[k] !== before[k]), `${name} answered ${res.status}: nothing written`).to.deep.equal([]);
              return;
            }
            for (const [field, v] of typed) {
              const kept = keptOf(v);
              if (!kept || field === 'clientId' || form.split?.includes(field)) continue;
              expect(isClean(kept)).to.equal(true);
              expect(await columnsHolding(t.ctx, kept, columnsOf.get(name)), `${name}: ${field} stored as ${JSON.stringify(kept.slice(0, 80))}`).to.have.length.above(0);
            }
          }),
          options,
        );
      });
    }
  });

  describe('roster rows (NRPS)', () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp();
    });

    const member = fc.record(
      {
        user_id: fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9-]{1,12}$/) }, { weight: 1, arbitrary: fc.oneof(text, fc.anything()) }),
        status: fc.oneof({ weight: 4, arbitrary: fc.constant('Active') }, { weight: 1, arbitrary: fc.anything() }),
        roles: fc.oneof({ weight: 4, arbitrary: fc.constant([`${LIS}membership#Learner`]) }, { weight: 1, arbitrary: fc.anything() }),
        name: fieldValue,
        given_name: fieldValue,
        family_name: fieldValue,
        email: fieldValue,
      },
      { requiredKeys: [] },
    );

    it('a sync always lands the readable rows, counts the rest, and stores only clean text', async () => {
      const { tenant, fp } = await fakeServiceTenant(t);
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(member, { maxLength: 8 }), async (listed) => {
            const course = `fuzz-${randomUUID()}`;
            const ctx = await t.ctx.roster.upsertContext(tenant.id, { contextId: course, title: 'Fuzz', membershipsUrl: fp.membershipsUrl(course) });
            fp.members.set(course, listed as unknown as FakeMember[]);
            const run = await t.ctx.rosterSync.syncContext(tenant.id, ctx.id, 'manual');
            expect(run, JSON.stringify(run)).to.include({ status: 'succeeded', members: listed.length, error: null });
            const stored = await t.ctx.db.select().from(memberships).where(and(eq(memberships.tenantId, tenant.id), eq(memberships.contextId, ctx.id)));
            expect(stored.length).to.be.at.most(listed.length - run.skipped);
            for (const p of await t.ctx.db.select().from(people).where(eq(people.tenantId, tenant.id))) {
              for (const v of [p.sub, p.name, p.givenName, p.familyName, p.email]) if (v !== null) expect(isClean(v), JSON.stringify(v)).to.equal(true);
            }
          }),
          options,
        );
      } finally {
        await fp.close();
      }
    });
  });

  describe('launch claims', () => {
    const claimsOf = (o: { name: unknown; given: unknown; email: unknown; title: unknown; sub: unknown }) => ({
      iss: 'https://lms.test',
      aud: 'client',
      sub: o.sub,
      nonce: 'n',
      name: o.name,
      given_name: o.given,
      email: o.email,
      [claimKeys.messageType]: 'LtiResourceLinkRequest',
      [claimKeys.version]: '1.3.0',
      [claimKeys.deploymentId]: 'd1',
      [claimKeys.targetLinkUri]: 'https://tool.test/lti/launch',
      [claimKeys.roles]: [`${LIS}membership#Learner`],
      [claimKeys.resourceLink]: { id: 'rl1' },
      [claimKeys.context]: { id: 'c1', title: o.title },
    });
    const stringsOf = (v: unknown): string[] =>
      typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(stringsOf) : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => [k, ...stringsOf(x)]) : [];

    it('the claims schema never throws, and what it accepts is clean text', () => {
      fc.assert(
        fc.property(fc.record({ name: fieldValue, given: fieldValue, email: fieldValue, title: fieldValue, sub: fc.oneof(text, fc.anything()) }), (o) => {
          const parsed = launchClaims.safeParse(claimsOf(o));
          if (parsed.success) for (const s of stringsOf(parsed.data)) expect(isClean(s), JSON.stringify(s)).to.equal(true);
        }),
        { numRuns: RUNS * 20 },
      );
    });

    describe('over HTTP', () => {
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

      it('a launch with any name, e-mail or course title answers below 500 and stores clean text', async () => {
        await fc.assert(
          fc.asyncProperty(text, text, text, async (name, email, title) => {
            const sub = `fuzz-${randomUUID()}`;
            const courseId = `course-${randomUUID()}`;
            f.platform.addCourse({ id: courseId, label: 'FUZZ', title, custom: { advisory: 'true' } });
            f.platform.addUser({ sub, name, email });
            f.platform.enroll(courseId, sub, [`${LIS}membership#Learner`]);
            const res = await new LtiAgent().launch(f.platform.launchUrl({ clientId: f.clientId, userSub: sub, courseId }));
            expect(res.status, res.body.slice(0, 200)).to.be.below(500);
            const [person] = await tool.t.ctx.db.select().from(people).where(and(eq(people.tenantId, f.tenantId), eq(people.sub, sub)));
            if (res.status === 200) expect(person, 'the launched person is stored').to.not.equal(undefined);
            for (const v of [person?.name, person?.email]) if (v) expect(isClean(v), JSON.stringify(v)).to.equal(true);
          }),
          options,
        );
        await tool.t.ctx.rosterSync.idle();
      });
    });
  });
});
