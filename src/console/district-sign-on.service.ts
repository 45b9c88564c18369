import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { SecretBox } from '../connectors/secret-box.js';
import { systemActor } from '../audit/audit.service.js';
import { authorize } from '../policies/policy.js';
import { configurationPolicy } from '../policies/configuration.js';
import { withTenant } from '../db/tenant-scope.js';
import { HttpError, message } from '../web/errors.js';
import { InvalidInput, validForm } from '../web/forms.js';
import { defaultLocale, isLocale, t, type Locale } from '../web/i18n.js';
import { authorizationUrl, discoverProvider, exchangeCode, newFlowSecrets, OidcError, type OidcFailure, type OidcOptions } from './district-oidc.js';
import { pendingFlow, signOnForm, type PendingFlow } from './district-sign-on.schemas.js';
import type { ConsoleRef, ConsoleService } from './console.service.js';
import * as repo from './console.repository.js';

/** A sign-in at the district's provider must come back within this long. */
export const FLOW_TTL_MS = 10 * 60_000;

export interface DistrictSignOnDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  roster: Pick<RosterService, 'adminsWithEmail'>;
  console: Pick<ConsoleService, 'vouchedFor'>;
  /** Seals the client secret at rest (createSecretBox(key, 'district-sign-on')). */
  secrets: SecretBox;
  oidc: OidcOptions;
}

/** What the settings page shows: never the secret, only whether one is kept. */
export interface SignOnView {
  configured: boolean;
  issuer: string;
  clientId: string;
  emailDomains: string[];
  secretKept: boolean;
}

const failure = (status: number, key: string, code: string) => new HttpError(status, message(`console.oidc.${key}Title`), message(`console.oidc.${key}`), code);
/** Refused: no admin of the school has this verified e-mail. One answer for every reason, naming no one. */
const refused = () => failure(403, 'refused', 'district_sign_in_refused');
const noFlow = () => failure(400, 'noFlow', 'oidc_no_flow');

/** The page a provider failure shows: 504 when it did not answer in time, 502 when its answer was unusable. */
function providerFailure(reason: OidcFailure): HttpError {
  switch (reason) {
    case 'timeout':
      return failure(504, 'timeout', 'oidc_timeout');
    case 'unreachable':
      return failure(502, 'unreachable', 'oidc_unreachable');
    case 'denied':
      return failure(403, 'declined', 'oidc_denied');
    case 'grant_refused':
      // The code was used already, has expired, or its PKCE verifier does not match: this attempt is over.
      return failure(400, 'grantRefused', 'oidc_grant_refused');
    case 'client_refused':
      return failure(502, 'clientRefused', 'oidc_client_refused');
    case 'id_token_invalid':
      return failure(502, 'unverified', 'oidc_id_token_invalid');
    default:
      return failure(502, 'providerError', `oidc_${reason}`);
  }
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1).toLowerCase();

/**
 * District single sign-on for the admin console (issue 14 item 1): a school's admin saves the district's
 * OpenID provider (issuer, client id, client secret sealed, accepted e-mail domains; discovery checked on
 * save); the console's sign-in page then offers it, and a sign-in whose ID token carries a verified e-mail
 * of an accepted domain belonging to one administrator of the school on its roster opens a console session
 * for that administrator, as the LMS hand-off does.
 */
