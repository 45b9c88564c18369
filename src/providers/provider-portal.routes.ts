import { Router, type NextFunction, type Request, type Response } from 'express';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { signInLimiter } from '../auth/sign-in-limits.js';
import type { AppContext } from '../web/context.js';
import { withTenant } from '../db/tenant-scope.js';
import { HttpError, message, unauthorized } from '../web/errors.js';
import { fieldErrors, summaryOf, unlessRefused } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { linkRequestForm, passwordForm, schoolField, signInForm, tokenForm } from './providers.schemas.js';
import { referralView } from './providers.presenter.js';
import type { ProviderUser } from './provider-user.js';
import type { ProviderTokenPurpose } from './providers.tables.js';
import { firstPartyWindow } from '../auth/first-party-window.js';
import { providerSessions } from './providers.tables.js';
import { linkRefused } from './providers.service.js';

export const PORTAL = '/provider';
/** A provider's session lasts a working day; signing in again is one e-mail away. */
const SESSION_MS = 8 * 3600_000;

/** Attempts per 15 minutes before a 429: per address (IP) and per e-mail at a school. */
export const providerLimits = {
  /** Password sign-ins that failed, per e-mail. */
  signInPerEmail: 5,
  signInPerIp: 50,
  /** "E-mail me a sign-in link", every request, per e-mail. */
  linkPerEmail: 3,
  linkPerIp: 20,
};

const tooMany = () => new HttpError(429, message('providers.errors.tooMany.title'), message('providers.errors.tooMany.detail'), 'too_many_attempts');
const csrfRefused = () => new HttpError(403, message('providers.errors.csrf.title'), message('providers.errors.csrf.detail'), 'bad_csrf_token');

/** A session names its account and school, nothing else. */
interface SessionRef {
  t: string;
  a: string;
}

/** Where a page of the portal is, for one school: built with URL, the school in the query. */
function portalUrl(path: string, query: Record<string, string> = {}): string {
  const url = new URL(path, 'http://tool.invalid');
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return `${url.pathname}${url.search}`;
}

const limiter = (limit: number, opts: { byEmail?: boolean; failedOnly?: boolean } = {}) => signInLimiter(limit, tooMany, opts);

/**
 * What other features' provider pages (the referrals' detail and state changes) get to mount under
 * /provider behind the same session, CSRF check and tenant scope: `signedIn` (the provider, or a 401),
 * and `page` (renders `views/pages/<view>` in the providers' layout with a fresh CSRF token as `csrfToken`).
 */
export interface PortalKit {
  signedIn(req: Request): ProviderUser;
  page(req: Request, res: Response, view: string, data: Record<string, unknown>): void;
}

/**
 * /provider: community providers' own pages, a top-level window (never framed) outside the LMS. A
 * first-party session (express-session over provider_sessions; HttpOnly, SameSite=Lax, Secure on an
 * https BASE_URL, path /provider so no other page ever receives it), passport for sign-in (a one-time
 * link, or e-mail and password), CSRF tokens (csrf-sync) on every post, rate limits on sign-in and link
 * requests. The school is the `school` query or field (its tenant id) until sign-in; after it, every
 * request runs in the session's school's scope. An ltik opens nothing here.
 */
