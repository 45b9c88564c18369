import { expect } from 'chai';
import type { Frame, Page } from 'playwright-core';
import { axeProblems, launchAs, openBrowser, openInFrame, startBrowserTool, type BrowserTool } from '../support/browser.js';

/**
 * Issue 8, item 6, in Chromium through the sandbox LMS: the student reaches "who viewed my record"
 * from their home by its link; the admin's audit log shows events as stacked cards. Both pages pass
 * axe and fit a 320 px wide screen without the page scrolling sideways.
 */
describe('audit pages in Chromium: who viewed my record, and the audit log at 320 px', function () {
  this.timeout(180_000);
  let tool: BrowserTool;

  before(async () => {
    tool = await startBrowserTool();
  });
  after(async () => {
    await tool?.stop();
  });

  /** The frame's page opened on its own in a 320 px wide window: how far it overflows sideways. */
  async function overflowAt320(page: Page, frame: Frame): Promise<number> {
    const narrow = await page.context().newPage();
    try {
      await narrow.setViewportSize({ width: 320, height: 700 });
      await narrow.goto(frame.url());
      // The page itself, and every card and form inside it (a box that scrolls on its own counts too).
      return await narrow.evaluate(() =>
        Math.max(
          document.documentElement.scrollWidth - document.documentElement.clientWidth,
          ...Array.from(document.querySelectorAll('main form, main li, main .table-wrap')).map((el) => el.scrollWidth - el.clientWidth),
        ),
      );
    } finally {
      await narrow.close();
    }
  }

  it('the student follows the link from their home; the admin reads the log; both fit 320 px', async () => {
    const { page, close } = await openBrowser();
    try {
      const student = await launchAs(page, tool.port, 'student', '/my-plan');
      await student.getByRole('navigation', { name: 'Tool' }).getByRole('link', { name: 'Who viewed my record' }).click();
      await student.waitForURL(/\/record-views\?/);
      await student.getByRole('heading', { level: 1, name: 'Who viewed my record' }).waitFor();
      expect(await axeProblems(student), 'axe on who viewed my record').to.deep.equal([]);
      expect(await overflowAt320(page, student), 'who viewed my record overflows at 320 px').to.be.at.most(0);

      const admin = await launchAs(page, tool.port, 'admin', '/admin');
      await openInFrame(admin, '/admin/audit');
      const events = admin.getByRole('list', { name: 'Audit events, newest first' }).getByRole('listitem');
      expect(await events.count(), 'the student just viewed their plan').to.be.greaterThan(0);
      await admin.getByRole('search', { name: 'Filter the audit log' }).getByLabel('What happened').selectOption({ label: 'Viewed' });
      await admin.getByRole('button', { name: 'Apply filters' }).click();
      await admin.waitForURL(/action=read/);
      expect(await axeProblems(admin), 'axe on the audit log').to.deep.equal([]);
      expect(await overflowAt320(page, admin), 'the audit log overflows at 320 px').to.be.at.most(0);
    } finally {
      await close();
    }
  });
});
