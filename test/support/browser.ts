import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';
import { startServer, type Running } from '../../src/web/start.js';
import { freePort } from './net.js';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserTool {
  port: number;
  server: Running;
  stop(): Promise<void>;
}

/**
 * The tool as `npm start` runs it: development, sandbox LMS on, the embedded database in a fresh
 * DATA_DIR. Fails with the install hint when Debian's Chromium is missing.
 */
export async function startBrowserTool(env: Record<string, string> = {}): Promise<BrowserTool> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it (apt-get install -y chromium) to run the browser tests.`);
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sp-e2e-data-'));
  // As `npm start` runs it (the sandbox LMS, the embedded database on disk), with its views compiled once:
  // development re-compiles every template on every page, which only slows the crawls.
  const server = await startServer({ NODE_ENV: 'test', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env });
  return {
    port,
    server,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface OpenBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * Debian's Chromium with a throwaway profile whose cookie setting is explicit: Chromium's default
 * here already blocks third-party cookies, so the "allowed" case must turn them on.
 */
export async function openBrowser(opts: { blockThirdPartyCookies?: boolean } = {}): Promise<OpenBrowser> {
  const blocked = opts.blockThirdPartyCookies ?? false;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sp-chromium-'));
  mkdirSync(path.join(dir, 'Default'), { recursive: true });
  // cookie_controls_mode: 0 = allow all cookies, 1 = block third-party cookies (Chromium's settings page).
  const profile = blocked ? { cookie_controls_mode: 1, block_third_party_cookies: true } : { cookie_controls_mode: 0, block_third_party_cookies: false };
  writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify({ profile }));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: blocked ? [...ARGS, '--test-third-party-cookie-phaseout'] : ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The tool's frame inside the sandbox course page, once it has reached `pathname`. */
export async function toolFrame(page: Page, pathname: string | RegExp, port: number): Promise<Frame> {
  // Generous: CI runs two crawls beside the other browser tests on two cores, and there a launch once did
  // not land within 20 s (not reproduced in six runs under load here). A launch that hangs for good still
  // fails, and the embedded database now refuses at once the one kind of query known to hang.
  const deadline = Date.now() + 45_000;
  const matches = (p: string) => (typeof pathname === 'string' ? p === pathname : pathname.test(p));
  for (;;) {
    const frame = page.frames().find((f) => {
      try {
        const u = new URL(f.url());
        return u.host === `localhost:${port}` && matches(u.pathname);
      } catch {
        return false;
      }
    });
    if (frame) {
      await frame.waitForLoadState('domcontentloaded');
      return frame;
    }
    if (Date.now() > deadline) {
      const frames = page.frames().map((f) => f.url().replace(/ltik=[^&]+/, 'ltik=…'));
      const texts = await Promise.all(page.frames().map((f) => f.locator('body').innerText().catch(() => '')));
      throw new Error(`the tool frame never reached ${String(pathname)}; frames: ${JSON.stringify(frames)}; texts: ${JSON.stringify(texts.map((t) => t.slice(0, 300)))}`);
    }
    await page.waitForTimeout(200);
  }
}

export type SandboxRole = 'teacher' | 'student' | 'parent' | 'admin' | 'counselor';

/**
 * Opens the sandbox LMS's home, clicks "Launch as <who>" and returns the tool frame at its role home.
 * With `locale`, the person's LMS is set to that language (es-MX), as its launches then say.
 */
export async function launchAs(page: Page, port: number, who: SandboxRole | string, home: string | RegExp, locale?: string): Promise<Frame> {
  await page.goto(`http://localhost:${port}/`);
  const launcher = page.getByRole('link', { name: `Launch as ${who}`, exact: true });
  // The link itself is clicked either way: a page opened by a click has the focus that :focus styles need.
  if (locale) {
    await launcher.evaluate((a, l) => {
      const course = new URL((a as HTMLAnchorElement).href);
      course.searchParams.set('locale', l);
      (a as HTMLAnchorElement).href = course.toString();
    }, locale);
  }
  await launcher.click();
  // The course page lives on the other site (127.0.0.1), so the tool below it is cross-site.
  await page.waitForURL((u) => u.host === `127.0.0.1:${port}`);
  return toolFrame(page, home, port);
}

/** Another page of the tool in the same frame, as the same launched user (their ltik). */
export async function openInFrame(frame: Frame, pathname: string): Promise<void> {
  const current = new URL(frame.url());
  const ltik = current.searchParams.get('ltik');
  if (!ltik) throw new Error(`the frame at ${current.pathname} carries no ltik`);
  await frame.goto(`${current.origin}${pathname}?ltik=${encodeURIComponent(ltik)}`);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the frame's page (WCAG 2.1 A/AA rules). */
export async function axeProblems(frame: Frame, rules?: readonly string[]): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (nonce-only scripts) does not block it.
  await frame.evaluate(axeSource);
  // Every WCAG 2.1 A/AA rule, or only the named ones.
  const runOnly = rules ? { type: 'rule', values: [...rules] } : { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] };
  return frame.evaluate(async (only) => {
    // axe-core puts itself on window; it ships no global type for that.
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: only, resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }, runOnly);
}
