import { crawlEveryRole } from '../support/crawler.js';

/**
 * Issue 7, "make the tests walk the product": every role the sandbox LMS offers, launched in its
 * cross-site iframe with third-party cookies blocked, follows every in-tool link and submits every
 * form (valid, empty, oversize input). CRAWL_LOCALE=es-MX crawls it all with the LMS in Spanish,
 * also listing every English text (the suite's Spanish crawl is crawler-spanish.test.ts).
 */
const locale = process.env.CRAWL_LOCALE;

describe(`crawler: every role walks every page and form inside the sandbox LMS iframe${locale ? ` (LMS in ${locale})` : ''}`, function () {
  this.timeout(1_200_000);

  it('reaches only working, signed-in, accessible pages, and every refused form shows its error summary', () => crawlEveryRole({ perPattern: 2, pagesPerRole: 75 }, locale));
});
