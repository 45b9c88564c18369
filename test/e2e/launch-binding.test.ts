import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { startTool, type RunningTool } from '../support/tool-server.js';
import { launchFixture, type LaunchFixture } from '../support/launch-fixture.js';

/**
 * The tool's state-binding scripts in a real browser, inside the simulator's cross-site course
 * iframe (simulator on 127.0.0.1, tool on localhost): the partitioned cookie, LTI platform storage
 * when the cookie never sticks, and the new-window fallback when neither is available.
 */
describe('launch state binding in Chromium (third-party cookies blocked)', function () {
  this.timeout(120_000);
  let tool: RunningTool;
  let f: LaunchFixture;
  let browser: Browser;

  before(async () => {
    tool = await startTool({}, { hostname: 'localhost' });
    f = await launchFixture(tool, 'canvas');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      // Fulfilled (intercepted) responses count as public address space; loopback navigation from them is otherwise blocked.
      args: ['--no-sandbox', '--test-third-party-cookie-phaseout', '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests'],
    });
  });
  after(async () => {
    await browser?.close();
    await f?.close();
    await tool?.close();
  });

  /** A browser that never keeps the tool's cookie inside a frame (Safari without CHIPS); top-level windows keep it. */
  async function cookieless(context: BrowserContext): Promise<void> {
    await context.route(`${tool.baseUrl}/lti/login**`, async (route) => {
      const r = route.request();
      let framed: boolean;
      try {
        framed = r.frame().parentFrame() !== null;
      } catch {
        framed = false; // the first request of a new window has no frame yet
      }
      if (!framed) return route.continue();
      const res = await fetch(r.url(), { method: r.method(), headers: { 'content-type': r.headers()['content-type'] ?? 'text/plain' }, body: r.method() === 'POST' ? (r.postData() ?? '') : undefined, redirect: 'manual' });
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        if (!['set-cookie', 'content-encoding', 'content-length'].includes(k)) headers[k] = v;
      });
      await route.fulfill({ status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) });
    });
  }

  const coursePage = () => f.platform.courseFrameUrl({ clientId: f.clientId, userSub: 'teacher-1', courseId: f.courseId });

  it('completes with the partitioned state cookie', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(coursePage());
      await page.frameLocator('#tool-frame').locator('h1', { hasText: 'Caseload' }).waitFor({ timeout: 15_000 });
    } finally {
      await context.close();
    }
  });

  it('completes through LTI platform storage when the cookie never comes back', async () => {
    const context = await browser.newContext();
    try {
      await cookieless(context);
      const completed: string[] = [];
      context.on('request', (r) => {
        if (r.url().endsWith('/lti/launch/complete')) completed.push(r.method());
      });
      const page = await context.newPage();
      await page.goto(coursePage());
      const frame = page.frameLocator('#tool-frame');
      await frame.locator('h1', { hasText: 'Caseload' }).waitFor({ timeout: 15_000 });
      expect(completed).to.deep.equal(['POST']);
      expect(await frame.locator('header').innerText()).to.contain('Tess Teacher');
    } finally {
      await context.close();
    }
  });

  it('offers a new window when there is neither cookie nor platform storage, and the new window completes', async () => {
    const context = await browser.newContext();
    try {
      await cookieless(context);
      await context.route(`${f.platform.baseUrl}/post_message_forwarding`, (route) => route.fulfill({ status: 404, body: 'no platform storage' }));
      const page = await context.newPage();
      await page.goto(coursePage());
      const frame = page.frameLocator('#tool-frame');
      const link = frame.getByRole('link', { name: 'Open in a new window' });
      await link.waitFor({ timeout: 15_000 });
      const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
      await popup.locator('h1', { hasText: 'Caseload' }).waitFor({ timeout: 15_000 });
      expect((await popup.locator('header').innerText()).replace(/\s+/g, ' ')).to.contain('Tess Teacher advisor Advisory 9B');
    } finally {
      await context.close();
    }
  });
});
