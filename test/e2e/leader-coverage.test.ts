import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Frame } from 'playwright-core';
import { axeProblems, launchAs, openBrowser, startBrowserTool, type BrowserTool } from '../support/browser.js';

/**
 * Issue 12 through the sandbox LMS in Chromium: the principal launches from the account's navigation
 * (no course), opens her school's coverage, follows "not seen in 2 weeks" to the students behind it and
 * downloads them as CSV; axe-core checks each page.
 */
describe('sandbox LMS in Chromium: a school leader from account navigation to the students behind a number', function () {
  this.timeout(180_000);
  let tool: BrowserTool;

  before(async () => {
    tool = await startBrowserTool();
  });
  after(async () => {
    await tool?.stop();
  });

  const accessible = async (frame: Frame, what: string) => expect(await axeProblems(frame), what).to.deep.equal([]);

  it('opens coverage, drills into "not seen in 2 weeks" and exports those students', async () => {
    const { page, close } = await openBrowser();
    try {
      const frame = await launchAs(page, tool.port, 'school leader (account)', '/schools');
      await frame.getByRole('heading', { name: 'Your schools' }).waitFor();
      expect(await frame.getByRole('link', { name: 'Riverside High School', exact: true }).count(), 'only her own school').to.equal(0);
      await frame.getByRole('link', { name: 'Lincoln High School', exact: true }).click();
      await frame.getByRole('heading', { name: 'Every student known' }).waitFor();
      await accessible(frame, 'school view');
      const figure = frame.locator('[data-figure="notSeen2Weeks"]');
      const counted = Number(/^(\d+) of/.exec((await figure.locator('dd').innerText()).trim())![1]);
      await figure.getByRole('link', { name: 'Students not seen in 2 weeks' }).click();
      await frame.getByRole('heading', { name: 'Students not seen in 2 weeks' }).waitFor();
      await accessible(frame, 'students behind the number');
      const names = await frame.locator('tbody th[scope="row"]').allInnerTexts();
      expect(counted, 'the sandbox has students not seen lately').to.be.greaterThan(0);
      expect(names.length, 'the list holds the students the figure counted').to.equal(counted);

      const [download] = await Promise.all([page.waitForEvent('download'), frame.getByRole('link', { name: 'Download CSV' }).click()]);
      const rows = parse(await readFile((await download.path())!, 'utf8'), { bom: true }) as string[][];
      expect(rows[0]![0]).to.equal('Student');
      expect(rows.slice(1).map((r) => r[0])).to.deep.equal(names);
    } finally {
      await close();
    }
  });
});
