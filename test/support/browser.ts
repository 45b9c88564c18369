import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Frame, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's Chromium with a throwaway profile that allows third-party cookies (the LMS frames the tool). */
export async function openBrowser(): Promise<{ context: BrowserContext; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sp-chromium-'));
  mkdirSync(path.join(dir, 'Default'), { recursive: true });
  writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS });
  return { context, dir };
}

/** The tool's frame inside the sandbox course page, once it has reached `pathname`. */
export async function toolFrame(page: Page, pathname: string | RegExp, port: number): Promise<Frame> {
  const deadline = Date.now() + 20_000;
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
    if (Date.now() > deadline) throw new Error(`the tool frame never reached ${String(pathname)}; frames: ${JSON.stringify(page.frames().map((f) => f.url().replace(/ltik=[^&]+/, 'ltik=…')))}`);
    await page.waitForTimeout(200);
  }
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the frame's page (WCAG 2.1 A/AA rules). */
export async function axeProblems(frame: Frame): Promise<string[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (nonce-only scripts) does not block it.
  await frame.evaluate(axeSource);
  return frame.evaluate(async () => {
    // axe-core puts itself on window; it ships no global type for that.
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
