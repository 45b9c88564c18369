import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../../support/app.js';
import { seedSchool, type SeededSchool } from '../../support/school.js';
import type { AppUser } from '../../../src/auth/user.js';
import { auditEvents } from '../../../src/audit/audit.tables.js';
import { configVersions } from '../../../src/configuration/configuration.tables.js';
import { documentKind } from '../../../src/configuration/configuration.kinds.js';
import { ConfigRefused, createConfigurationService, type ConfigurationService } from '../../../src/configuration/configuration.service.js';
import { HttpError } from '../../../src/web/errors.js';

// Two kinds as a feature would define them: a response standard and a list of picklist values.
const standards = documentKind({
  id: 'response-standards',
  schema: z.strictObject({ urgentDays: z.number().int().min(0).max(30), routineDays: z.number().int().min(0).max(30) }),
  shipped: () => ({ urgentDays: 1, routineDays: 2 }),
});
const goalCategories = documentKind({
  id: 'goal-categories',
  schema: z.strictObject({ values: z.array(z.strictObject({ id: z.string().regex(/^[a-z-]+$/), en: z.string().min(1), es: z.string().min(1) })).min(1) }),
  shipped: () => ({ values: [{ id: 'academic', en: 'Academic', es: 'Académica' }] }),
});

async function refusal(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}

/**
 * Configuration documents (issue 14 item 4) through the service, on a real database: drafts, publish,
 * restore, diff, export and import (whole or not at all), who may, and what each does to the audit log.
 */
