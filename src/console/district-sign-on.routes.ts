import type { Request, RequestHandler, Response, Router } from 'express';
import type { AppContext } from '../web/context.js';
import { badRequest, message } from '../web/errors.js';
import { summaryOf, unlessRefused } from '../web/forms.js';
import { isLocale, defaultLocale, t, type Locale } from '../web/i18n.js';
import { callbackQuery, schoolField, type PendingFlow } from './district-sign-on.schemas.js';
import type { ConsoleRef } from './console.service.js';

declare module 'express-session' {
  interface SessionData {
    /** A district sign-in under way: state, nonce and PKCE verifier, until the provider sends the browser back. */
    oidc?: PendingFlow;
  }
}

const SETTINGS = '/console/sign-on';
const CALLBACK = '/console/oidc/callback';

const saveSession = (req: Request) => new Promise<void>((resolve, reject) => req.session.save((err?: unknown) => (err ? reject(err as Error) : resolve())));
const pageLocale = (res: Response): Locale => (isLocale(res.locals.locale) ? res.locals.locale : defaultLocale);

/**
 * District sign-on's way in, on the console's gate before anyone is signed in: POST /console/oidc/start
 * (CSRF-checked like every post) sends the browser to the district's provider, and its answer comes back to
 * GET /console/oidc/callback, which takes the pending flow out of the session first, so a callback is
 * finished once at most, then opens the session exactly as the hand-off does.
 */
export function districtSignInRoutes(ctx: AppContext, gate: Router, opts: { startSession: (req: Request, ref: ConsoleRef) => Promise<void>; home: string; limit: RequestHandler }): void {
  const redirectUri = new URL(CALLBACK, ctx.config.baseUrl).toString();

  gate.post('/oidc/start', opts.limit, async (req, res) => {
    const form = schoolField.safeParse(req.body);
    if (!form.success) throw badRequest(message('console.oidc.noSchool'), 'oidc_no_school');
    const { url, pending } = await ctx.districtSignOn.start(form.data.school, pageLocale(res), redirectUri);
    req.session.oidc = pending;
    await saveSession(req);
    res.redirect(303, url.toString());
  });

  gate.get('/oidc/callback', async (req, res) => {
    // Taken out before anything is checked: a second arrival of the same answer finds nothing to finish.
    const kept = req.session.oidc;
    if (kept) {
      delete req.session.oidc;
      await saveSession(req);
    }
    const query = callbackQuery.safeParse(req.query);
    const callbackUrl = new URL(redirectUri);
    callbackUrl.search = new URL(req.originalUrl, redirectUri).search;
    const ref = await ctx.districtSignOn.finish(kept, query.success ? query.data.state : undefined, callbackUrl);
    await opts.startSession(req, ref);
    res.redirect(303, opts.home);
  });
}

/** The school's district sign-on settings, for a signed-in admin of the console (mounted after its sign-in check). */
export function districtSettingsRoutes(ctx: AppContext, gate: Router): void {
  const fieldId = (name: string) => `sign-on-${name}`;
  const render = async (req: Request, res: Response, refused?: { errors: Record<string, string>; posted: Record<string, unknown> }) => {
    const view = await ctx.districtSignOn.settings(req.user!);
    const posted = refused?.posted;
    const text = (name: string) => (typeof posted?.[name] === 'string' ? posted[name] : undefined);
    res.render('console/sign-on', {
      titleKey: 'console.signOn.title',
      notice: req.query.done === 'saved' ? t('console.signOn.saved', {}, req.user!.locale) : req.query.done === 'removed' ? t('console.signOn.removed', {}, req.user!.locale) : undefined,
      configured: view.configured,
      secretKept: view.secretKept,
      // What the admin typed comes back when the form is refused; the secret never does.
      values: { issuer: text('issuer') ?? view.issuer, clientId: text('clientId') ?? view.clientId, emailDomains: text('emailDomains') ?? view.emailDomains.join(', ') },
      signInUrl: `/console/sign-in?${new URLSearchParams({ school: req.user!.tenantId }).toString()}`,
      redirectUri: new URL(CALLBACK, ctx.config.baseUrl).toString(),
      errors: refused?.errors,
      errorSummary: refused ? summaryOf(refused.errors, fieldId) : undefined,
    });
  };

  gate.get('/sign-on', async (req, res) => render(req, res));

  gate.post('/sign-on', async (req, res) => {
    const posted = req.body as Record<string, unknown>;
    const outcome = await unlessRefused(() => ctx.districtSignOn.save(req.user!, posted));
    if (!outcome.ok) {
      res.status(400);
      return render(req, res, { errors: outcome.errors, posted });
    }
    res.redirect(303, `${SETTINGS}?${new URLSearchParams({ done: 'saved' }).toString()}`);
  });

  gate.post('/sign-on/remove', async (req, res) => {
    await ctx.districtSignOn.remove(req.user!);
    res.redirect(303, `${SETTINGS}?${new URLSearchParams({ done: 'removed' }).toString()}`);
  });
}
