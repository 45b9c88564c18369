import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, projectRoot } from '../../src/web/config.js';

/** The languages the tool ships: the folders of config/locales. */
export const shippedLocales = readdirSync(path.join(projectRoot, 'config', 'locales'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

export const shippedJson = (name: string): unknown => JSON.parse(readFileSync(path.join(projectRoot, 'config', name), 'utf8'));

/**
 * A content document and its overlays in a folder of their own, as the loaders read them:
 * `<name>.json` and `<name>.<locale>.json` (a string is written as is, to test a broken file).
 * Returns the base file's path.
 */
export function contentFixture(name: string, base: unknown, overlays: Record<string, unknown>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const write = (file: string, content: unknown) => writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  write(`${name}.json`, base);
  for (const [locale, content] of Object.entries(overlays)) write(`${name}.${locale}.json`, content);
  return path.join(dir, `${name}.json`);
}

/**
 * Every leaf of a JSON value by path, array items named by their `key`, `id` or `week` when they have
 * one, so a failure comparing two languages of a document names the field or question.
 */
export function leaves(value: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const visit = (v: unknown, at: string) => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const named = item !== null && typeof item === 'object' ? ((item as Record<string, unknown>).key ?? (item as Record<string, unknown>).id ?? (item as Record<string, unknown>).week) : undefined;
        visit(item, `${at}[${String(named ?? i)}]`);
      });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) visit(child, at ? `${at}.${k}` : k);
    } else out.set(at, v);
  };
  visit(value, prefix);
  return out;
}

/** The problems a content loader names when it refuses (a ConfigError), one a line; fails the test if it loads. */
export function configProblems(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems.join('\n');
  }
  return expect.fail('should refuse');
}