export function createDistrictSignOnService(deps: DistrictSignOnDeps) {
  const { db, clock, audit } = deps;
  const find = (tenantId: string) => withTenant(tenantId, () => repo.findSignOn(db, tenantId));
  const discover = (row: repo.SignOnRow) => {
    const clientSecret = deps.secrets.open(row.clientSecretSealed);
    // A secret sealed under another ENCRYPTION_KEY: the provider would refuse the tool, so say that.
    if (clientSecret === null) throw new OidcError('client_refused');
    return discoverProvider({ issuer: row.issuer, clientId: row.clientId, clientSecret }, deps.oidc);
  };
  /** A refusal of the person who came back: audited as the tool's (no one is signed in), naming no one. */
  const refuse = async (tenantId: string): Promise<never> => {
    await withTenant(tenantId, () => audit.record(systemActor(tenantId), { action: 'denied', entity: 'console_sign_in', attempt: 'districtSignOn' }));
    throw refused();
  };

  return {
    /** The school's settings as the form shows them (admins only; a refusal is audited by the error handler). */
    async settings(user: AppUser): Promise<SignOnView> {
      authorize(configurationPolicy, user, 'manageSignOn', { tenantId: user.tenantId });
      const row = await repo.findSignOn(db, user.tenantId);
      return { configured: Boolean(row), issuer: row?.issuer ?? '', clientId: row?.clientId ?? '', emailDomains: row?.emailDomains ?? [], secretKept: Boolean(row) };
    },

    /**
     * Saves the settings once the issuer's discovery answers (InvalidInput with a field error otherwise,
     * within the timeout). An empty secret keeps the saved one. Audited; the secret is sealed and never logged.
     */
    async save(user: AppUser, posted: unknown): Promise<void> {
      authorize(configurationPolicy, user, 'manageSignOn', { tenantId: user.tenantId });
      const form = validForm(signOnForm({ loopbackHttp: deps.oidc.allowLoopbackHttp }).safeParse(posted), user.locale);
      const saved = await repo.findSignOn(db, user.tenantId);
      const clientSecret = form.clientSecret || (saved ? deps.secrets.open(saved.clientSecretSealed) : null);
      if (!clientSecret) throw new InvalidInput({ clientSecret: t('console.signOn.form.secretRequired', {}, user.locale) });
      try {
        await discoverProvider({ issuer: form.issuer, clientId: form.clientId, clientSecret }, deps.oidc);
      } catch (err) {
        const reason = err instanceof OidcError ? err.reason : 'not_oidc';
        const shown = reason === 'timeout' || reason === 'unreachable' || reason === 'insecure' || reason === 'issuer_mismatch' || reason === 'client_auth_unsupported' ? reason : 'not_oidc';
        throw new InvalidInput({ issuer: t(`console.signOn.discovery.${shown}`, { seconds: deps.oidc.timeoutSeconds }, user.locale) });
      }
      await db.transaction(async (tx) => {
        await repo.saveSignOn(tx, { tenantId: user.tenantId, issuer: form.issuer, clientId: form.clientId, clientSecretSealed: deps.secrets.seal(clientSecret), emailDomains: form.emailDomains, by: user.personId, at: clock.now() });
        await audit.record(user, { action: 'update', entity: 'console_sign_on' }, tx);
      });
    },

    /** Turns district sign-on off for the school (the settings and the sealed secret go). Audited. */
    async remove(user: AppUser): Promise<void> {
      authorize(configurationPolicy, user, 'manageSignOn', { tenantId: user.tenantId });
      await db.transaction(async (tx) => {
        if (await repo.deleteSignOn(tx, user.tenantId)) await audit.record(user, { action: 'delete', entity: 'console_sign_on' }, tx);
      });
    },

    /** Whether the school's sign-in page offers "Sign in with your district account". */
    offered: async (tenantId: string): Promise<boolean> => Boolean(await find(tenantId)),

    /**
     * Starts a sign-in: discovers the provider (502/504 when it cannot be reached in time), makes fresh
     * state, nonce and PKCE verifier, and gives the provider's URL and what the session keeps until the
     * browser comes back. A school without district sign-on: 400.
     */
    async start(tenantId: string, locale: Locale, redirectUri: string): Promise<{ url: URL; pending: PendingFlow }> {
      const row = await find(tenantId);
      if (!row) throw failure(400, 'notConfigured', 'oidc_not_configured');
      let config;
      try {
        config = await discover(row);
      } catch (err) {
        throw providerFailure(err instanceof OidcError ? err.reason : 'not_oidc');
      }
      const flow = await newFlowSecrets();
      const url = authorizationUrl(config, redirectUri, flow, locale);
      return { url, pending: { school: tenantId, state: flow.state, nonce: flow.nonce, verifier: flow.verifier, at: clock.now().getTime(), loc: locale } };
    },

    /**
     * The browser is back from the provider. `kept` is the pending flow the session held (the route has
     * already taken it out, so a callback is never finished twice): none, expired or for another state is
     * a 400; the provider's refusals and failures are 403/400/502/504 pages; then the ID token's verified
     * e-mail must be of an accepted domain and belong to exactly one administrator of the school, else a
     * 403 audited as denied. Gives what the console session holds, the sign-in audited as the admin's.
     */
    async finish(kept: unknown, returnedState: string | undefined, callbackUrl: URL): Promise<ConsoleRef> {
      const parsed = pendingFlow.safeParse(kept);
      if (!parsed.success) throw noFlow();
      const pending = parsed.data;
      if (clock.now().getTime() - pending.at > FLOW_TTL_MS) throw failure(400, 'expired', 'oidc_flow_expired');
      if (!returnedState || returnedState !== pending.state) throw failure(400, 'badState', 'oidc_bad_state');
      const row = await find(pending.school);
      if (!row) throw failure(400, 'notConfigured', 'oidc_not_configured');
      let identity;
      try {
        identity = await exchangeCode(await discover(row), callbackUrl, pending);
      } catch (err) {
        throw providerFailure(err instanceof OidcError ? err.reason : 'not_oidc');
      }
      const email = identity.email?.trim().toLowerCase();
      if (!email || !identity.emailVerified || !email.includes('@') || !row.emailDomains.includes(domainOf(email))) return refuse(pending.school);
      const admins = await withTenant(pending.school, () => deps.roster.adminsWithEmail(pending.school, email));
      // Nobody, or more than one person (the tool cannot tell which one signed in): refused alike.
      if (admins.length !== 1) return refuse(pending.school);
      const admin = admins[0]!;
      const loc = isLocale(admin.locale) ? admin.locale : isLocale(pending.loc) ? pending.loc : defaultLocale;
      return deps.console.vouchedFor({ t: pending.school, p: admin.id, loc });
    },
  };
}
export type DistrictSignOnService = ReturnType<typeof createDistrictSignOnService>;
