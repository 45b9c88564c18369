import { expect } from 'chai';
import { openBrowser, startBrowserTool, type BrowserTool } from '../support/browser.js';
import { Crawler, sandboxRoles } from '../support/crawler.js';

/**
 * Issue 7, "make the tests walk the product": every role the sandbox LMS offers, launched in its
 * cross-site iframe with third-party cookies blocked, follows every in-tool link and submits every
 * form (valid, empty, oversize input). Every problem found is listed in the one assertion at the end.
 */
/** CRAWL_LOCALE=es-MX crawls with every role's LMS in that language, and also lists every English text the pages show. */
const locale = process.env.CRAWL_LOCALE;

describe(`crawler: every role walks every page and form inside the sandbox LMS iframe${locale ? ` (LMS in ${locale})` : ''}`, function () {
  // A crawl in another language also reads every page's text for English.
  this.timeout(locale ? 1_200_000 : 600_000);
  let tool: BrowserTool;

  before(async () => {
    tool = await startBrowserTool();
  });
  after(async () => {
    await tool?.stop();
  });

  it('reaches only working, signed-in, accessible pages, and every refused form shows its error summary', async () => {
    const { page, close } = await openBrowser({ blockThirdPartyCookies: true });
    try {
      const roles = await sandboxRoles(page, tool.port);
      const crawler = new Crawler(page, tool.port, { perPattern: 3, pagesPerRole: 60 }, undefined, { locale });
      for (const role of roles) await crawler.crawlRole(role);
      const { failures } = crawler;
      expect(roles.length, 'roles offered by the sandbox LMS').to.be.greaterThan(0);
      expect(failures, `${failures.length} problems:\n${failures.join('\n')}\n`).to.deep.equal([]);
    } finally {
      await close();
    }
  });
});
