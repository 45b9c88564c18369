import { expect } from 'chai';
import type { Frame, Page } from 'playwright-core';
import { axeProblems, launchAs, openBrowser, openInFrame, startBrowserTool, type BrowserTool } from '../support/browser.js';

const STUDENT = 'Amara Okafor';
const GOAL = 'Finish every algebra assignment before Friday';
const UPDATE = 'Three of four done this week; Friday was a field trip';

/**
 * Issue 4's browser test, through the sandbox LMS in Chromium: the teacher opens a student from the
 * caseload and writes a goal from the student's plan; the student launches, sees the goal on their
 * plan and adds a progress update; the teacher sees the update with the student named as its author.
 * Every locator is by role or label, so a missing label fails the test; axe-core checks the
 * caseload, plan, goal and check-in pages on the way. Issue 7 (items 10, 11): a section's fields save
 * together, and the print view opens in a top-level window of its own, not in the LMS frame.
 */
describe('sandbox LMS in Chromium: plan, goal and progress across teacher and student', function () {
  this.timeout(180_000);
  let tool: BrowserTool;

  before(async () => {
    tool = await startBrowserTool();
  });
  after(async () => {
    await tool?.stop();
  });

  const accessible = async (frame: Frame, what: string) => expect(await axeProblems(frame), `axe on the ${what}`).to.deep.equal([]);

  /** The caseload fills in once the background NRPS sync after the teacher's first launch has run. */
  async function waitForStudent(page: Page, frame: Frame): Promise<void> {
    const link = frame.getByRole('list', { name: 'Students' }).getByRole('link', { name: STUDENT, exact: true });
    const deadline = Date.now() + 30_000;
    while ((await link.count()) === 0) {
      if (Date.now() > deadline) throw new Error(`${STUDENT} never appeared on the caseload`);
      await page.waitForTimeout(1000);
      await frame.goto(frame.url());
    }
  }

  /** From the caseload, the student's plan page, by the link on their name. */
  async function openPlanFromCaseload(page: Page, frame: Frame): Promise<void> {
    await waitForStudent(page, frame);
    await frame.getByRole('list', { name: 'Students' }).getByRole('link', { name: STUDENT, exact: true }).click();
    await frame.waitForURL(/\/students\/[0-9a-f-]+\/plan\?/);
    await frame.getByRole('heading', { level: 1, name: new RegExp(STUDENT) }).waitFor();
  }

  it('teacher writes a goal from the plan, student adds progress, teacher sees the student as its author', async () => {
    const { page, close } = await openBrowser();
    try {
      const { port } = tool;
      let frame = await launchAs(page, port, 'teacher', '/caseload');
      await waitForStudent(page, frame);
      await accessible(frame, 'caseload');

      await openPlanFromCaseload(page, frame);
      const studentBase = new URL(frame.url()).pathname.replace(/\/plan$/, '');
      await accessible(frame, 'plan page (advisor)');

      await frame.getByRole('link', { name: /Add a goal/ }).click();
      await frame.getByRole('heading', { level: 1, name: new RegExp(`goal.*${STUDENT}`, 'i') }).waitFor();
      await accessible(frame, 'new goal form');
      await frame.getByLabel('Category').selectOption('academic');
      await frame.getByLabel(/^Goal/).fill(GOAL);
      await frame.getByLabel('How it is measured').fill('Assignments marked done in the LMS');
      await frame.getByLabel('Target', { exact: true }).fill('4 of 4 each week');
      await frame.getByLabel('Why it matters').fill('Algebra is the class I want to pass this year');
      await frame.getByRole('button', { name: 'Save goal' }).click();
      await frame.getByRole('heading', { level: 1, name: GOAL }).waitFor();
      expect(new URL(frame.url()).pathname).to.match(new RegExp(`^${studentBase}/goals/[0-9a-f-]+$`));
      await accessible(frame, 'goal page (advisor)');

      await openInFrame(frame, `${studentBase}/goals`);
      await frame.getByRole('link', { name: GOAL }).waitFor();
      await accessible(frame, 'goal list');
      await openInFrame(frame, `${studentBase}/checkins/new`);
      await frame.getByRole('heading', { level: 1, name: new RegExp(`Check-in with ${STUDENT}`) }).waitFor();
      await accessible(frame, 'check-in form');

      frame = await launchAs(page, port, 'student', /^\/(my-plan|students\/[0-9a-f-]+\/plan)$/);
      await frame.getByRole('link', { name: GOAL }).waitFor();
      await accessible(frame, 'student home (their plan)');
      await frame.getByRole('link', { name: GOAL }).click();
      await frame.getByRole('heading', { level: 1, name: GOAL }).waitFor();
      await accessible(frame, 'goal page (student)');
      await frame.getByLabel('Progress toward the target').fill('3 of 4');
      await frame.getByLabel('How is it going?').fill(UPDATE);
      await frame.getByRole('group', { name: /How do you feel about it/ }).getByRole('radio', { name: '4' }).check();
      await frame.getByRole('button', { name: 'Add update' }).click();
      await frame.getByRole('list').filter({ hasText: UPDATE }).waitFor();

      frame = await launchAs(page, port, 'teacher', '/caseload');
      await openPlanFromCaseload(page, frame);
      await frame.getByRole('link', { name: GOAL }).click();
      await frame.getByRole('heading', { level: 1, name: GOAL }).waitFor();
      const progress = frame.getByRole('region', { name: 'Progress' }).getByRole('listitem').filter({ hasText: UPDATE });
      expect(await progress.count(), 'the student\'s update on the teacher\'s goal page').to.equal(1);
      const text = await progress.innerText();
      expect(text, 'the update names the student as its author').to.match(new RegExp(`^${STUDENT} ·`));
      expect(text).to.contain('feeling 4/5');
    } finally {
      await close();
    }
  });

  it('student types in two fields of a section and saves once; the print opens in its own top-level window', async () => {
    const { page, context, close } = await openBrowser();
    try {
      const { port } = tool;
      const frame = await launchAs(page, port, 'student', /^\/(my-plan|students\/[0-9a-f-]+\/plan)$/);
      const section = frame.getByRole('region', { name: 'About me' });
      await section.getByLabel("Things I do well (student's words)").fill('Drawing, and fixing bikes with my uncle');
      await section.getByLabel("What is important to me (student's words)").fill('My family, and my friends on the team');
      await section.getByRole('button', { name: 'Save About me (my words)' }).click();
      await frame.getByRole('status').filter({ hasText: 'About me saved.' }).waitFor();
      // Both fields were saved by the one button: a fresh load of the page has both.
      await openInFrame(frame, new URL(frame.url()).pathname);
      const fresh = frame.getByRole('region', { name: 'About me' });
      expect(await fresh.getByLabel("Things I do well (student's words)").inputValue()).to.equal('Drawing, and fixing bikes with my uncle');
      expect(await fresh.getByLabel("What is important to me (student's words)").inputValue()).to.equal('My family, and my friends on the team');
      await accessible(frame, 'plan page (student, after a section save)');

      const planUrl = frame.url();
      const [popup] = await Promise.all([context.waitForEvent('page'), frame.getByRole('link', { name: /Print the plan.*opens in a new window/ }).click()]);
      await popup.waitForLoadState('domcontentloaded');
      expect(new URL(popup.url()).pathname, 'the print view in a page of its own').to.match(/^\/students\/[0-9a-f-]+\/plan\/print$/);
      expect(popup.mainFrame().parentFrame(), 'a top-level window, not a frame').to.equal(null);
      expect(frame.url(), 'the tool frame stays on the plan').to.equal(planUrl);
      await popup.getByRole('heading', { level: 1, name: /Success plan/ }).waitFor();
      expect(await popup.locator('body').getAttribute('data-print-on-load')).to.equal('');
      expect(await popup.getByRole('main').innerText()).to.contain('Drawing, and fixing bikes with my uncle');
      await popup.getByRole('button', { name: 'Print this plan' }).waitFor();
      await accessible(popup.mainFrame(), 'print view');
    } finally {
      await close();
    }
  });
});
