import { crawlEveryRole } from '../support/crawler.js';

/**
 * Issue 9: the crawl once more with every role's LMS in Spanish, failing on any English text a page,
 * a form's refusal or an error page shows. One page per pattern is enough to read each template's
 * text (the English crawl walks them all).
 */
describe('crawler in Spanish: no English on any page of any role', function () {
  this.timeout(1_200_000);

  it('shows every role its pages, forms and refusals in Spanish', () => crawlEveryRole({ perPattern: 1, pagesPerRole: 22 }, 'es-MX'));
});
