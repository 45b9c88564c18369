import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { LtiAgent, parseForms } from '../../support/lti-agent.js';
import { launchFixture, type LaunchFixture } from '../../support/launch-fixture.js';
import { t } from '../../../src/web/i18n.js';

/** The text as a page shows it: Handlebars escapes quotes and apostrophes. */
const shown = (text: string) => text.replace(/'/g, '&#x27;').replace(/"/g, '&quot;');
const claimsOf = (ltik: string) => JSON.parse(Buffer.from(ltik.split('.')[1]!, 'base64url').toString()) as { loc: string; exp: number; iat: number };

describe('the page language: from the launch, the person\'s own choice, and on error pages', () => {
  let tool: RunningTool;
  let f: LaunchFixture;

  before(async function () {
    // Starting the tool and the LMS takes a while on a busy machine.
    this.timeout(120_000);
    tool = await startTool();
    f = await launchFixture(tool, 'canvas');
  });
  after(async () => {
    await f?.close();
    await tool?.close();
  });

  const launch = (sub: string, locale?: string, agent = new LtiAgent()) => agent.launch(f.platform.launchUrl({ clientId: f.clientId, userSub: sub, courseId: f.courseId, locale }));
  const html = (path: string, headers: Record<string, string> = {}) => fetch(`${tool.baseUrl}${path}`, { headers: { accept: 'text/html', ...headers }, redirect: 'manual' });

  it('reads the launch\'s locale (es-MX): the home page in Spanish, in <html lang="es">', async () => {
    const res = await launch('designer-1', 'es-MX');
    expect(res.status).to.equal(200);
    expect(new URL(res.url).pathname).to.equal('/home');
    expect(claimsOf(res.ltik!).loc).to.equal('es');
    expect(res.body).to.contain('<html lang="es">');
    expect(res.body).to.contain(shown(t('home.guest.title', {}, 'es'))).and.to.contain(shown(t('home.guest.detail', {}, 'es')));
    expect(res.body).to.contain(shown(t('layout.footer', {}, 'es'))).and.to.contain(`<span class="badge">${t('layout.roles.guest', {}, 'es')}</span>`);
    expect(res.body).not.to.contain(shown(t('home.guest.detail')));
  });

  it('shows a student launched in Spanish their home in a Spanish layout, the switch on Español', async () => {
    const res = await launch('student-1', 'es-MX');
    expect(new URL(res.url).pathname).to.equal('/my-plan');
    expect(res.body).to.contain('<html lang="es">').and.to.contain(shown(t('layout.skip', {}, 'es')));
    expect(res.body).to.match(/<option value="es" lang="es" selected>Español<\/option>/);
  });

  it('reads a language it does not speak (fr-CA), or none, as English', async () => {
    for (const locale of ['fr-CA', undefined]) {
      const res = await launch('designer-1', locale);
      expect(res.body).to.contain('<html lang="en">').and.to.contain(shown(t('home.guest.detail')));
    }
  });

  it('keeps the switch\'s choice: the page reopens in it, in the same session, and later launches keep it over the LMS\'s', async () => {
    const agent = new LtiAgent();
    const first = await launch('student-2', 'en-US', agent);
    expect(first.body).to.contain('<html lang="en">');
    const form = parseForms(first.body, first.url).find((x) => new URL(x.action).pathname === '/language')!;
    expect(form.method).to.equal('POST');
    expect(form.fields).to.include({ ltik: first.ltik, back: '/my-plan' });

    const switched = await agent.post(form.action, { ...form.fields, locale: 'es' });
    expect(switched.steps[0]!.status).to.equal(303);
    expect(new URL(switched.url).pathname).to.equal('/my-plan');
    expect(switched.body).to.contain('<html lang="es">');
    const before = claimsOf(first.ltik!);
    const after = claimsOf(switched.ltik!);
    expect(after.loc).to.equal('es');
    // A new language, not a longer session.
    expect([after.iat, after.exp]).to.deep.equal([before.iat, before.exp]);

    const again = await launch('student-2', 'en-US');
    expect(again.body).to.contain('<html lang="es">');

    const back = await agent.post(form.action, { ltik: switched.ltik!, locale: 'en', back: '/my-plan' });
    expect(back.body).to.contain('<html lang="en">');
    expect((await launch('student-2', 'es-MX')).body).to.contain('<html lang="en">');
  });

  it('reopens only pages of the tool, and refuses a language it does not speak', async () => {
    const { ltik } = await launch('student-3');
    for (const back of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const res = await fetch(`${tool.baseUrl}/language`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ltik: ltik!, locale: 'es', back }), redirect: 'manual' });
      expect(res.status, back).to.equal(303);
      const to = new URL(res.headers.get('location')!, tool.baseUrl);
      expect(to.origin, back).to.equal(tool.baseUrl);
    }
    const refused = await fetch(`${tool.baseUrl}/language`, { method: 'POST', headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ltik: ltik!, locale: 'xx' }) });
    expect(refused.status).to.equal(400);
  });

  it('shows a Spanish speaker\'s error pages in Spanish: an unknown address and a student they may not open', async () => {
    const { ltik } = await launch('student-1', 'es');
    for (const path of [`/no-such-page?ltik=${ltik}`, `/students/${randomUUID()}/plan?ltik=${ltik}`]) {
      const res = await html(path);
      expect(res.status, path).to.equal(404);
      const body = await res.text();
      expect(body, path).to.contain('<html lang="es">').and.to.contain(t('errors.notFound.title', {}, 'es')).and.to.contain(t('errors.notFound.detail', {}, 'es'));
      expect(body, path).to.contain(t('errors.status', { status: 404 }, 'es'));
    }
    // JSON clients read codes and the default language, whoever asks.
    const json = await fetch(`${tool.baseUrl}/no-such-page?ltik=${ltik}`, { headers: { accept: 'application/json' } });
    expect(((await json.json()) as { error: { title: string } }).error.title).to.equal(t('errors.notFound.title'));
  });

  it('before anyone signs in, speaks the browser\'s language (Accept-Language)', async () => {
    const es = await html('/home', { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' });
    expect(es.status).to.equal(401);
    const body = await es.text();
    expect(body).to.contain('<html lang="es">').and.to.contain(t('errors.unauthorized.title', {}, 'es'));
    expect(await (await html('/home')).text()).to.contain('<html lang="en">');
  });
});
