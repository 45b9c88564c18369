import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../web/context.js';
import { HttpError, message, unauthorized } from '../web/errors.js';
import { withTenant } from '../db/tenant-scope.js';
import { configurationRoutes } from '../configuration/configuration.routes.js';
import { consoleSessions } from './console.tables.js';
import { firstPartyWindow } from '../auth/first-party-window.js';
import { signInLimiter } from '../auth/sign-in-limits.js';
import { summaryOf } from '../web/forms.js';
import { t, withTerms } from '../web/i18n.js';
import { terminologyKind, termsOf } from '../web/terminology.js';
import type { ConsoleRef } from './console.service.js';
import { districtSettingsRoutes, districtSignInRoutes } from './district-sign-on.routes.js';

const CONSOLE = '/console';
/** A console session lasts a working day at most; the LMS opens another in one click. */
const SESSION_MS = 8 * 60 * 60_000;

const enterQuery = z.object({ school: z.uuid(), token: z.string().min(20).max(200) });
const signInForm = z.object({ school: z.uuid(), email: z.string().trim().min(3).max(320), password: z.string().min(1).max(500) });
/** Failed local sign-ins per 15 minutes before a 429: per e-mail at a school, and per address (IP). */
export const consoleSignInLimits = { perEmail: 5, perIp: 50 };
const tooMany = () => new HttpError(429, message('console.signIn.tooManyTitle'), message('console.signIn.tooMany'), 'too_many_attempts');
const csrfRefused = () => new HttpError(403, message('console.csrf.title'), message('console.csrf.detail'), 'bad_csrf_token');

/** A fresh session (a new id, so one planted before cannot be reused) holding whose console it is. */
async function startSession(req: Request, ref: ConsoleRef): Promise<void> {
  await new Promise<void>((resolve, reject) => req.session.regenerate((err?: unknown) => (err ? reject(err as Error) : resolve())));
  req.session.console = ref;
  await new Promise<void>((resolve, reject) => req.session.save((err?: unknown) => (err ? reject(err as Error) : resolve())));
}

declare module 'express-session' {
  interface SessionData {
    console?: ConsoleRef;
  }
}

/**
 * The admin console (issue 14 item 1): a top-level window of its own, never framed, with a first-party
 * session (express-session over console_sessions; HttpOnly, SameSite=Lax, Secure on an https BASE_URL,
 * path /console so no other page receives it) and a CSRF token (csrf-sync) on every post. An admin opens
 * it from the LMS frame (POST /admin/console, a form with target=_blank): the answer sends the new window
 * to /console/enter with a one-time hand-off, which it spends for the session. An ltik opens nothing here.
 */
