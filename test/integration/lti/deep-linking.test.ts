import { expect } from 'chai';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { launchFixture, type LaunchFixture } from '../../support/launch-fixture.js';
import { familyFor } from '../../../src/lti/families/index.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';

for (const profile of ['canvas', 'schoology'] as const) {
  describe(`deep linking over HTTP (${profile} profile)`, () => {
    let tool: RunningTool;
    let f: LaunchFixture;
    before(async () => {
      tool = await startTool();
      f = await launchFixture(tool, profile);
    });
    after(async () => {
      await f.close();
      await tool.close();
    });

    // Schoology's links carry the app's own custom parameters (the building), which it sends only on its placements' launches.
    const linkCustom = familyFor(profile).linkCustom;
    const dlLaunch = (sub: string, agent = new LtiAgent()) =>
      agent.launch(f.platform.launchUrl({ clientId: f.clientId, userSub: sub, courseId: f.courseId, messageType: 'LtiDeepLinkingRequest' }));

    it('offers "Success plans" to a teacher and returns one signed ltiResourceLink to the LMS', async () => {
      const agent = new LtiAgent();
      const picker = await dlLaunch('teacher-1', agent);
      expect(picker.status).to.equal(200);
      expect(new URL(picker.url).pathname).to.match(/^\/lti\/deep-link\/[0-9a-f-]+$/);
      expect(picker.body).to.contain('Success plans');
      const before = f.platform.deepLinkResponses.length;
      const returned = await agent.post(new URL(picker.url).origin + new URL(picker.url).pathname, { ltik: picker.ltik!, choice: 'success-plans' });
      expect(returned.status).to.equal(200);
      expect(f.platform.deepLinkResponses).to.have.length(before + 1);
      const recorded = f.platform.deepLinkResponses.at(-1)!;
      const jwt = recorded.claims;
      // The platform verified the signature against the tool's JWKS (kid in the header), and that data was echoed, before recording it.
      expect(jwt.iss).to.equal(f.clientId);
      expect(jwt.aud).to.equal(f.platform.issuer);
      expect(jwt.nonce).to.be.a('string');
      expect(jwt[`${LTI}message_type`]).to.equal('LtiDeepLinkingResponse');
      expect(jwt[`${LTI}version`]).to.equal('1.3.0');
      expect(jwt[`${LTI}deployment_id`]).to.equal(f.deploymentId);
      expect(recorded.data).to.be.a('string');
      expect(jwt[`${DL}data`]).to.equal(recorded.data);
      expect(jwt[`${DL}content_items`]).to.deep.equal([{ type: 'ltiResourceLink', title: 'Success plans', url: `${tool.baseUrl}/lti/launch`, ...(linkCustom ? { custom: linkCustom } : {}) }]);
    });

    it('offers advisory and subject-course links, each carrying the custom parameter that decides the course', async () => {
      for (const [choice, title, advisory] of [['advisory', 'Success plans (advisory)', 'true'], ['subject', "Students' success plans", 'false']] as const) {
        const agent = new LtiAgent();
        const picker = await dlLaunch('teacher-1', agent);
        expect(picker.body).to.contain(`value="${choice}"`);
        await agent.post(new URL(picker.url).origin + new URL(picker.url).pathname, { ltik: picker.ltik!, choice });
        expect(f.platform.deepLinkResponses.at(-1)!.contentItems).to.deep.equal([{ type: 'ltiResourceLink', title, url: `${tool.baseUrl}/lti/launch`, custom: { ...linkCustom, advisory } }]);
      }
    });

    it('answers each deep-linking request once', async () => {
      const agent = new LtiAgent();
      const picker = await dlLaunch('teacher-1', agent);
      const target = new URL(picker.url).origin + new URL(picker.url).pathname;
      await agent.post(target, { ltik: picker.ltik!, choice: 'success-plans' });
      const again = await agent.post(target, { ltik: picker.ltik!, choice: 'success-plans' });
      expect(again.status).to.equal(409);
    });

    it('returns no items when the teacher cancels', async () => {
      const agent = new LtiAgent();
      const picker = await dlLaunch('teacher-1', agent);
      await agent.post(new URL(picker.url).origin + new URL(picker.url).pathname, { ltik: picker.ltik!, choice: 'none' });
      expect(f.platform.deepLinkResponses.at(-1)!.contentItems).to.deep.equal([]);
    });

    it('honours accept_types: offers nothing where the LMS accepts no tool links', async () => {
      f.platform.nextLaunch({
        claims: (c) => {
          const settings = c[`${DL}deep_linking_settings`] as Record<string, unknown>;
          return { ...c, [`${DL}deep_linking_settings`]: { ...settings, accept_types: ['file', 'html'] } };
        },
      });
      const agent = new LtiAgent();
      const picker = await dlLaunch('teacher-1', agent);
      expect(picker.status).to.equal(200);
      expect(picker.body).to.contain('does not accept tool links');
      expect(picker.body).not.to.contain('value="success-plans"');
      await agent.post(new URL(picker.url).origin + new URL(picker.url).pathname, { ltik: picker.ltik!, choice: 'success-plans' });
      expect(f.platform.deepLinkResponses.at(-1)!.contentItems).to.deep.equal([]);
    });

    it('keeps a deep-linking request to the teacher who opened it', async () => {
      const picker = await dlLaunch('teacher-1');
      const other = await new LtiAgent().launch(f.platform.launchUrl({ clientId: f.clientId, userSub: 'ta-1', courseId: f.courseId }));
      const path = new URL(picker.url).pathname;
      const res = await fetch(`${tool.baseUrl}${path}?ltik=${other.ltik}`, { headers: { accept: 'text/html' } });
      expect(res.status).to.equal(404);
    });

    it('does not let a student place the tool', async () => {
      const picker = await dlLaunch(f.students[0].sub);
      expect(picker.status).to.equal(403);
    });
  });
}
