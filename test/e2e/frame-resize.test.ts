import { expect } from 'chai';
import { launchAs, openBrowser, startBrowserTool, type BrowserTool } from '../support/browser.js';

/**
 * Issue 7, item 14: the tool asks the LMS to size its frame to the page (lti.frameResize), so a long
 * caseload or plan is not read through a fixed 720 px window. The sandbox course page answers the
 * message as Canvas does.
 */
describe('the tool frame asks the LMS for its height', function () {
  this.timeout(120_000);
  let tool: BrowserTool;

  before(async () => {
    tool = await startBrowserTool();
  });
  after(async () => {
    await tool?.stop();
  });

  it('the sandbox course page gives the tool frame the height of the tool\'s page', async () => {
    const { page, close } = await openBrowser({ blockThirdPartyCookies: true });
    try {
      const frame = await launchAs(page, tool.port, 'teacher', '/caseload');
      await frame.locator('ul.caseload li').first().waitFor();
      const iframe = page.locator('#tool-frame');
      let sizes = { asked: 0, given: 0 };
      const deadline = Date.now() + 10_000;
      do {
        await page.waitForTimeout(200);
        sizes = { asked: await frame.evaluate(() => document.documentElement.scrollHeight), given: Number(await iframe.getAttribute('height')) };
      } while (sizes.given !== sizes.asked && Date.now() < deadline);
      expect(sizes.asked, 'the caseload is taller than the default frame').to.be.greaterThan(720);
      expect(sizes.given, 'frame height set from lti.frameResize').to.equal(sizes.asked);
    } finally {
      await close();
    }
  });
});
