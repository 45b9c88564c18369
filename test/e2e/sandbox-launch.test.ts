import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { startServer, type Running } from '../../src/web/start.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ADVISORY_ROSTER = [
  'Amara Okafor', 'Liam Nguyen', 'Sofia Hernández', 'Noah Patel', 'Zoe Kim', 'Mateo García',
  'Ava Thompson', 'Ethan Brooks', 'Maya Chen', 'Jackson Lee', 'Isabella Rossi', 'Owen Walsh',
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/**
 * A fresh profile whose cookie setting is explicit: Chromium's default here already blocks
 * third-party cookies, so the "allowed" run must turn them on to test both sides.
 */
async function openBrowser(blockThirdPartyCookies: boolean): Promise<{ context: BrowserContext; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sp-chromium-'));
  mkdirSync(path.join(dir, 'Default'), { recursive: true });
  // cookie_controls_mode: 0 = allow all cookies, 1 = block third-party cookies (Chromium's settings page).
  const profile = blockThirdPartyCookies ? { cookie_controls_mode: 1, block_third_party_cookies: true } : { cookie_controls_mode: 0, block_third_party_cookies: false };
  writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify({ profile }));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: blockThirdPartyCookies ? [...ARGS, '--test-third-party-cookie-phaseout'] : ARGS,
  });
  return { context, dir };
}

/** The tool's frame inside the sandbox course page, once it has reached `pathname`. */
async function toolFrame(page: Page, pathname: string, port: number): Promise<Frame> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const frame = page.frames().find((f) => {
      try {
        const u = new URL(f.url());
        return u.host === `localhost:${port}` && u.pathname === pathname;
      } catch {
        return false;
      }
    });
    if (frame) {
      await frame.waitForLoadState('domcontentloaded');
      return frame;
    }
    if (Date.now() > deadline) {
      const frames = page.frames().map((f) => f.url().replace(/ltik=[^&]+/, 'ltik=…'));
      const texts = await Promise.all(page.frames().map((f) => f.locator('body').innerText().catch(() => '')));
      throw new Error(`the tool frame never reached ${pathname}; frames: ${JSON.stringify(frames)}; texts: ${JSON.stringify(texts.map((t) => t.slice(0, 300)))}`);
    }
    await page.waitForTimeout(200);
  }
}

/** Whether a cookie written inside the frame sticks (false when the browser blocks third-party cookies). */
function frameCookieWorks(frame: Frame): Promise<boolean> {
  return frame.evaluate(() => {
    document.cookie = 'sp_probe=1; SameSite=None; Secure; Path=/';
    return document.cookie.includes('sp_probe=1');
  });
}

describe('sandbox LMS in Chromium: launch by role inside the cross-site iframe', function () {
  this.timeout(180_000);
  let server: Running;
  let port: number;
  let dataDir: string;

  before(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium) to run the browser tests.`);
    }
    port = await freePort();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'sp-e2e-data-'));
    // As `npm start` runs it: development, sandbox on, embedded database in DATA_DIR.
    server = await startServer({ NODE_ENV: 'development', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  });
  after(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  for (const blocked of [false, true]) {
    it(`teacher sees the advisory caseload, student their page, parent their student, admin the admin home (third-party cookies ${blocked ? 'blocked' : 'allowed'})`, async () => {
      const { context, dir } = await openBrowser(blocked);
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(`http://localhost:${port}/`);
        await page.getByRole('link', { name: 'Launch as teacher' }).click();
        await page.waitForURL((u) => u.host === `127.0.0.1:${port}`);
        let frame = await toolFrame(page, '/caseload', port);
        expect(frame.parentFrame(), 'the tool runs in an iframe of the sandbox course page').to.equal(page.mainFrame());
        expect(await frameCookieWorks(frame), 'cookie write inside the tool frame').to.equal(!blocked);
        expect(await frame.getByRole('heading', { name: 'Caseload' }).isVisible()).to.equal(true);

        // The roster arrives through NRPS in the background; the page fills in once it has run.
        const deadline = Date.now() + 30_000;
        let names: string[] = [];
        for (;;) {
          names = await frame.locator('ul.caseload .student-name').allInnerTexts();
          if (ADVISORY_ROSTER.every((n) => names.includes(n)) || Date.now() > deadline) break;
          await page.waitForTimeout(1000);
          await frame.goto(frame.url());
        }
        expect(names).to.have.members(ADVISORY_ROSTER);

        await page.goto(`http://localhost:${port}/`);
        await page.getByRole('link', { name: 'Launch as student' }).click();
        frame = await toolFrame(page, '/my-plan', port);
        await frame.getByText('Amara Okafor').first().waitFor({ timeout: 10_000 });
        expect(await frame.locator('body').innerText()).to.include('Amara Okafor');
        expect(await frame.locator('body').innerText()).to.not.include('Liam Nguyen');

        await page.goto(`http://localhost:${port}/`);
        await page.getByRole('link', { name: 'Launch as parent' }).click();
        frame = await toolFrame(page, '/family', port);
        expect(await frame.getByRole('list', { name: 'Your students' }).innerText()).to.equal('Amara Okafor');

        await page.goto(`http://localhost:${port}/`);
        await page.getByRole('link', { name: 'Launch as admin' }).click();
        frame = await toolFrame(page, '/admin', port);
        expect(await frame.getByRole('heading', { name: 'Administration' }).isVisible()).to.equal(true);
      } finally {
        await context.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
