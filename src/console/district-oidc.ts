import * as client from 'openid-client';
import { OutboundError, publicAddressesOf } from '../lti/outbound.js';

/**
 * The tool as an OpenID Connect client of a district's identity provider (openid-client v6): discovery,
 * the authorization request (code flow with PKCE S256, state and nonce) and the code exchange with the ID
 * token's checks (signature from the provider's key set, iss, aud, exp, iat, nonce). Every failure comes
 * out as an OidcError naming a reason for the page and the log, never the provider's text or a token.
 */

/** Why talking to the provider did not work: chosen from openid-client's errors, never from the provider's words. */
export const oidcFailures = [
  // No answer within the timeout.
  'timeout',
  // Nothing answered (refused, unresolvable, reset).
  'unreachable',
  // An answer, but not an OpenID provider's (status, not JSON, not its metadata).
  'not_oidc',
  // The discovered issuer is not the one configured.
  'issuer_mismatch',
  // A plain-http issuer (only loopback outside production may be).
  'insecure',
  // The provider supports neither client_secret_basic nor client_secret_post.
  'client_auth_unsupported',
  // The token endpoint refused the tool's client id or secret.
  'client_refused',
  // The token endpoint refused the code (used, expired, or the PKCE verifier does not match).
  'grant_refused',
  // The token endpoint or the authorization response said something else went wrong.
  'idp_error',
  // The person (or the provider's policy) declined at the authorization step.
  'denied',
  // The ID token did not pass its checks (signature, iss, aud, exp, iat, nonce) or is missing.
  'id_token_invalid',
] as const;
export type OidcFailure = (typeof oidcFailures)[number];

export class OidcError extends Error {
  constructor(readonly reason: OidcFailure) {
    super(`district sign-on: ${reason}`);
  }
}

export interface OidcClientSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

export interface OidcOptions {
  /** Seconds each request to the provider may take (discovery, token, key set). */
  timeoutSeconds: number;
  /** Whether an http issuer on this machine (127.0.0.1, localhost, [::1]) is allowed: outside production only. */
  allowLoopbackHttp: boolean;
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);
export const isLoopbackHttp = (url: URL): boolean => url.protocol === 'http:' && loopbackHosts.has(url.hostname);

/** The OAuth error codes the authorization step may answer with when the person or the provider's policy says no. */
const declined = new Set(['access_denied', 'login_required', 'consent_required', 'interaction_required', 'account_selection_required', 'unauthorized_client']);

/** Maps what openid-client threw to a reason (the error's class and code only: no message, no body). */
export function failureOf(err: unknown): OidcFailure {
  if (err instanceof OidcError) return err.reason;
  if (err instanceof OutboundError) return 'unreachable';
  if (err instanceof client.AuthorizationResponseError) return declined.has(err.error) ? 'denied' : 'idp_error';
  if (err instanceof client.ResponseBodyError) {
    if (err.error === 'invalid_client' || err.error === 'unauthorized_client') return 'client_refused';
    if (err.error === 'invalid_grant') return 'grant_refused';
    return 'idp_error';
  }
  if (err instanceof client.WWWAuthenticateChallengeError) return 'client_refused';
  if (err instanceof client.ClientError) {
    switch (err.code) {
      case 'OAUTH_TIMEOUT':
      case 'OAUTH_ABORT':
        return 'timeout';
      case 'OAUTH_HTTP_REQUEST_FORBIDDEN':
      case 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN':
        return 'insecure';
      case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
        return 'issuer_mismatch';
      case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      case 'OAUTH_KEY_SELECTION_FAILED':
        return 'id_token_invalid';
      default:
        return 'not_oidc';
    }
  }
  // fetch's own failure (connection refused, DNS, reset) is a TypeError.
  if (err instanceof TypeError) return 'unreachable';
  return 'not_oidc';
}

/**
 * The provider's configuration for this client, discovered from the issuer's
 * /.well-known/openid-configuration. The client authenticates with its secret the way the provider says it
 * accepts (client_secret_basic, the standard's default, else client_secret_post).
 */
export async function discoverProvider(settings: OidcClientSettings, opts: OidcOptions): Promise<client.Configuration> {
  const issuer = new URL(settings.issuer);
  // openid-client refuses plain http, rightly. The one exception is a provider on this very machine
  // outside production (the tests' simulator, a developer's local IdP): nothing crosses a network there,
  // and production (opts.allowLoopbackHttp false) never gets it, whatever the issuer says.
  const insecure = opts.allowLoopbackHttp && isLoopbackHttp(issuer);
  const execute = insecure ? [client.allowInsecureRequests] : [];
  try {
    // An issuer an admin typed is fetched by the server: outside the loopback exception, only one whose
    // name stands for public addresses (no internal service reached through the console); plain http is openid-client's to refuse.
    if (!insecure && issuer.protocol === 'https:') await publicAddressesOf(issuer.hostname);
    const found = await client.discovery(issuer, settings.clientId, undefined, undefined, { timeout: opts.timeoutSeconds, execute });
    const metadata = found.serverMetadata();
    if (!metadata.authorization_endpoint || !metadata.token_endpoint || !metadata.jwks_uri) throw new OidcError('not_oidc');
    const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    const auth = methods.includes('client_secret_basic') ? client.ClientSecretBasic(settings.clientSecret) : methods.includes('client_secret_post') ? client.ClientSecretPost(settings.clientSecret) : undefined;
    if (!auth) throw new OidcError('client_auth_unsupported');
    const config = new client.Configuration(metadata, settings.clientId, undefined, auth);
    config.timeout = opts.timeoutSeconds;
    if (insecure) client.allowInsecureRequests(config);
    return config;
  } catch (err) {
    throw new OidcError(failureOf(err));
  }
}

/** What one sign-in keeps between leaving for the provider and coming back (in the browser's session, server-side). */
export interface OidcFlowSecrets {
  state: string;
  nonce: string;
  verifier: string;
}

export async function newFlowSecrets(): Promise<OidcFlowSecrets & { challenge: string }> {
  const verifier = client.randomPKCECodeVerifier();
  return { state: client.randomState(), nonce: client.randomNonce(), verifier, challenge: await client.calculatePKCECodeChallenge(verifier) };
}

/** Where the browser goes to sign in at the provider. */
export function authorizationUrl(config: client.Configuration, redirectUri: string, flow: OidcFlowSecrets & { challenge: string }, locale: string): URL {
  return client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid email',
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: flow.challenge,
    code_challenge_method: 'S256',
    ui_locales: locale,
  });
}

/** The ID token's claims the console reads, once openid-client has checked the token. */
export interface VerifiedIdentity {
  email: string | undefined;
  emailVerified: boolean;
}

/**
 * The callback: checks the authorization response (state, an error answer), exchanges the code with the
 * PKCE verifier, and checks the ID token (signature, iss, aud, exp, iat, nonce). `callbackUrl` is the
 * redirect URI with the query the provider added.
 */
export async function exchangeCode(config: client.Configuration, callbackUrl: URL, flow: OidcFlowSecrets): Promise<VerifiedIdentity> {
  try {
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
    const claims = tokens.claims();
    if (!claims) throw new OidcError('id_token_invalid');
    return { email: typeof claims.email === 'string' ? claims.email : undefined, emailVerified: claims.email_verified === true };
  } catch (err) {
    throw new OidcError(failureOf(err));
  }
}
