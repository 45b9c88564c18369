import type { Frame, Page, Response } from 'playwright-core';
import { expect } from 'chai';
import { axeProblems, launchAs, openBrowser, startBrowserTool } from './browser.js';
import { describeForms, fillForm, focusRingProblems, inToolLinks, namingProblems, pageShape, readDocument, requestSubmit, visibleTexts, type FormInfo, type Variant } from './crawler-page.js';
import { englishDetector, sampleSchoolData, type EnglishDetector } from './english-text.js';

/**
 * The product crawler (issue 7, "make the tests walk the product"): launched as a role through the
 * sandbox LMS, it follows every in-tool link breadth-first and submits every form with valid, empty
 * and oversize input, collecting every problem instead of stopping at the first, so one run lists
 * them all. Nothing here names a page: a new page or form is crawled without new test code.
 */

export interface CrawlLimits {
  /** Concrete URLs visited per pattern (ids replaced by `:id`). */
  perPattern: number;
  /** Pages visited per role, all patterns together. */
  pagesPerRole: number;
}

export interface CrawlLanguage {
  /** The language every role's LMS is set to (es-MX): each launch says so, and every page must be in it. */
  locale?: string;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ID = new RegExp(`^(?:${UUID}|\\d+)$`, 'i');
/** Where a launch lands: any tool page outside the LTI handshake. */
const IN_TOOL_PAGE = /^\/(?!lti\/)/;
const OVERSIZE_WITHOUT_LIMIT = 20_000;
const NAVIGATION_TIMEOUT = 20_000;
const ROSTER_WAIT = 30_000;
const REFUSALS = [400, 409, 413, 422];
/**
 * In another language, whose every page shape the English crawl has checked against WCAG 2.1 A/AA,
 * only the axe rules its words can break: the page's language, and the names of controls, links,
 * images and the page.
 */
const LANGUAGE_RULES = ['html-has-lang', 'html-lang-valid', 'valid-lang', 'document-title', 'label', 'button-name', 'link-name', 'input-button-name', 'select-name', 'image-alt', 'aria-input-field-name'] as const;

/** `/students/3f2c…/goals/12?student=…` -> `/students/:id/goals/:id?student=:id`; the ltik is left out. */
export function patternOf(href: string): string {
  const u = new URL(href);
  const path = u.pathname
    .split('/')
    .map((s) => (ID.test(decodeURIComponent(s)) ? ':id' : s))
    .join('/');
  const keys = [...new Set(u.searchParams.keys())].filter((k) => k !== 'ltik').sort();
  const query = keys.map((k) => (ID.test(u.searchParams.get(k) ?? '') ? `${k}=:id` : k));
  return query.length ? `${path}?${query.join('&')}` : path;
}

/** The URL without its ltik and fragment: the same page for the same person. */
function pageKey(href: string): string {
  const u = new URL(href);
  u.searchParams.delete('ltik');
  u.hash = '';
  return u.toString();
}

/** The roles the sandbox LMS offers, read from its "Launch as …" buttons, so a new role is crawled without new code. */
export async function sandboxRoles(page: Page, port: number): Promise<string[]> {
  await page.goto(`http://localhost:${port}/`);
  const labels = await page.getByRole('link', { name: /^Launch as / }).allInnerTexts();
  return labels.map((l) => l.trim().replace(/^Launch as /, ''));
}

/**
 * The sandbox home's own pages (the e-mail outbox when the tool keeps its mail): top-level pages of the
 * tool, outside the LMS frame, so no role's crawl reaches them. Each must answer 200 and pass axe.
 */
async function sandboxPageProblems(page: Page, port: number, rules: readonly string[] | undefined): Promise<string[]> {
  const home = new URL('/', `http://localhost:${port}`);
  await page.goto(home.toString());
  const paths = await page.locator('a[href^="/sandbox"]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  expect(paths, 'the sandbox home links to its outbox').to.include('/sandbox/outbox');
  const problems: string[] = [];
  for (const path of paths) {
    const response = await page.goto(new URL(path, home).toString());
    if (response?.status() !== 200) problems.push(`${path}: answered ${response?.status()}`);
    else problems.push(...(await axeProblems(page.mainFrame(), rules)).map((p) => `${path}: axe: ${p}`));
  }
  return problems;
}

/** Crawls role after role in one browser page; `failures` lists every problem found, each once. */
export class Crawler {
  private readonly found = new Map<string, string>();
  /** Page shapes axe has already checked (pattern, outcome, forms), for every role: the same shape twice adds only time. */
  readonly axed = new Set<string>();
  private marks = 0;
  readonly origin: string;
  /** The language the crawl's pages are in, other than English (nothing to look for in an English crawl). */
  private readonly lang: string | undefined;
  private readonly detectors = new Map<string, EnglishDetector>();
  private readonly markers = new Set<string>();
  /**
   * Forms (method, action pattern, fields) whose empty and oversize input one role has had refused:
   * the refusal is the form's own validation, the same for every role shown the form, so another
   * role submits it with valid input only (which its permissions decide).
   */
  readonly refusalsChecked = new Set<string>();
  /** The axe rules run on each page shape: all of WCAG 2.1 A/AA in English (undefined), LANGUAGE_RULES in another language. */
  get axeRules(): readonly string[] | undefined {
    return this.lang ? LANGUAGE_RULES : undefined;
  }
  /** Where the crawl's time goes (ms), for its summary lines. */
  readonly timing = { launch: 0, navigation: 0, axe: 0, english: 0, checks: 0 };

  constructor(
    private readonly page: Page,
    private readonly port: number,
    readonly limits: CrawlLimits,
    private readonly log: (line: string) => void = (line) => console.log(line),
    readonly language: CrawlLanguage = {},
  ) {
    this.origin = `http://localhost:${port}`;
    const lang = language.locale?.split(/[-_]/)[0];
    this.lang = lang && lang !== 'en' ? lang : undefined;
    // A form with unsaved text may ask before the page is left; the crawler always means to leave.
    page.on('dialog', (d) => void d.accept().catch(() => undefined));
  }

  get failures(): string[] {
    return [...this.found.values()];
  }

  /** Launches `role` through the sandbox, in its cross-site iframe, and crawls everything reachable from its home. */
  async crawlRole(role: string): Promise<void> {
    const started = Date.now();
    let frame: Frame;
    try {
      frame = await launchAs(this.page, this.port, role, IN_TOOL_PAGE, this.language.locale);
    } catch (err) {
      this.fail(role, 'launch', `never reached a tool page: ${firstLine(err)}`);
      return;
    }
    await this.waitForRoster(frame);
    this.timing.launch += Date.now() - started;
    const crawl = new RoleCrawl(this, frame, role);
    await crawl.run();
    for (const line of crawl.summary(Date.now() - started)) this.log(line);
  }

  /**
   * The advisor's first launch lists no students until the background roster sync has run (issue 7
   * item 5 changes that page); until then, reload the caseload for a bounded time.
   */
  private async waitForRoster(frame: Frame): Promise<void> {
    if (new URL(frame.url()).pathname !== '/caseload') return;
    const deadline = Date.now() + ROSTER_WAIT;
    while ((await frame.locator('ul.caseload li').count()) === 0 && Date.now() < deadline) {
      await this.page.waitForTimeout(500);
      await frame.goto(frame.url(), { waitUntil: 'load' });
    }
  }

  /** Records a problem once per role, place and kind; `context` (how it was reached) is kept from the first time. */
  fail(role: string, where: string, problem: string, context?: string): void {
    const key = `[${role}] ${where}: ${problem}`;
    if (!this.found.has(key)) this.found.set(key, context ? `${key} (${context})` : key);
  }

  /**
   * English on a page in another language. What the crawler typed is data: its marks ("Crawler
   * student 3") show on other roles' pages too (a parent reads the student's comment), so every role
   * crawled so far has its marks left out.
   */
  englishFor(role: string): EnglishDetector | undefined {
    if (!this.lang) return undefined;
    this.markers.add(`Crawler ${role}`);
    const key = [...this.markers].join('|');
    let detector = this.detectors.get(key);
    if (!detector) this.detectors.set(key, (detector = englishDetector(this.lang, [...sampleSchoolData(), ...this.markers])));
    return detector;
  }

  /** A short text marked as the crawler's, different each time, so its records can be told apart. */
  nextMark(role: string): string {
    this.marks += 1;
    return `Crawler ${role} ${this.marks}`;
  }
}

/** One role's breadth-first crawl: its queue, its caps and what it covered. */
class RoleCrawl {
  /** Pages of a pattern not visited yet, breadth-first; before any `repeats`. */
  private readonly queue: { url: string; foundOn: string; pattern: string }[] = [];
  /** Further pages of a pattern already queued: visited only once every new pattern has been, so the role's page cap drops these first. */
  private readonly repeats: { url: string; foundOn: string; pattern: string }[] = [];
  private readonly seen = new Set<string>();
  private readonly queuedPerPattern = new Map<string, number>();
  private readonly visitsPerPattern = new Map<string, number>();
  /** The page as its visit loaded it, until a form on it is filled: the first submit there needs no reload. */
  private untouched: string | undefined;
  private readonly notVisited = new Map<string, number>();
  private readonly submitted = new Set<string>();
  private readonly formLog: string[] = [];

  constructor(
    private readonly crawler: Crawler,
    private readonly frame: Frame,
    private readonly role: string,
  ) {}

  async run(): Promise<void> {
    this.enqueue(this.frame.url(), 'the launch');
    for (let target = this.queue.shift() ?? this.repeats.shift(); target; target = this.queue.shift() ?? this.repeats.shift()) {
      if (this.visited() >= this.crawler.limits.pagesPerRole) {
        this.notVisited.set(target.pattern, (this.notVisited.get(target.pattern) ?? 0) + 1);
        continue;
      }
      this.visitsPerPattern.set(target.pattern, (this.visitsPerPattern.get(target.pattern) ?? 0) + 1);
      try {
        await this.visit(target.url, target.foundOn);
      } catch (err) {
        this.fail(patternOf(target.url), `crawling the page failed: ${firstLine(err)}`, `found on ${target.foundOn}`);
      }
    }
  }

  private visited(): number {
    return [...this.visitsPerPattern.values()].reduce((a, b) => a + b, 0);
  }

  summary(ms: number): string[] {
    const visited = this.visited();
    const { launch, navigation, axe, english, checks } = this.crawler.timing;
    const s = (n: number) => `${(n / 1000).toFixed(1)}s`;
    const lines = [`crawler [${this.role}] ${visited} pages, ${this.submitted.size} forms, ${s(ms)} (crawl so far: launch ${s(launch)}, navigation ${s(navigation)}, axe ${s(axe)} on ${this.crawler.axed.size} page shapes, reading texts ${s(english)}, other checks ${s(checks - axe - english)}):`];
    for (const [pattern, n] of [...this.visitsPerPattern.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const left = this.notVisited.get(pattern);
      lines.push(`  ${pattern} ×${n}${left ? ` (${left} more not visited: cap)` : ''}`);
    }
    for (const [pattern, n] of this.notVisited) if (!this.visitsPerPattern.has(pattern)) lines.push(`  ${pattern} ×0 (${n} not visited: cap of ${this.crawler.limits.pagesPerRole} pages)`);
    return [...lines, ...this.formLog.map((f) => `  form ${f}`)];
  }

  private fail(where: string, problem: string, context?: string): void {
    this.crawler.fail(this.role, where, problem, context);
  }

  private async timed<T>(what: keyof Crawler['timing'], work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    try {
      return await work();
    } finally {
      this.crawler.timing[what] += Date.now() - started;
    }
  }

  /**
   * Queues an in-tool URL unless already seen or its pattern is at its cap; the role's page cap is
   * applied when the queue is worked, new patterns first.
   */
  private enqueue(href: string, foundOn: string): void {
    const key = pageKey(href);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const pattern = patternOf(href);
    const queued = this.queuedPerPattern.get(pattern) ?? 0;
    if (queued >= this.crawler.limits.perPattern) {
      this.notVisited.set(pattern, (this.notVisited.get(pattern) ?? 0) + 1);
      return;
    }
    this.queuedPerPattern.set(pattern, queued + 1);
    const u = new URL(href);
    u.hash = '';
    (queued === 0 ? this.queue : this.repeats).push({ url: u.toString(), foundOn, pattern });
  }

  private async visit(url: string, foundOn: string): Promise<void> {
    const where = patternOf(url);
    const response = await this.timed('navigation', () => this.frame.goto(url, { waitUntil: 'load', timeout: NAVIGATION_TIMEOUT }));
    const ok = await this.timed('checks', () => this.checkReached(where, response, 'valid', `found on ${foundOn}`));
    if (!ok) return;
    this.untouched = url;
    for (const link of await inToolLinks(this.frame, this.crawler.origin)) this.enqueue(link, where);
    const ordinals = new Map<string, number>();
    for (const form of await describeForms(this.frame)) {
      const key = formKey(form);
      const ordinal = ordinals.get(key) ?? 0;
      ordinals.set(key, ordinal + 1);
      if (form.skip || new URL(form.action).origin !== this.crawler.origin) continue;
      // The same form (method, action pattern, fields) on another concrete page, or twice on one page, adds nothing new.
      const shape = `${form.method} ${patternOf(form.action)} ${form.fields.join(',')}`;
      if (this.submitted.has(shape)) continue;
      this.submitted.add(shape);
      // A GET form is a search or filter: only its valid use leads somewhere to check.
      const refusable = form.method === 'post' && form.textFields > 0 && !this.crawler.refusalsChecked.has(shape);
      if (refusable) this.crawler.refusalsChecked.add(shape);
      const variants: Variant[] = refusable ? ['empty', 'oversize', 'valid'] : ['valid'];
      const outcomes: string[] = [];
      for (const variant of variants) outcomes.push(`${variant} ${await this.submit(url, form, key, ordinal, variant)}`);
      this.formLog.push(`${form.method.toUpperCase()} ${patternOf(form.action)} "${form.label}" on ${where}: ${outcomes.join(', ')}`);
    }
  }

  /**
   * Loads the page afresh (so submits never chain) unless it is still as its visit loaded it, fills
   * the form for `variant`, submits it and checks what came back. Returns the outcome for the coverage log.
   */
  private async submit(pageUrl: string, info: FormInfo, key: string, ordinal: number, variant: Variant): Promise<string> {
    const where = `form "${info.label}" (${info.method.toUpperCase()} ${patternOf(info.action)}) on ${patternOf(pageUrl)} [${variant} input]`;
    const untouched = this.untouched === pageUrl;
    this.untouched = undefined;
    try {
      const reload = untouched ? undefined : await this.timed('navigation', () => this.frame.goto(pageUrl, { waitUntil: 'load', timeout: NAVIGATION_TIMEOUT }));
      if (reload !== undefined && !reload?.ok()) {
        this.fail(where, `reloading the page answered ${reload?.status() ?? 'nothing'}`);
        return 'page did not reload';
      }
      const again = (await describeForms(this.frame)).filter((f) => formKey(f) === key)[ordinal];
      // An earlier submit may have changed the page (an approved goal loses its approve form): not a fault.
      if (!again) return 'form gone after an earlier submit';
      const form = this.frame.locator('form').nth(again.index);
      const fill = await fillForm(form, { variant, mark: this.crawler.nextMark(this.role), today: new Date().toISOString().slice(0, 10), oversize: OVERSIZE_WITHOUT_LIMIT });
      if (fill.unfillable.length) this.fail(where, `the crawler could not make a valid value for ${fill.unfillable.join(', ')}`);
      if (variant === 'valid' && fill.invalid.length) {
        this.fail(where, `the browser refuses the generated valid input: ${fill.invalid.join('; ')}`);
        return 'refused by the browser';
      }
      // waitForNavigation (not waitForURL) waits for a new document even when it has the same URL.
      const navigation = this.frame.waitForNavigation({ waitUntil: 'load', timeout: NAVIGATION_TIMEOUT });
      const response = await this.timed('navigation', async () => {
        await requestSubmit(form);
        return navigation;
      });
      const ok = await this.timed('checks', () => this.checkReached(where, response, variant, `after ${where}`));
      // A page reached by a submit (a new goal's page) is crawled too, under the same caps.
      if (ok && response?.request().method() === 'GET') this.enqueue(this.frame.url(), where);
      return String(response?.status() ?? 'no page');
    } catch (err) {
      this.fail(where, `submitting failed: ${firstLine(err)}`);
      return 'crawler error';
    }
  }

  /**
   * Every document the crawl reaches. After a link or valid input: 2xx, no error page or text, no
   * error summary. After empty or oversize input: accepted (2xx, a normal page) or refused (4xx)
   * with the error summary at the top of <main>, focused. Always: no 5xx, still signed in (header,
   * ltik on every in-tool link and form), no serious or critical axe violation, a visible focus ring.
   * Problems of the document itself are filed under its pattern, so each is listed once.
   */
  private async checkReached(where: string, response: Response | null, variant: Variant, context: string): Promise<boolean> {
    if (!response) {
      this.fail(where, 'no page was loaded');
      return false;
    }
    const status = response.status();
    const ok = status >= 200 && status < 300;
    // Bad input is refused with 400, 409, 413 or 422; a 401, 403 or 404 there means the session or the page was lost.
    const refused = REFUSALS.includes(status) && variant !== 'valid';
    const page = patternOf(this.frame.url());
    if (!(response.headers()['content-type'] ?? '').includes('text/html')) {
      if (!ok) this.fail(where, `answered ${status}`);
      return ok;
    }
    const doc = await readDocument(this.frame, this.crawler.origin);
    if (!ok && !refused) {
      // The status says it all; the signed-out error page that comes with a 401 adds nothing.
      this.fail(where, `answered ${status}${status >= 500 ? ' (server error)' : ''}: "${doc.title}", expected ${variant === 'valid' ? '2xx' : `2xx, or ${REFUSALS.join('/')} with an error summary`}`);
    } else {
      if (ok && doc.errorPage) this.fail(where, `shows the error page "${doc.title}"`);
      if (doc.errorTexts.length) this.fail(where, `shows error text: ${doc.errorTexts.join(', ')}`);
      if (!doc.signedIn) this.fail(where, 'not signed in: no `.who` header');
      if (doc.linksWithoutLtik.length) this.fail(page, `links without the ltik: ${doc.linksWithoutLtik.join(', ')}`, context);
      if (doc.formsWithoutLtik.length) this.fail(page, `forms without the ltik: ${doc.formsWithoutLtik.join(', ')}`, context);
      if (ok && variant === 'valid' && doc.errorSummary.present) this.fail(where, 'shows an error summary after valid input');
      // Post, redirect, get: a page drawn as the answer to an accepted post is posted again by a reload.
      // A secret shown once is the one page that answers its post: it must not travel in a redirect's URL.
      if (ok && response.request().method() === 'POST' && !doc.secretShownOnce) this.fail(where, `answered the accepted post with a page (${status}) instead of a redirect`);
      if (refused && !doc.errorSummary.present) this.fail(where, `refused with ${status} but shows no error summary ([data-error-summary])`);
      if (refused && doc.errorSummary.present && !doc.errorSummary.atTop) this.fail(where, 'the error summary is not at the top of <main>');
      if (refused && doc.errorSummary.present && !doc.errorSummary.focused) this.fail(where, 'the error summary does not have focus');
    }
    const suffix = refused ? ` (refused ${status})` : ok ? '' : ` (${status})`;
    const shape = `${page}${suffix} ${await pageShape(this.frame)}`;
    // Accessibility and naming depend on the page's template and the forms a role is shown, not on
    // whose record it shows or how many: each shape is checked once in the crawl.
    if (!this.crawler.axed.has(shape)) {
      this.crawler.axed.add(shape);
      for (const problem of await this.timed('axe', () => axeProblems(this.frame, this.crawler.axeRules))) this.fail(`${page}${suffix}`, `axe: ${problem}`, context);
      for (const problem of await focusRingProblems(this.frame)) this.fail(`${page}${suffix}`, problem, context);
      for (const problem of await namingProblems(this.frame)) this.fail(`${page}${suffix}`, problem, context);
    }
    const english = this.crawler.englishFor(this.role);
    if (english) {
      const found = await this.timed('english', async () => (await visibleTexts(this.frame)).flatMap((text) => english.find(text)));
      for (const text of found) this.fail(`${page}${suffix}`, `English text: "${text}"`, context);
    }
    return ok;
  }
}

function formKey(f: FormInfo): string {
  return `${f.method} ${pageKey(f.action)} ${f.fields.join(',')}`;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}

/**
 * The whole crawl a test runs: the tool as `npm start` runs it, every role the sandbox offers, in a
 * browser blocking third-party cookies; every problem found is listed in the one assertion.
 */
export async function crawlEveryRole(limits: CrawlLimits, locale: string | undefined): Promise<void> {
  // Pages of 10: the sample advisory's 12 students fill two caseload pages, so the crawl walks the pager too.
  const tool = await startBrowserTool({ CASELOAD_PAGE_SIZE: '10' });
  const { page, close } = await openBrowser({ blockThirdPartyCookies: true });
  try {
    const roles = await sandboxRoles(page, tool.port);
    const crawler = new Crawler(page, tool.port, limits, undefined, { locale });
    for (const role of roles) await crawler.crawlRole(role);
    const failures = [...crawler.failures, ...(await sandboxPageProblems(page, tool.port, crawler.axeRules))];
    expect(roles.length, 'roles offered by the sandbox LMS').to.be.greaterThan(0);
    expect(failures, `${failures.length} problems:\n${failures.join('\n')}\n`).to.deep.equal([]);
  } finally {
    await close();
    await tool.stop();
  }
}