export function providerPortalRoutes(ctx: AppContext, extend: ((portal: Router, kit: PortalKit) => void)[] = []): Router {
  const providers = ctx.providers;
  const auth = new passport.Passport();
  auth.use(
    'provider-password',
    new LocalStrategy({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: true }, (req, _email, _password, done) => {
      const form = signInForm.safeParse(req.body);
      if (!form.success) return done(null, false);
      providers.verifyPassword(form.data.school, form.data.email, form.data.password).then(
        (provider) => done(null, (provider as unknown as Express.User | undefined) ?? false),
        (err: unknown) => done(err),
      );
    }),
  );
  auth.serializeUser((user, done) => {
    const p = user as unknown as ProviderUser;
    done(null, { t: p.tenantId, a: p.accountId } satisfies SessionRef);
  });
  auth.deserializeUser((ref: SessionRef, done) => {
    if (typeof ref?.t !== 'string' || typeof ref?.a !== 'string') return done(null, false);
    providers.userOf(ref.t, ref.a).then((p) => done(null, (p as unknown as Express.User | undefined) ?? false), (err: unknown) => done(err));
  });

  const window = firstPartyWindow(
    { db: ctx.db, clock: ctx.clock, encryptionKey: ctx.config.encryptionKey, baseUrl: ctx.config.baseUrl },
    { path: PORTAL, cookie: 'provider_session', secretLabel: 'provider-sessions', table: providerSessions, sessionMs: SESSION_MS, refused: csrfRefused },
  );

  const r = Router();
  const portal = Router();
  r.use(PORTAL, portal);
  portal.use(window.router);
  portal.use(auth.initialize({ userProperty: 'provider' }));
  portal.use(auth.session());
  // Signed in: the rest of the request sees only the session's school.
  portal.use((req, res, next) => {
    if (!req.provider) return next();
    res.locals.provider = req.provider;
    res.locals.locale = req.provider.locale;
    withTenant(req.provider.tenantId, next);
  });
  portal.use(window.csrfProtection);

  /** Renders a portal page with a fresh CSRF token for its forms, in the providers' layout. */
  const render = (req: Request, res: Response, view: string, data: Record<string, unknown>) => {
    res.render(view, { layout: 'provider', csrfToken: window.csrfToken(req), ...data });
  };
  const page = (req: Request, res: Response, view: string, data: Record<string, unknown>) => render(req, res, `providers/${view}`, data);
  const signedIn = (req: Request): ProviderUser => {
    if (!req.provider) throw unauthorized(message('providers.signIn.needed'));
    return req.provider;
  };
  const signIn = (req: Request, provider: ProviderUser) =>
    new Promise<void>((resolve, reject) => req.login(provider as unknown as Express.User, (err?: unknown) => (err ? reject(err as Error) : resolve())));

  // The sign-in page of one school: password, or "e-mail me a link".
  const signInPage = async (req: Request, res: Response, schoolId: unknown, extra: Record<string, unknown> = {}) => {
    const school = await providers.school(String(schoolId));
    page(req, res, 'sign-in', { titleKey: 'providers.signIn.title', school, done: req.query.done === 'signedOut', ...extra });
  };
  portal.get('/sign-in', async (req, res) => {
    if (req.provider && req.provider.tenantId === req.query.school) return res.redirect(303, PORTAL);
    await signInPage(req, res, req.query.school);
  });

  portal.post('/sign-in', limiter(providerLimits.signInPerIp, { failedOnly: true }), limiter(providerLimits.signInPerEmail, { byEmail: true, failedOnly: true }), (req: Request, res: Response, next: NextFunction) => {
    const school = schoolField.safeParse((req.body as Record<string, unknown>).school);
    auth.authenticate('provider-password', (err: unknown, user: Express.User | false) => {
      if (err) return next(err);
      const run = async () => {
        if (!user) {
          res.status(401);
          const locale = res.locals.locale as string;
          const errors = { email: t('providers.signIn.wrong', {}, locale) };
          return signInPage(req, res, school.success ? school.data : '', { values: { email: (req.body as Record<string, unknown>).email }, errors, errorSummary: summaryOf(errors, () => 'p-email') });
        }
        const provider = user as unknown as ProviderUser;
        await signIn(req, provider);
        await providers.signedIn(provider);
        res.redirect(303, PORTAL);
      };
      run().catch(next);
    })(req, res, next);
  });

  portal.post('/sign-in/link', limiter(providerLimits.linkPerIp), limiter(providerLimits.linkPerEmail, { byEmail: true }), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const form = linkRequestForm.safeParse(body);
    if (!form.success) {
      res.status(400);
      const errors = fieldErrors(form.error, res.locals.locale as string);
      const fields: Record<string, string> = { email: 'p-link-email' };
      return signInPage(req, res, body.school, { linkValues: { email: body.email }, linkErrors: errors, errorSummary: summaryOf(errors, (f) => fields[f]) });
    }
    const school = await providers.school(form.data.school);
    await providers.requestLink(school.id, form.data.email);
    // The same answer whether or not the e-mail has an account: nothing to learn from it.
    page(req, res, 'link-sent', { titleKey: 'providers.linkSent.title', school, signInHref: portalUrl(`${PORTAL}/sign-in`, { school: school.id }) });
  });

  // One-time links: the GET only shows a button (a mail scanner that opens links uses nothing); the POST uses the token.
  const linkPages: [string, ProviderTokenPurpose, (p: ProviderUser) => string][] = [
    ['/link', 'sign_in', () => PORTAL],
    ['/referral-link', 'referral', () => PORTAL],
    ['/welcome', 'invite', () => portalUrl(`${PORTAL}/password`, { welcome: '1' })],
  ];
  for (const [path, purpose, after] of linkPages) {
    portal.get(path, async (req, res) => {
      const form = tokenForm.safeParse(req.query);
      const school = await providers.school(String(req.query.school));
      if (!form.success) throw linkRefused();
      page(req, res, 'link', { titleKey: purpose === 'invite' ? 'providers.link.welcomeTitle' : 'providers.link.title', welcome: purpose === 'invite', school, token: form.data.token, action: `${PORTAL}${path}` });
    });
    portal.post(path, async (req, res) => {
      const form = tokenForm.safeParse(req.body);
      if (!form.success) throw linkRefused();
      const provider = await providers.consume(form.data.school, form.data.token, purpose);
      await signIn(req, provider);
      await providers.signedIn(provider);
      res.redirect(303, after(provider));
    });
  }

  portal.get('/', async (req, res) => {
    const provider = signedIn(req);
    const home = await providers.home(provider);
    page(req, res, 'home', { titleKey: 'providers.home.title', organisation: provider.organisationName, referrals: home.referrals.map((x) => referralView(x, provider.locale)), passwordDone: req.query.done === 'password' });
  });

  const passwordPage = (req: Request, res: Response, extra: Record<string, unknown> = {}) =>
    page(req, res, 'password', { titleKey: 'providers.password.title', welcome: req.query.welcome === '1', ...extra });
  portal.get('/password', (req, res) => {
    signedIn(req);
    passwordPage(req, res);
  });
  portal.post('/password', async (req, res) => {
    const provider = signedIn(req);
    const outcome = await unlessRefused(() => providers.setPassword(provider, passwordForm.safeParse(req.body)));
    if (!outcome.ok) {
      res.status(400);
      return passwordPage(req, res, { errors: outcome.errors, errorSummary: summaryOf(outcome.errors, (f) => `p-${f}`) });
    }
    res.redirect(303, portalUrl(PORTAL, { done: 'password' }));
  });

  portal.post('/sign-out', async (req, res) => {
    const provider = signedIn(req);
    await new Promise<void>((resolve, reject) => req.logout((err?: unknown) => (err ? reject(err as Error) : resolve())));
    await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
    res.clearCookie('provider_session', { path: PORTAL });
    res.redirect(303, portalUrl(`${PORTAL}/sign-in`, { school: provider.tenantId, done: 'signedOut' }));
  });

  for (const mount of extend) mount(portal, { signedIn, page: render });
  return r;
}
