import { randomBytes } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';
import type { Config } from './config.js';

/**
 * The Content-Security-Policy of every response. Which origins may frame a page (frame-ancestors)
 * is known only once the route knows whose page it is: the tenant of the ltik, the platform of a
 * launch, the LMS being registered. Until one of them calls `allowFraming`, a page is framed by
 * nothing but the tool itself, so one school's LMS never frames another school's pages.
 */
export function contentSecurityPolicy(config: Pick<Config, 'baseUrl'>, alwaysAllowed: string[] = []): RequestHandler {
  const csp = helmet.contentSecurityPolicy({
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      // Deep-linking responses post a form back to the LMS, so form targets cannot be limited to us.
      formAction: null,
      frameSrc: ["'self'", 'http://localhost:*', 'http://127.0.0.1:*', 'https:'],
      frameAncestors: [(_req, res) => ((res as Response).locals.framedByNone === true ? "'none'" : ["'self'", ...framers(res as Response)].join(' '))],
      upgradeInsecureRequests: config.baseUrl.startsWith('https:') ? [] : null,
    },
  });
  return (req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    res.locals.frameAncestors = [...alwaysAllowed];
    // Headers are not sent before the route answers, so setting the header again replaces it.
    res.locals.rewriteCsp = () => csp(req, res, (err?: unknown) => {
      if (err) throw err;
    });
    csp(req, res, next);
  };
}

function framers(res: Response): string[] {
  const list: unknown = res.locals.frameAncestors;
  return Array.isArray(list) ? list.filter((o): o is string => typeof o === 'string') : [];
}

/** Lets `origins` (full origins, e.g. https://school.instructure.com) frame this response too. */
export function allowFraming(res: Response, origins: string[]): void {
  res.locals.frameAncestors = [...new Set([...framers(res), ...origins])];
  (res.locals.rewriteCsp as (() => void) | undefined)?.();
}

/**
 * A page no one may frame, not even the tool itself (frame-ancestors 'none', X-Frame-Options DENY):
 * the community providers' pages, a top-level window with a session of their own (src/providers).
 */
export function forbidFraming(res: Response): void {
  res.locals.framedByNone = true;
  res.setHeader('X-Frame-Options', 'DENY');
  (res.locals.rewriteCsp as (() => void) | undefined)?.();
}
