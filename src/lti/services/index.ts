import type { Clock } from '../../web/clock.js';
import { createServiceClient, type RetryPolicy, type ServiceClient } from './http.js';
import { createTokenClient, type SigningKeySource, type TokenClient } from './token.js';

export { ServiceError, isServiceError, type ServiceErrorKind } from './errors.js';
export type { ServiceClient, RetryPolicy } from './http.js';
export type { TokenClient, TokenTenant, SigningKeySource } from './token.js';

export interface LtiServices {
  tokens: TokenClient;
  client: ServiceClient;
}

/** One token cache and one HTTP client per app, shared by roster sync and scores. */
export function createLtiServices(opts: { signingKey: SigningKeySource; clock: Clock; userAgent: string; retry?: Partial<RetryPolicy>; timeoutMs?: number; fetch?: typeof fetch }): LtiServices {
  const tokens = createTokenClient(opts);
  return { tokens, client: createServiceClient({ ...opts, tokens }) };
}
