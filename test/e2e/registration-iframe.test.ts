import { expect } from 'chai';
import { openBrowser, startBrowserTool, type BrowserTool } from '../support/browser.js';
import { startSimulator, type RunningSimulator } from '../support/simulator.js';

/**
 * An LMS admin page on another origin (a Canvas-shaped LMS on 127.0.0.1, not the sandbox, so the tool
 * has never heard of it) frames the tool's /lti/register, as Canvas and Moodle do. The registration
 * must render inside that frame and send the LMS its close message.
 */
describe('dynamic registration inside an iframe of the LMS (Chromium)', function () {
  this.timeout(120_000);
  let tool: BrowserTool;
  let lms: RunningSimulator;

  before(async () => {
    tool = await startBrowserTool();
    lms = await startSimulator('canvas');
  });
  after(async () => {
    await lms?.close();
    await tool?.stop();
  });

  it('renders in the frame (CSP allows the registering LMS) and the LMS page receives org.imsglobal.lti.close', async () => {
    const { page, close } = await openBrowser({ blockThirdPartyCookies: true });
    try {
      // Recorded in the LMS page only (the top frame): what the tool's frame posts to it.
      await page.addInitScript(() => {
        if (window.top !== window) return;
        const seen: { origin: string; data: unknown }[] = [];
        (window as unknown as { ltiMessages: typeof seen }).ltiMessages = seen;
        window.addEventListener('message', (e) => seen.push({ origin: e.origin, data: e.data }));
      });
      const refusals: string[] = [];
      page.on('console', (m) => {
        if (/frame-ancestors|Refused to frame/i.test(m.text())) refusals.push(m.text());
      });
      const registerResponse = page.waitForResponse((r) => new URL(r.url()).pathname === '/lti/register');

      const toolOrigin = `http://localhost:${tool.port}`;
      const adminPage = lms.sim.registrationPageUrl(`${toolOrigin}/lti/register`)!;
      expect(new URL(adminPage).origin, 'the LMS is another site than the tool').to.equal(lms.baseUrl);
      await page.goto(adminPage);

      const res = await registerResponse;
      expect(res.status()).to.equal(200);
      expect(res.frame().parentFrame(), 'the registration runs in a frame of the LMS page').to.equal(page.mainFrame());
      expect(res.headers()['content-security-policy']).to.match(new RegExp(`frame-ancestors [^;]*${lms.baseUrl.replace(/[.:/]/g, '\\$&')}`));

      // The LMS page says so when the close message arrives (and drops the frame).
      await page.getByRole('status').filter({ hasText: 'Registration complete' }).waitFor({ timeout: 30_000 });
      const messages = await page.evaluate(() => (window as unknown as { ltiMessages: { origin: string; data: unknown }[] }).ltiMessages);
      expect(messages).to.deep.include({ origin: toolOrigin, data: { subject: 'org.imsglobal.lti.close' } });
      expect(refusals, 'Chromium refused to frame the tool').to.deep.equal([]);

      // And the tool knows the LMS now.
      const [registration] = lms.sim.registrations;
      const tenant = await tool.server.app.ctx.platforms.findByIssuer(lms.sim.issuer, registration!.clientId);
      expect(tenant).to.include({ registeredBy: 'dynamic', family: 'canvas' });
    } finally {
      await close();
    }
  });
});
