import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createTestApp, type TestApp } from '../../support/app.js';
import { familyFor, lmsFamilies, toolUrls, type FamilyCode } from '../../../src/lti/families/index.js';
import { t as text } from '../../../src/web/i18n.js';

/** A page's text as a person reads it: Handlebars' entities decoded. */
const shown = (html: string) =>
  html.replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`').replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The page without the registration form's LMS list, which names every LMS on purpose. */
const withoutLmsChoice = (page: string) => page.replace(/<select id="p-family"[\s\S]*?<\/select>/, '');

describe('install guides come from the LMS families', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(async () => {
    await t.ctx.shutdown?.();
  });

  it("`/` shows each family's guide, its steps and the URLs each step pastes", async () => {
    const page = shown((await request(t.app).get('/').expect(200)).text);
    const urls = toolUrls(t.config.baseUrl);
    for (const f of lmsFamilies) {
      expect(page).to.contain(text(f.install.title));
      for (const step of f.install.steps) {
        expect(page).to.contain(text(step.text));
        for (const p of step.paste ?? []) expect(page).to.contain(text(p.label)).and.to.contain(`<code>${'url' in p ? urls[p.url] : p.text}</code>`);
      }
    }
  });

  const adminPageOf = async (family: FamilyCode) => {
    const issuer = `https://lms-${randomUUID()}.example`;
    const own = await t.ctx.platforms.addManual({ name: 'District LMS', family, issuer, clientId: 'c-1', authLoginUrl: `${issuer}/auth`, accessTokenUrl: `${issuer}/token`, jwksUrl: `${issuer}/jwks`, deploymentIds: ['dep-1'] });
    expect(own.lms).to.equal(familyFor(family));
    const admin = await t.ctx.roster.upsertPerson(own.id, { sub: `admin-${randomUUID()}`, name: 'Ada Admin' });
    const ltik = await t.ctx.ltiks.issue({ tid: own.id, pid: admin.id, cid: null, role: 'admin' });
    return shown((await request(t.app).get('/admin/platforms').query({ ltik }).expect(200)).text);
  };

  it("a Schoology school's platforms page shows Schoology's steps, and no Canvas text", async () => {
    const page = await adminPageOf('schoology');
    expect(page).to.contain(text('install.ownGuide', { lms: 'Schoology' }));
    for (const step of familyFor('schoology').install.steps) expect(page).to.contain(text(step.text));
    expect(page).to.contain(text('install.schoology.redirect')).and.to.contain(`${t.config.baseUrl}/lti/launch`);
    expect(page).to.contain(text('admin.timeZone.notSetByAdmin', { lms: 'Schoology' }));
    expect(withoutLmsChoice(page)).to.not.contain('Canvas');
  });

  it("a Canvas school's platforms page shows Canvas's steps, and no Schoology text", async () => {
    const page = await adminPageOf('canvas');
    expect(page).to.contain(text('install.ownGuide', { lms: 'Canvas' }));
    for (const step of familyFor('canvas').install.steps) expect(page).to.contain(text(step.text));
    expect(page).to.contain(`${t.config.baseUrl}/lti/canvas.json`);
    expect(page).to.contain(text('admin.timeZone.notSetFromLaunch', { lms: 'Canvas' }));
    expect(withoutLmsChoice(page)).to.not.contain('Schoology');
  });
});
