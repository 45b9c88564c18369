/**
 * In-tool URLs. Inside the LMS iframe the session is the ltik, so every link and redirect must carry
 * it in the query string: before any `#fragment`, which the browser never sends. Built with URL so
 * query and fragment always land in the right order.
 */
const BASE = 'http://tool.invalid';

export interface InToolUrlOptions {
  /** Extra query parameters (values are encoded by URLSearchParams). */
  query?: Record<string, string | number | undefined>;
  /** The fragment, without '#'. */
  hash?: string;
}

/** A path inside the tool (optionally with its own query and fragment) with the ltik added to its query. */
export function inToolUrl(path: string, ltik: unknown, opts: InToolUrlOptions = {}): string {
  const url = new URL(path, BASE);
  if (url.origin !== BASE) throw new Error('inToolUrl takes a path inside the tool');
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  if (typeof ltik === 'string' && ltik) url.searchParams.set('ltik', ltik);
  if (opts.hash !== undefined) url.hash = opts.hash;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** A path inside the tool from its segments, each encoded (built with URL, never by concatenation): toolPath('schools', id, 'students'). */
export function toolPath(...segments: string[]): string {
  return new URL(segments.map(encodeURIComponent).join('/'), 'http://tool.invalid/').pathname;
}
