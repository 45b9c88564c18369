import passport from 'passport';
import { Strategy as CustomStrategy } from 'passport-custom';
import type { Request, RequestHandler } from 'express';
import type { LtikService } from './ltik.js';
import { LtikError } from './ltik.js';
import type { RosterService } from '../roster/roster.service.js';
import { message, unauthorized } from '../web/errors.js';
import { defaultLocale, withTerms, type Terms } from '../web/i18n.js';
import { allowFraming } from '../web/csp.js';
import { withTenant } from '../db/tenant-scope.js';
import type { PermissionSet } from '../policies/permission-set.js';

/** The origins of a tenant's LMS, which may frame its users' pages (platforms.frameAncestorsOf). */
export type FrameOriginsOf = (tenantId: string) => Promise<string[]>;

/** The ltik travels in the query string (links), the form body (posts) or a bearer header (scripts). */
export function ltikFrom(req: Request): string | undefined {
  const fromQuery = typeof req.query.ltik === 'string' ? req.query.ltik : undefined;
  const body = req.body as Record<string, unknown> | undefined;
  const fromBody = body && typeof body.ltik === 'string' ? body.ltik : undefined;
  const header = req.headers.authorization;
  const fromHeader = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
  return fromQuery ?? fromBody ?? fromHeader;
}

/**
 * A passport instance of our own (not the global singleton) so that several apps in one
 * test process never share strategies.
 */
/** A school's permission set in force, when it published one (undefined: the policies' defaults). */
export type PermissionsOf = (tenantId: string) => Promise<PermissionSet | undefined>;

export function createAuthenticator(ltiks: LtikService, roster: RosterService, frameOriginsOf: FrameOriginsOf, permissionsOf: PermissionsOf = () => Promise.resolve(undefined)): passport.PassportStatic {
  const authenticator = new passport.Passport() as passport.PassportStatic;
  authenticator.use(
    'ltik',
    // passport-custom ignores the returned promise: every outcome, errors included, goes to `done` below.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    new CustomStrategy(async (req, done) => {
      const token = ltikFrom(req);
      if (!token) return done(unauthorized());
      // The page (even a 401 one) shows inside the LMS of the ltik's tenant, and no other.
      // The ltik's signature vouches for its tenant: from here on the database shows only that tenant's rows.
      const framedFor = async (tenantId: string) => allowFraming(req.res!, await withTenant(tenantId, () => frameOriginsOf(tenantId)));
      try {
        const claims = await ltiks.verify(token);
        await framedFor(claims.tid);
        const user = await withTenant(claims.tid, () => roster.userFromClaims(claims));
        if (!user) return done(unauthorized(message('errors.unauthorized.noMembership')));
        const permissions = await withTenant(claims.tid, () => permissionsOf(claims.tid));
        if (permissions) user.permissions = permissions;
        req.res!.locals.ltik = token;
        return done(null, user);
      } catch (err) {
        if (err instanceof LtikError) {
          if (err.tenantId) await framedFor(err.tenantId).catch(() => undefined);
          return done(unauthorized(message(err.reason === 'expired' ? 'errors.unauthorized.expired' : 'errors.unauthorized.invalid')));
        }
        return done(err);
      }
    }),
  );
  return authenticator;
}

/** The school's IANA zone (platforms.timeZoneOf): signed-in pages show its days and times. */
export type TimeZoneOf = (tenantId: string) => Promise<string>;

/** The words the school calls its roles by (src/web/terminology.ts); undefined: the shipped ones. */
export type TermsOf = (tenantId: string) => Promise<Terms | undefined>;

/** Route guard: a valid ltik or a clear 401 page; never a redirect loop. */
export function requireUser(authenticator: passport.PassportStatic, timeZoneOf: TimeZoneOf, termsOf: TermsOf = async () => undefined): RequestHandler {
  return (req, res, next) => {
    // Signed-in pages show student records and carry the ltik in their links: no browser or proxy keeps a copy.
    res.set('cache-control', 'no-store');
    authenticator.authenticate('ltik', { session: false }, (err: unknown, user: Express.User | false) => {
      if (err) return next(err);
      if (!user) return next(unauthorized());
      req.user = user;
      res.locals.user = user;
      res.locals.locale = user.locale ?? defaultLocale;
      // The rest of the request (and all it starts) sees only the user's tenant, and speaks with the
      // school's words. Not awaited: passport's callback is synchronous, and a failure to read the time
      // zone or the words reaches next() through the rejection handler.
      void withTenant(user.tenantId, () =>
        Promise.all([timeZoneOf(user.tenantId), termsOf(user.tenantId)]).then(([zone, terms]) => {
          res.locals.timeZone = zone;
          withTerms(terms, next);
        }, next),
      );
    })(req, res, next);
  };
}
