import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Frame, Page } from 'playwright-core';
import { startServer, type Running } from '../../src/web/start.js';
import { freePort } from '../support/net.js';
import { CHROMIUM, axeProblems, openBrowser, toolFrame } from '../support/browser.js';

/**
 * Through the sandbox LMS in Chromium: the teacher opens a student from the caseload and writes a
 * goal; the student sees it and adds a progress update; the teacher sees the update with the
 * student named as its author. axe-core checks each caseload, goal and check-in page on the way.
 */
describe('sandbox LMS in Chromium: goals and check-ins', function () {
  this.timeout(180_000);
  let server: Running;
  let port: number;
  let dataDir: string;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium) to run the browser tests.`);
    port = await freePort();
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'sp-e2e-goals-'));
    server = await startServer({ NODE_ENV: 'development', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' });
  });
  after(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const launchAs = async (page: Page, who: 'teacher' | 'student', home: string) => {
    await page.goto(`http://localhost:${port}/`);
    await page.getByRole('link', { name: `Launch as ${who}` }).click();
    return toolFrame(page, home, port);
  };
  const accessible = async (frame: Frame, what: string) => expect(await axeProblems(frame), what).to.deep.equal([]);
  /** The same page for another launched user: their ltik, this path. */
  const openAs = async (frame: Frame, pathname: string) => {
    const ltik = new URL(frame.url()).searchParams.get('ltik')!;
    await frame.goto(`http://localhost:${port}${pathname}?ltik=${encodeURIComponent(ltik)}`);
  };

  it('teacher writes a goal, student adds progress, teacher sees the student as its author', async () => {
    const { context, dir } = await openBrowser();
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      let frame = await launchAs(page, 'teacher', '/caseload');
      // The roster arrives through NRPS in the background.
      const card = () => frame.locator('li.caseload-card').filter({ hasText: 'Amara Okafor' });
      const deadline = Date.now() + 30_000;
      while ((await card().count()) === 0 && Date.now() < deadline) {
        await page.waitForTimeout(1000);
        await frame.goto(frame.url());
      }
      await accessible(frame, 'caseload');

      await card().getByRole('link', { name: /active, .* achieved/ }).click();
      await frame.getByRole('heading', { name: /Goals: Amara Okafor/ }).waitFor();
      await accessible(frame, 'goal list');
      await frame.getByRole('link', { name: 'Add a goal' }).click();
      await frame.getByLabel('Category').waitFor();
      await accessible(frame, 'new goal form');
      await frame.getByLabel('Category').selectOption('academic');
      await frame.getByLabel(/^Goal/).fill('Read 20 pages every school day');
      await frame.getByLabel('How it is measured').fill('Reading log');
      await frame.getByLabel('Target').fill('4 weeks in a row');
      await frame.getByLabel('Why it matters').fill('I want to enjoy books again');
      await frame.getByRole('button', { name: 'Save goal' }).click();
      await frame.getByRole('heading', { name: 'Read 20 pages every school day' }).waitFor();
      await accessible(frame, 'goal page (advisor)');
      const goalPath = new URL(frame.url()).pathname;
      const studentBase = goalPath.replace(/\/goals\/.*$/, '');

      await openAs(frame, `${studentBase}/checkins/new`);
      await frame.getByRole('heading', { name: /Check-in with Amara Okafor/ }).waitFor();
      await accessible(frame, 'record a check-in');
      await openAs(frame, '/caseload/checkins/new');
      await frame.getByRole('heading', { name: 'Record check-ins for the advisory' }).waitFor();
      await accessible(frame, 'quick record for the advisory');
      await openAs(frame, `${studentBase}/checkins`);
      await accessible(frame, 'check-in history');

      frame = await launchAs(page, 'student', '/my-plan');
      await openAs(frame, goalPath);
      await frame.getByRole('heading', { name: 'Read 20 pages every school day' }).waitFor();
      await accessible(frame, 'goal page (student)');
      await frame.getByLabel('How is it going?').fill('Read every day this week, even Friday');
      await frame.getByRole('radio', { name: '4' }).check();
      await frame.getByRole('button', { name: 'Add update' }).click();
      await frame.getByText('Read every day this week, even Friday').waitFor();
      await openAs(frame, `${studentBase}/checkins/prep`);
      await frame.getByRole('heading', { name: 'Before our check-in' }).waitFor();
      await accessible(frame, 'check-in prep (student)');

      frame = await launchAs(page, 'teacher', '/caseload');
      await openAs(frame, goalPath);
      const update = frame.locator('.progress-list li').filter({ hasText: 'Read every day this week, even Friday' });
      expect(await update.locator('.progress-author').innerText()).to.equal('Amara Okafor');
      expect(await update.innerText()).to.contain('feeling 4/5');
    } finally {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
