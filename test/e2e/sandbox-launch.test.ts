import { expect } from 'chai';
import type { Frame } from 'playwright-core';
import { launchAs, openBrowser, startBrowserTool, type BrowserTool } from '../support/browser.js';

const ADVISORY_ROSTER = [
  'Amara Okafor', 'Liam Nguyen', 'Sofia Hernández', 'Noah Patel', 'Zoe Kim', 'Mateo García',
  'Ava Thompson', 'Ethan Brooks', 'Maya Chen', 'Jackson Lee', 'Isabella Rossi', 'Owen Walsh',
];

/** Whether a cookie written inside the frame sticks (false when the browser blocks third-party cookies). */
function frameCookieWorks(frame: Frame): Promise<boolean> {
  return frame.evaluate(() => {
    document.cookie = 'sp_probe=1; SameSite=None; Secure; Path=/';
    return document.cookie.includes('sp_probe=1');
  });
}

describe('sandbox LMS in Chromium: launch by role inside the cross-site iframe', function () {
  this.timeout(180_000);
  let tool: BrowserTool;

  before(async () => {
    tool = await startBrowserTool();
  });
  after(async () => {
    await tool?.stop();
  });

  for (const blocked of [false, true]) {
    it(`teacher sees the advisory caseload, student their page, parent their student, admin the admin home (third-party cookies ${blocked ? 'blocked' : 'allowed'})`, async () => {
      const { page, close } = await openBrowser({ blockThirdPartyCookies: blocked });
      try {
        const { port } = tool;
        let frame = await launchAs(page, port, 'teacher', '/caseload');
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

        frame = await launchAs(page, port, 'student', '/my-plan');
        await frame.getByText('Amara Okafor').first().waitFor({ timeout: 10_000 });
        expect(await frame.locator('body').innerText()).to.include('Amara Okafor');
        expect(await frame.locator('body').innerText()).to.not.include('Liam Nguyen');

        frame = await launchAs(page, port, 'parent', '/family');
        expect(await frame.getByRole('list', { name: 'Your students' }).getByRole('listitem').getByRole('heading').allInnerTexts()).to.deep.equal(['Amara Okafor']);

        frame = await launchAs(page, port, 'admin', '/admin');
        expect(await frame.getByRole('heading', { name: 'Administration' }).isVisible()).to.equal(true);
      } finally {
        await close();
      }
    });
  }
});
