import { expect } from 'chai';
import type { Frame, Page } from 'playwright-core';
import { axeProblems, launchAs, openBrowser, openInFrame as openAs, startBrowserTool, type BrowserTool } from '../support/browser.js';

/**
 * Issue 11's loop through the sandbox LMS in Chromium: a student asks for housing help soon while
 * preparing a check-in; her navigator and the coordinator both see the alert; the coordinator refers
 * her to the district's family services (a community organisation outside the LMS) with a parent's
 * consent; its caseworker signs in from the e-mailed link in a top-level window, accepts and closes
 * the referral as completed; the navigator sees the loop closed and the family sees only that a
 * support was arranged. axe-core checks each page on the way.
 */
describe('sandbox LMS in Chromium: a need, an alert, a referral and a community provider closing the loop', function () {
  this.timeout(240_000);
  let tool: BrowserTool;

  before(async () => {
    tool = await startBrowserTool();
  });
  after(async () => {
    await tool?.stop();
  });

  const accessible = async (frame: Frame, what: string) => expect(await axeProblems(frame), what).to.deep.equal([]);

  /** The newest kept message to `to` whose subject is `subject`, once the job worker has sent it (the sandbox outbox, top level). */
  async function mailLink(page: Page, to: string, subject: string): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await page.goto(`http://localhost:${tool.port}/sandbox/outbox`);
      const message = page.locator('article.mail-message').filter({ hasText: to }).filter({ hasText: subject }).first();
      if ((await message.count()) > 0) {
        const text = await message.locator('pre').innerText();
        return /https?:\/\/\S+/.exec(text)![0];
      }
      if (Date.now() > deadline) throw new Error(`no message "${subject}" to ${to} in the outbox`);
      await page.waitForTimeout(1000);
    }
  }

  it('closes the loop from "I need help soon" to "a support was arranged"', async () => {
    const { page, close } = await openBrowser();
    try {
      // The student prepares her check-in: housing, "I need help soon".
      let frame = await launchAs(page, tool.port, 'student', '/my-plan');
      const own = await frame.locator('a[href*="/students/"]').first().getAttribute('href');
      const studentId = /\/students\/([0-9a-f-]{36})/.exec(own ?? '')![1]!;
      const studentBase = `/students/${studentId}`;
      await openAs(frame, `${studentBase}/checkins/prep`);
      await frame.getByRole('heading', { name: 'Before our check-in' }).waitFor();
      await frame.getByLabel('Housing').selectOption('urgent');
      await frame.getByRole('button', { name: 'Save my answers' }).click();
      await frame.getByText('Saved. You can change your answers until you meet.').waitFor();

      // Her navigator sees the alert.
      frame = await launchAs(page, tool.port, 'teacher', '/caseload');
      await frame.getByRole('link', { name: /^Alerts \(\d+ waiting\)$/ }).click();
      await frame.getByRole('heading', { name: 'Alerts', exact: true }).waitFor();
      const alert = frame.locator('li.card').filter({ hasText: 'Urgent need' }).filter({ hasText: 'Amara Okafor' });
      expect(await alert.count(), 'the navigator sees the urgent housing alert').to.equal(1);
      await accessible(frame, 'alerts (navigator)');

      // The coordinator sees it too, and refers Amara to the district's family services.
      frame = await launchAs(page, tool.port, 'counselor', '/caseload');
      await openAs(frame, '/alerts');
      expect(await frame.locator('li.card').filter({ hasText: 'Urgent need' }).filter({ hasText: 'Amara Okafor' }).count(), 'the coordinator sees it').to.equal(1);
      await openAs(frame, `${studentBase}/supports`);
      await frame.getByRole('link', { name: 'Refer to a support' }).click();
      await frame.getByRole('heading', { name: /Refer Amara Okafor to a support/ }).waitFor();
      await accessible(frame, 'new referral');
      const housing = frame.getByLabel('Support', { exact: true }).locator('option', { hasText: 'Housing stability liaison' });
      await frame.getByLabel('Support', { exact: true }).selectOption((await housing.getAttribute('value'))!);
      await frame.getByLabel('Reason', { exact: true }).fill('Family has to leave their apartment this month.');
      // The school's own reason picklist (a field of the school's own on referrals), chosen with the referral.
      await frame.getByLabel(/^Reason for the referral/).selectOption('basic-needs');
      await frame.getByRole('radio', { name: 'Urgent' }).check();
      await frame.getByRole('button', { name: 'Make the referral' }).click();
      await frame.getByRole('heading', { name: /Amara Okafor/ }).waitFor();
      // The parent's consent to share, recorded for this referral.
      await frame.getByRole('radio', { name: 'Parent' }).check();
      await frame.getByLabel('How it was given').selectOption('verbal');
      await frame.getByLabel('Date given').fill('2026-11-30');
      await frame.getByRole('button', { name: 'Record consent' }).click();
      await frame.getByText(/Parent, Spoken/).waitFor();
      await accessible(frame, 'referral (coordinator)');

      // The caseworker signs in from the e-mailed link, outside the LMS, accepts and closes it.
      const link = await mailLink(page, 'sam.ortiz@familyservices.example.org', 'A referral was sent to your organisation');
      await page.goto(link);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: /District family services/ }).waitFor();
      await accessible(page.mainFrame(), 'provider home');
      await page.getByRole('link', { name: 'Housing stability liaison' }).click();
      await page.getByRole('heading', { name: 'Referral for Amara O.' }).waitFor();
      expect(await page.content()).to.not.contain('Okafor');
      await accessible(page.mainFrame(), 'provider referral');
      await page.getByRole('radio', { name: 'Accept' }).check();
      await page.getByRole('button', { name: 'Send the answer' }).click();
      await page.getByText('Saved. The school sees the new state.').waitFor();
      await page.getByLabel('Outcome', { exact: true }).selectOption('completed');
      await page.getByLabel('Outcome note').fill('Emergency rent help approved; family stays in the apartment.');
      await page.getByRole('button', { name: 'Close', exact: true }).click();
      await page.getByText('Saved. The school sees the new state.').waitFor();
      expect(await page.locator('dd').filter({ hasText: 'Closed' }).count()).to.equal(1);

      // The navigator sees the loop closed on Amara's supports.
      frame = await launchAs(page, tool.port, 'teacher', '/caseload');
      await openAs(frame, `${studentBase}/supports`);
      const closed = frame.locator('li.card').filter({ hasText: 'Housing stability liaison' });
      await closed.waitFor();
      expect(await closed.innerText()).to.contain('Closed');
      await accessible(frame, 'student supports (navigator)');

      // Her mother sees that a support was arranged, and nothing more.
      frame = await launchAs(page, tool.port, 'parent', '/family');
      await openAs(frame, `${studentBase}/supports`);
      await frame.getByText('A support was arranged').first().waitFor();
      const family = await frame.locator('main').innerText();
      expect(family).to.not.contain('Housing stability liaison').and.to.not.contain('apartment');
      await accessible(frame, 'student supports (family)');
    } finally {
      await close();
    }
  });
});
