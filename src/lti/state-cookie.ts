import type { Request, Response } from 'express';
import { stateCookieName } from './launch.service.js';

const MAX_AGE_MS = 10 * 60_000;

/**
 * The state cookie binds a login to the browser that started it. SameSite=None because the launch is
 * a cross-site POST from the LMS; Partitioned (CHIPS) so browsers that block third-party cookies still
 * keep it for the LMS page that frames us. Where even that fails, platform storage or a new window takes over.
 */
export function setStateCookie(res: Response, state: string): void {
  res.cookie(stateCookieName(state), '1', { httpOnly: true, secure: true, sameSite: 'none', partitioned: true, maxAge: MAX_AGE_MS, path: '/lti' });
}

export function clearStateCookie(res: Response, state: string): void {
  res.clearCookie(stateCookieName(state), { httpOnly: true, secure: true, sameSite: 'none', partitioned: true, path: '/lti' });
}

/** No cookie-parser: this is the only cookie the tool reads. */
export function hasStateCookie(req: Request, state: string): boolean {
  const name = stateCookieName(state);
  return (req.headers.cookie ?? '').split(';').some((c) => c.trim() === `${name}=1`);
}
