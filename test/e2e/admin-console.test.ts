import { expect } from 'chai';
import type { Frame, Page } from 'playwright-core';
import { axeProblems, launchAs, openBrowser, openInFrame, startBrowserTool, type BrowserTool } from '../support/browser.js';

const STUDENT = 'Amara Okafor';

/**
 * Issue 14's browser test, through the sandbox LMS in Chromium with third-party cookies blocked: the
 * admin launches, opens the console in a new top-level window (a one-time hand-off, then its own
 * first-party session), adds a goal category (a picklist value) and a custom plan field with its choices,
 * previews the plan page as the student sees it, publishes both, and adds a field of the school's own to
 * goals; the advisor then finds them in the LMS frame: the field on the student's plan, the category and
 * the goal's own field on the new-goal form. The generated editor
 * forms are filled by their field names (each row repeats the same labels).
 */
describe('admin console in Chromium: a picklist value and a custom field, previewed, published, seen in the frame', function () {
  this.timeout(240_000);
  let tool: BrowserTool;

  before(async () => {
    tool = await startBrowserTool();
  });
  after(async () => {
    await tool?.stop();
  });

  const field = (win: Page, name: string) => win.locator(`[name="${name}"]`);
  const accessible = async (frame: Frame, what: string) => expect(await axeProblems(frame), `axe on the ${what}`).to.deep.equal([]);

  /** The kind's editor in the console, from the console's list of documents. */
  async function openDocument(win: Page, title: string): Promise<void> {
    await win.goto(new URL('/console/configuration', win.url()).toString());
    await win.getByRole('link', { name: title, exact: true }).click();
    await win.getByRole('heading', { level: 1, name: title }).waitFor();
  }

  /** Saves the editor's form as a draft, then publishes that draft. */
  async function saveAndPublish(win: Page): Promise<void> {
    await win.getByRole('button', { name: /^(Start a draft|Save draft)$/ }).click();
    await win.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
    await win.getByRole('button', { name: /^Publish version \d+$/ }).click();
    await win.getByRole('status').filter({ hasText: 'Published' }).waitFor();
  }

  it('the admin shapes the tool in the console; the advisor sees it in the frame', async () => {
    const { page, context, close } = await openBrowser({ blockThirdPartyCookies: true });
    try {
      const { port } = tool;
      const admin = await launchAs(page, port, 'admin', '/admin');
      const [win] = await Promise.all([context.waitForEvent('page'), admin.getByRole('button', { name: 'Open the admin console in a new window' }).click()]);
      await win.waitForURL((u) => u.pathname === '/console');
      await win.getByRole('heading', { level: 1, name: 'Admin console' }).waitFor();
      expect(win.url(), 'the hand-off token is gone from the address').not.to.contain('token=');
      await accessible(win.mainFrame(), 'console home');

      // District sign-on's settings are reached from the console's home; an empty save is refused in place.
      await win.getByRole('link', { name: /^District sign-on/ }).click();
      await win.getByRole('heading', { level: 1, name: 'District sign-on' }).waitFor();
      await accessible(win.mainFrame(), 'district sign-on settings');
      await win.getByRole('button', { name: 'Check and save' }).click();
      await win.getByRole('heading', { name: 'There is a problem' }).waitFor();

      // A picklist value: a fifth goal category, with its Spanish.
      await openDocument(win, 'Goal categories');
      await field(win, 'f.values.4.value').fill('health');
      await field(win, 'f.values.4.label').fill('Health and movement');
      await field(win, 'f.values.4.offered').check();
      await field(win, 'f.values.4.translations.es.label').fill('Salud y movimiento');
      await saveAndPublish(win);

      // A custom field: a pick-one in "College and career interests", written by both, read by the student and adults.
      await openDocument(win, 'Plan template');
      await accessible(win.mainFrame(), 'plan template editor');
      const row = 'f.sections.2.fields.2';
      await field(win, `${row}.key`).fill('pathway');
      await field(win, `${row}.label`).fill('My pathway after high school');
      await field(win, `${row}.type`).selectOption('picklist');
      await field(win, `${row}.edit`).selectOption('both');
      await field(win, `${row}.see.student`).check();
      await field(win, `${row}.see.adult`).check();
      await field(win, `${row}.options.0.value`).fill('trade');
      await field(win, `${row}.options.0.label`).fill('Trade school');
      await win.getByRole('button', { name: 'Start a draft' }).click();
      await win.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();

      // The preview: the real plan page as the student would see it, in a window of its own.
      const [preview] = await Promise.all([context.waitForEvent('page'), win.getByRole('link', { name: 'As the student', exact: true }).click()]);
      await preview.getByRole('heading', { level: 1, name: /Sample Student/ }).waitFor();
      expect(await preview.getByRole('combobox', { name: /My pathway after high school/ }).locator('option').allInnerTexts()).to.include('Trade school');
      await preview.close();
      await win.getByRole('button', { name: /^Publish version \d+$/ }).click();
      await win.getByRole('status').filter({ hasText: 'Published' }).waitFor();

      // A field of the school's own on goals, in the goal's section of the record fields' layouts.
      await openDocument(win, 'Fields on students, goals, check-ins and referrals');
      const goalLayout = (await win.locator('select[name$=".object"]').evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).value))).indexOf('goal');
      const goalRow = `f.layouts.${goalLayout}.sections.0.fields.1`;
      await field(win, `${goalRow}.key`).fill('help-from-home');
      await field(win, `${goalRow}.label`).fill('Help from home');
      await field(win, `${goalRow}.type`).selectOption('short');
      await field(win, `${goalRow}.edit.student`).check();
      await field(win, `${goalRow}.edit.adult`).check();
      for (const who of ['student', 'adult', 'family']) await field(win, `${goalRow}.see.${who}`).check();
      await win.getByRole('button', { name: 'Start a draft' }).click();
      await win.getByRole('status').filter({ hasText: 'Draft saved' }).waitFor();
      // Its preview: every record as the student meets it, the new field an input they would write, nothing to save.
      const [fieldsPreview] = await Promise.all([context.waitForEvent('page'), win.getByRole('link', { name: 'As the student', exact: true }).click()]);
      await fieldsPreview.getByRole('heading', { level: 1, name: /Sample Student/ }).waitFor();
      expect(await fieldsPreview.getByRole('textbox', { name: 'Help from home' }).isDisabled()).to.equal(true);
      await accessible(fieldsPreview.mainFrame(), 'record fields preview');
      await fieldsPreview.close();
      await win.getByRole('button', { name: /^Publish version \d+$/ }).click();
      await win.getByRole('status').filter({ hasText: 'Published' }).waitFor();

      // Every other kind's preview (the shipped version), as each of its audiences meets it: the real page, accessible, fitting a phone.
      const previews = [
        ['checkin-script', 'adult', '2'],
        ['checkin-script', 'student', undefined],
        ['needs-screener', 'student', undefined],
        ['pulse-surveys', 'student', undefined],
        ['goal-categories', 'adult', undefined],
        ['terminology', 'student', undefined],
        ['indicator-rules', 'adult', undefined],
      ] as const;
      await win.setViewportSize({ width: 320, height: 700 });
      for (const [kind, as, part] of previews) {
        const url = new URL(`/console/configuration/${kind}/preview`, win.url());
        url.search = new URLSearchParams({ version: '0', as, ...(part ? { part } : {}) }).toString();
        const res = await win.goto(url.toString());
        expect(res?.status(), `${kind} preview as ${as}`).to.equal(200);
        await win.getByRole('heading', { level: 1 }).first().waitFor();
        await accessible(win.mainFrame(), `${kind} preview as ${as}`);
        const overflow = await win.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow, `${kind} preview as ${as} overflows 320 px`).to.be.at.most(0);
      }
      await win.setViewportSize({ width: 1280, height: 800 });

      // The advisor, in the LMS frame: the field on the plan, the category on the goal form.
      const advisor = await launchAs(page, port, 'teacher', '/caseload');
      const student = advisor.getByRole('list', { name: 'Students' }).getByRole('link', { name: STUDENT, exact: true });
      for (let tries = 0; (await student.count()) === 0; tries++) {
        if (tries > 30) throw new Error(`${STUDENT} never appeared on the caseload`);
        await page.waitForTimeout(1000);
        await advisor.goto(advisor.url());
      }
      // The student's plan, by the link on their name (opened as the frame's own page: the caseload redraws while the roster syncs).
      const planPath = new URL((await student.getAttribute('href'))!, advisor.url()).pathname;
      await openInFrame(advisor, planPath);
      await advisor.getByRole('heading', { level: 1, name: new RegExp(STUDENT) }).waitFor();
      const pathway = advisor.getByRole('region', { name: 'College and career interests' }).getByRole('combobox', { name: /My pathway after high school/ });
      expect(await pathway.locator('option').allInnerTexts()).to.include('Trade school');
      await openInFrame(advisor, `${planPath.replace(/\/plan$/, '')}/goals/new`);
      expect(await advisor.getByLabel('Category').locator('option').allInnerTexts()).to.include('Health and movement');
      await advisor.getByRole('textbox', { name: 'Help from home' }).waitFor();
    } finally {
      await close();
    }
  });
});
