import { expect } from 'chai';
import type { Frame } from 'playwright-core';
import { axeProblems, launchAs, openBrowser, openInFrame, startBrowserTool, type BrowserTool } from '../support/browser.js';

/**
 * Issue 13's risk review through the sandbox LMS in Chromium: the counsellor opens Lincoln's meetings
 * from the schools page, starts a meeting whose agenda the data built, and for a flagged student records
 * a plan action and a referral in one step each; axe-core checks the pages.
 */
describe('sandbox LMS in Chromium: a risk-review meeting creates a plan action and a referral', function () {
  this.timeout(180_000);
  let tool: BrowserTool;

  before(async () => {
    tool = await startBrowserTool();
  });
  after(async () => {
    await tool?.stop();
  });

  const accessible = async (frame: Frame, what: string) => expect(await axeProblems(frame), what).to.deep.equal([]);

  it('builds the agenda from the seeded school and records decisions for a flagged student', async () => {
    const { page, close } = await openBrowser();
    try {
      const frame = await launchAs(page, tool.port, 'counselor', '/caseload');
      await openInFrame(frame, '/schools');
      await frame.getByRole('link', { name: "Risk-review meetings of this school's team (Lincoln High School)", exact: true }).click();
      await frame.getByRole('heading', { name: 'Risk review: Lincoln High School' }).waitFor();
      await accessible(frame, 'meetings list');
      await frame.getByRole('button', { name: 'Create the meeting' }).click();
      await frame.getByRole('heading', { name: 'Agenda', exact: true }).waitFor();
      await accessible(frame, 'meeting page');
      // Ethan Brooks raised an urgent need and has an active goal (src/sandbox/sample-school.data.ts).
      const ethan = frame.locator('section.risk-student').filter({ has: frame.getByRole('heading', { name: 'Ethan Brooks' }) });
      expect(await ethan.count(), 'the flagged student is on the agenda').to.equal(1);

      const decide = async (kind: string, summary: string, support?: boolean) => {
        await ethan.getByLabel('Kind').selectOption(kind);
        await ethan.getByLabel('What was decided').fill(summary);
        await ethan.getByLabel('Owner', { exact: true }).selectOption({ label: 'Keisha Moore' });
        if (support) await ethan.getByLabel('Support (for a referral)').selectOption({ index: 1 });
        // The student's name is a visually hidden part of the button's name (a block of its own, so a space comes before it).
        await ethan.getByRole('button', { name: /^Record the decision\s*: Ethan Brooks$/ }).click();
        await ethan.getByText(summary).first().waitFor();
      };
      await decide('plan_action', 'Check in with Ms. Moore every Monday');
      await decide('referral', 'Counseling for loneliness and sleep', true);
      const recorded = await ethan.locator('li').allInnerTexts();
      expect(recorded.some((r) => r.startsWith('Plan action') && r.includes('Check in with Ms. Moore every Monday'))).to.equal(true);
      expect(recorded.some((r) => r.startsWith('Referral') && r.includes('Counseling for loneliness and sleep'))).to.equal(true);

      // What the decisions named exists on the student's record: the step on his goal, the referral to the support chosen.
      const studentId = await ethan.locator('input[name="student"]').first().inputValue();
      await openInFrame(frame, `/students/${studentId}/supports`);
      await frame.getByText('Adult mentor check-ins').first().waitFor();
      await openInFrame(frame, `/students/${studentId}/goals`);
      const goalLinks = await frame.locator('a[href*="/goals/"]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
      let found = false;
      for (const path of [...new Set(goalLinks)].filter((p) => /\/goals\/[0-9a-f-]{36}$/.test(p))) {
        await openInFrame(frame, path);
        if ((await frame.locator('main').innerText()).includes('Check in with Ms. Moore every Monday')) found = true;
      }
      expect(found, "the plan action is a step on one of the student's goals").to.equal(true);
    } finally {
      await close();
    }
  });
});
