import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './config.js';

/**
 * The words people read, by key, from config/locales/<locale>.json (flat keys, `{name}` placeholders).
 * One locale ships (en); a key missing from it is a bug, so `t` throws rather than show a key.
 */
const messagesSchema = z.record(z.string(), z.string());

function load(locale: string): Map<string, string> {
  const file = path.join(projectRoot, 'config', 'locales', `${locale}.json`);
  return new Map(Object.entries(messagesSchema.parse(JSON.parse(readFileSync(file, 'utf8')))));
}

const messages = load('en');

export function hasMessage(key: string): boolean {
  return messages.has(key);
}

export function t(key: string, vars: Record<string, unknown> = {}): string {
  const text = messages.get(key);
  if (text === undefined) throw new Error(`no message for ${key}`);
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** A label for a code from data (a job type, a state, an error class): its message when one exists, else the code itself. */
export function labelOf(prefix: string, code: string): string {
  return hasMessage(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code;
}
