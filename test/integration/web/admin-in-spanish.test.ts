import { expect } from 'chai';
import { createTestApp, type TestApp } from '../../support/app.js';
import { asUser, seedSchool } from '../../support/school.js';

/** An administrator whose language is Spanish reads the admin pages in Spanish, as the English pages' tests read them in English. */
describe('admin pages in the admin\'s language (Spanish)', () => {
  let t: TestApp;
  let admin: ReturnType<typeof asUser>;

  before(async () => {
    t = await createTestApp();
    const school = await seedSchool(t.ctx);
    admin = asUser(t.app, await t.ctx.ltiks.issue({ tid: school.tenantId, pid: school.admin.id, cid: null, role: 'admin', loc: 'es' }));
    // Something for the log to list: the admin's own export of it (audited).
    await admin.get('/admin/audit/export').expect(200);
  });

  it('/admin/platforms: heading, table and form', async () => {
    const res = await admin.get('/admin/platforms').expect(200);
    expect(res.text).to.contain('<h1 id="platforms-title">Plataformas LMS</h1>');
    expect(res.text).to.contain('<th scope="col">Emisor e ID de cliente (Client ID)</th>');
    expect(res.text).to.contain('<label for="p-client">ID de cliente (Client ID)</label>');
    expect(res.text).not.to.contain('Register platform');
  });

  it('/admin/platforms: a refused registration says why in Spanish', async () => {
    const res = await admin.post('/admin/platforms', { name: 'X', issuer: 'not a url' }).expect(400);
    expect(res.text).to.contain('Falta: ID de cliente (Client ID)');
    expect(res.text).to.contain('Emisor (issuer): escriba una URL http(s) completa');
  });

  it('/admin/audit: heading, the events\' labels and the action filter', async () => {
    const res = await admin.get('/admin/audit').expect(200);
    expect(res.text).to.contain('<h1 id="audit-title">Registro de auditoría</h1>');
    // The event list's headers (a list of facts, not a table): who, and what was read.
    expect(res.text).to.contain('<dt>Quién</dt>');
    expect(res.text).to.contain('<strong>Consultado</strong>: Registro de auditoría');
    expect(res.text).to.match(/<option value="read">Consultado<\/option>/);
    expect(res.text).not.to.contain('Audit log');
  });

  it('/admin/audit: a filter it refuses is explained in Spanish', async () => {
    const res = await admin.get('/admin/audit?from=2026-02-30').expect(400);
    expect(res.text).to.contain('id="f-from-error">Escriba una fecha real, como 2026-03-17</p>');
  });

  it('/admin/scores: heading and table headers', async () => {
    const res = await admin.get('/admin/scores').expect(200);
    expect(res.text).to.contain('<h1 id="scores-title">Calificaciones en el libro de calificaciones</h1>');
    expect(res.text).to.contain('<th scope="col">Última publicación</th>');
    expect(res.text).not.to.contain('What each course exposes');
    expect(res.text).to.contain('<legend>Publicar en el libro de calificaciones del LMS el avance de los planes</legend>');
  });
});