describe('configuration documents: versions like a change set', function () {
  this.timeout(120_000);
  let t: TestApp;
  let s: SeededSchool;
  let config: ConfigurationService;
  let admin: AppUser;
  let otherAdmin: AppUser;

  const user = (school: SeededSchool, role: AppUser['role'], personId: string): AppUser => ({ tenantId: school.tenantId, personId, name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [] });
  const versions = (tenantId: string, kind: string) => t.ctx.db.select().from(configVersions).where(and(eq(configVersions.tenantId, tenantId), eq(configVersions.kind, kind)));

  before(async () => {
    t = await createTestApp();
    s = await seedSchool(t.ctx);
    config = createConfigurationService({ db: t.ctx.db, clock: t.clock, audit: t.ctx.audit, kinds: [standards, goalCategories] });
    admin = user(s, 'admin', s.admin.id);
    otherAdmin = user(s, 'admin', s.advisor.id);
  });
  after(async () => t.ctx.shutdown?.());

  it('runs on the shipped default until a version is published; a draft changes nothing in force', async () => {
    expect(await config.current(s.tenantId, standards)).to.deep.equal({ version: 0, body: { urgentDays: 1, routineDays: 2 } });
    const draft = await config.saveDraft(admin, standards.id, { body: { urgentDays: 1, routineDays: 5 }, edits: null, note: 'a slower routine standard' });
    expect(draft).to.deep.equal({ version: 1, edits: 0 });
    expect((await config.current(s.tenantId, standards)).version).to.equal(0);

    await config.publish(admin, standards.id, 1);
    expect(await config.current(s.tenantId, standards)).to.deep.equal({ version: 1, body: { urgentDays: 1, routineDays: 5 } });
    expect((await config.overview(admin)).kinds).to.deep.include({ id: 'response-standards', published: 1, draft: null });
  });

  it('refuses a body its schema refuses, naming every problem with its path, and writes nothing', async () => {
    const before = (await versions(s.tenantId, goalCategories.id)).length;
    const err = await refusal(() => config.saveDraft(admin, goalCategories.id, { body: { values: [{ id: 'Has Spaces', en: '', es: 'x' }], extra: 1 }, edits: null }));
    expect(err).to.be.instanceOf(ConfigRefused);
    const paths = (err as ConfigRefused).problems.map((p) => `${p.kind}:${p.path}`);
    expect(paths).to.include.members(['goal-categories:values.0.id', 'goal-categories:values.0.en', 'goal-categories:']);
    expect((await versions(s.tenantId, goalCategories.id)).length).to.equal(before);
  });

  it("keeps a newer save of the draft: an editor's stale save is a 409 and the newer words stay", async () => {
    const started = await config.saveDraft(admin, goalCategories.id, { body: { values: [{ id: 'academic', en: 'Academic', es: 'Académica' }, { id: 'career', en: 'Career', es: 'Carrera' }] }, edits: null });
    const mine = await config.saveDraft(admin, goalCategories.id, { body: { values: [{ id: 'career', en: 'Careers', es: 'Carreras' }] }, edits: started.edits });
    expect(mine.edits).to.equal(1);
    // The other admin's page read the draft before that save.
    const err = await refusal(() => config.saveDraft(otherAdmin, goalCategories.id, { body: { values: [{ id: 'health', en: 'Health', es: 'Salud' }] }, edits: started.edits }));
    expect((err as HttpError).status).to.equal(409);
    expect((await config.draft(admin, goalCategories.id))!.body).to.deep.equal({ values: [{ id: 'career', en: 'Careers', es: 'Carreras' }] });
    // Publishing a draft other than the one reviewed is refused too.
    expect(((await refusal(() => config.publish(admin, goalCategories.id, started.version + 1))) as HttpError).status).to.equal(409);
    await config.publish(admin, goalCategories.id, started.version);
  });

  it('refuses to publish a draft begun before another version went in force: that change is never undone unseen', async () => {
    const inForce = await config.current(s.tenantId, goalCategories);
    const started = await config.saveDraft(admin, goalCategories.id, { body: { values: [{ id: 'academic', en: 'Schoolwork', es: 'Trabajo escolar' }] }, edits: null });
    // Meanwhile another admin restores the version in force (a new published version, the same words).
    const restored = await config.restore(otherAdmin, goalCategories.id, inForce.version);
    const refused = (await refusal(() => config.publish(admin, goalCategories.id, started.version))) as HttpError;
    expect(refused.status).to.equal(409);
    expect(refused.message).to.contain(`version ${restored}`);
    // The restored version stays in force; the draft is kept, to compare and begin again from.
    expect((await config.current(s.tenantId, goalCategories)).version).to.equal(restored);
    expect((await config.draft(admin, goalCategories.id))?.version).to.equal(started.version);
    await config.discard(admin, goalCategories.id);
  });

  it('compares any two versions, and restores an earlier one as a new version (the history only grows)', async () => {
    await config.saveDraft(admin, standards.id, { body: { urgentDays: 0, routineDays: 3 }, edits: null });
    await config.publish(admin, standards.id, 2);
    const diff = await config.diff(admin, standards.id, 1, 2);
    expect(diff.filter((r) => r.op === 'removed').map((r) => r.text.trim())).to.deep.equal(['"routineDays": 5,\n  "urgentDays": 1']);
    expect(diff.filter((r) => r.op === 'added').map((r) => r.text.trim())).to.deep.equal(['"routineDays": 3,\n  "urgentDays": 0']);

    const restored = await config.restore(admin, standards.id, 1);
    expect(restored).to.equal(3);
    expect(await config.current(s.tenantId, standards)).to.deep.equal({ version: 3, body: { urgentDays: 1, routineDays: 5 } });
    const history = await config.history(admin, standards.id);
    expect(history.map((v) => [v.version, v.state])).to.deep.equal([[3, 'published'], [2, 'retired'], [1, 'retired'], [0, 'shipped']]);
    expect(history[0]!.note).to.equal('restored:1');
    // Back to the shipped default: version 4, with the shipped body.
    await config.restore(admin, standards.id, 0);
    expect(await config.current(s.tenantId, standards)).to.deep.equal({ version: 4, body: { urgentDays: 1, routineDays: 2 } });
  });

  it('exports what is in force, and an import into a fresh tenant reproduces it', async () => {
    await config.restore(admin, standards.id, 2);
    const exported = await config.exportAll(admin);
    expect(exported.documents).to.deep.equal({ 'response-standards': { urgentDays: 0, routineDays: 3 }, 'goal-categories': { values: [{ id: 'career', en: 'Careers', es: 'Carreras' }] } });

    const fresh = await seedSchool(t.ctx);
    const freshAdmin = user(fresh, 'admin', fresh.admin.id);
    // A file that went through JSON (as a download does) comes back the same.
    expect(await config.importAll(freshAdmin, JSON.parse(JSON.stringify(exported)))).to.deep.equal(['response-standards', 'goal-categories']);
    expect((await config.current(fresh.tenantId, standards)).body).to.deep.equal(exported.documents[standards.id]);
    expect((await config.current(fresh.tenantId, goalCategories)).body).to.deep.equal(exported.documents[goalCategories.id]);
    expect((await config.exportAll(freshAdmin)).documents).to.deep.equal(exported.documents);
    // The same file again changes nothing: no new version.
    expect(await config.importAll(freshAdmin, exported)).to.deep.equal([]);
    expect((await versions(fresh.tenantId, standards.id)).length).to.equal(1);
  });

  it('refuses a malformed import whole, naming every problem, and writes nothing', async () => {
    const fresh = await seedSchool(t.ctx);
    const freshAdmin = user(fresh, 'admin', fresh.admin.id);
    const bad = { format: 'success-plans-configuration', formatVersion: 1, exportedAt: '2026-12-03', documents: { 'response-standards': { urgentDays: 1, routineDays: 2 }, 'goal-categories': { values: [] }, 'no-such-kind': {} } };
    const err = await refusal(() => config.importAll(freshAdmin, bad));
    expect(err).to.be.instanceOf(ConfigRefused);
    expect((err as ConfigRefused).problems.map((p) => `${p.kind}:${p.path}`)).to.deep.equal(['goal-categories:values', 'no-such-kind:']);
    expect(await t.ctx.db.select().from(configVersions).where(eq(configVersions.tenantId, fresh.tenantId))).to.have.length(0);
    // Not an export at all.
    expect(((await refusal(() => config.importAll(freshAdmin, { documents: {} }))) as ConfigRefused).problems.map((p) => p.path)).to.include.members(['format', 'formatVersion', 'exportedAt']);
  });

  it('is for admins only: anyone else is refused, and every change and refusal is in the audit log', async () => {
    const leader = { ...user(s, 'advisor', s.advisor.id), staffRoles: ['school_leader' as const, 'district_leader' as const] };
    for (const work of [() => config.overview(leader), () => config.saveDraft(leader, standards.id, { body: standards.shipped(), edits: null }), () => config.exportAll(leader), () => config.importAll(leader, {})]) {
      expect(((await refusal(work)) as HttpError).status).to.equal(403);
    }
    expect(((await refusal(() => config.history(admin, 'no-such-kind'))) as HttpError).status).to.equal(404);
    const events = await t.ctx.db.select().from(auditEvents).where(eq(auditEvents.tenantId, s.tenantId));
    const seen = new Set(events.filter((e) => e.entity.startsWith('configuration')).map((e) => `${e.action}:${e.entity}`));
    expect([...seen]).to.include.members(['create:configuration', 'update:configuration', 'publish:configuration', 'read:configuration', 'read:configuration_export']);
  });
});