export function consoleRoutes(ctx: AppContext): Router {
  const r = Router();

  // In the LMS frame: the admin asks for the console's own window.
  r.post('/admin/console', ctx.requireUser, async (req, res) => {
    const token = await ctx.console.handOff(req.user!);
    const query = new URLSearchParams({ school: req.user!.tenantId, token });
    res.redirect(303, `${CONSOLE}/enter?${query.toString()}`);
  });

  const window = firstPartyWindow(
    { db: ctx.db, clock: ctx.clock, encryptionKey: ctx.config.encryptionKey, baseUrl: ctx.config.baseUrl },
    { path: CONSOLE, cookie: 'console_session', secretLabel: 'console-sessions', table: consoleSessions, sessionMs: SESSION_MS, refused: csrfRefused },
  );
  const gate = Router();
  r.use(CONSOLE, gate);
  gate.use(window.router);
  gate.use(window.csrfProtection);

  // The break-glass local administrator (created by npm run console:admin): e-mail and password, rate-limited.
  const signInPage = (req: Request, res: Response, school: string, extra: Record<string, unknown> = {}) =>
    res.render('console/sign-in', { titleKey: 'console.signIn.title', school, csrfToken: window.csrfToken(req), ...extra });
  gate.get('/sign-in', async (req, res) => {
    const school = z.uuid().safeParse(req.query.school);
    // The school's district sign-on, when an admin has set it up, comes first.
    const district = school.success && (await ctx.districtSignOn.offered(school.data));
    signInPage(req, res, school.success ? school.data : '', { district });
  });
  gate.post('/sign-in', signInLimiter(consoleSignInLimits.perIp, tooMany, { failedOnly: true }), signInLimiter(consoleSignInLimits.perEmail, tooMany, { byEmail: true, failedOnly: true }), async (req, res) => {
    const form = signInForm.safeParse(req.body);
    const ref = form.success ? await ctx.console.signInLocal(form.data.school, form.data.email, form.data.password) : null;
    if (!ref) {
      // One answer for a wrong school, e-mail or password: nothing tells which.
      const body = req.body as Record<string, unknown>;
      const errors = { email: t('console.signIn.wrong', {}, res.locals.locale as string | undefined) };
      res.status(401);
      const school = z.uuid().safeParse(body.school);
      const district = school.success && (await ctx.districtSignOn.offered(school.data));
      return signInPage(req, res, typeof body.school === 'string' ? body.school : '', { district, values: { email: body.email }, errors, errorSummary: summaryOf(errors, () => 'console-email') });
    }
    await startSession(req, ref);
    res.redirect(303, CONSOLE);
  });

  // District single sign-on (OIDC): out to the district's provider and back.
  districtSignInRoutes(ctx, gate, { startSession, home: CONSOLE, limit: signInLimiter(consoleSignInLimits.perIp, tooMany) });

  // The hand-off: spent once, then a fresh session (a new id, so one planted before cannot be reused).
  gate.get('/enter', async (req, res) => {
    const query = enterQuery.safeParse(req.query);
    if (!query.success) throw new HttpError(410, message('console.enter.spentTitle'), message('console.enter.spent'), 'handoff_spent');
    await startSession(req, await ctx.console.enter(query.data.school, query.data.token));
    res.redirect(303, CONSOLE);
  });

  // After signing out: nobody to show, nothing to read.
  gate.get('/signed-out', (_req, res) => {
    res.render('console/signed-out', { titleKey: 'console.signedOutTitle' });
  });

  // Everything else: the session's admin, rebuilt from the roster, in the session's school only.
  const signedIn: RequestHandler = (req, res, next) => {
    const ref = req.session.console;
    if (!ref) return next(unauthorized(message('console.signedOut')));
    ctx.console.userOf(ref).then((user) => {
      req.user = user;
      res.locals.user = user;
      res.locals.locale = user.locale;
      res.locals.consoleHome = CONSOLE;
      // As a launch's pages: the school's zone and its words for its roles.
      void withTenant(user.tenantId, () =>
        Promise.all([ctx.platforms.timeZoneOf(user.tenantId), ctx.configuration.current(user.tenantId, terminologyKind)]).then(([zone, words]) => {
          res.locals.timeZone = zone;
          withTerms(termsOf(words.body), next);
        }, next),
      );
    }, next);
  };
  gate.use(signedIn);
  gate.use((req, res, next) => {
    res.locals.csrfToken = window.csrfToken(req);
    next();
  });

  gate.get('/', (req, res) => {
    res.render('console/home', { titleKey: 'console.home.title', configurationUrl: `${CONSOLE}/configuration`, signOnUrl: `${CONSOLE}/sign-on`, automationsNote: true });
  });

  districtSettingsRoutes(ctx, gate);

  gate.post('/sign-out', async (req, res) => {
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie('console_session', { path: CONSOLE });
    res.redirect(303, `${CONSOLE}/signed-out`);
  });

  // The configuration documents, as in the frame, under the console's session (signed in above).
  r.use(configurationRoutes(ctx, { base: `${CONSOLE}/configuration`, requireUser: (_req, _res, next) => next() }));
  return r;
}
