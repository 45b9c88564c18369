import type { Response } from 'express';
import { z } from 'zod';

/** One message per field (the first zod gave), keyed by the field's name, for errors shown next to it. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || '_form';
    out[key] ??= issue.message;
  }
  return out;
}

/** Redirect after a successful post (303, so a reload does not post again), keeping the launch session. */
export function redirectInTool(res: Response, path: string): void {
  const ltik = res.locals.ltik;
  const sep = path.includes('?') ? '&' : '?';
  res.redirect(303, typeof ltik === 'string' && ltik ? `${path}${sep}ltik=${encodeURIComponent(ltik)}` : path);
}

/** Form fields named `prefix.key` (flat urlencoded bodies), as a key -> value map. */
export function prefixed(body: unknown, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k.startsWith(`${prefix}.`) && typeof v === 'string') out[k.slice(prefix.length + 1)] = v;
  }
  return out;
}

/** A yyyy-mm-dd calendar date that exists (Date.parse would accept 2026-02-31 and roll it over). */
export function isRealDate(d: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return false;
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === d;
}

export const isoDate = z.string().trim().refine(isRealDate, 'Enter a real date');
