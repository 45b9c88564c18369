import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../src/web/context.js';
import type { Tenant } from '../../src/platforms/platforms.service.js';
import { startFakePlatform, type FakePlatform } from './fake-platform.js';
import { scopes } from '../../src/lti/services/scopes.js';

export const allServiceScopes = Object.values(scopes);

/** A tenant registered against a fresh fake service platform (unique issuer, so tests never collide). */
export async function fakeServiceTenant(
  t: { ctx: AppContext },
  opts: { family?: 'canvas' | 'schoology' | 'generic'; grantedScopes?: string[] } = {},
): Promise<{ tenant: Tenant; fp: FakePlatform }> {
  const clientId = `client-${randomUUID()}`;
  const fp = await startFakePlatform({ toolJwks: () => t.ctx.lti.jwks(), clientId });
  const tenant = await t.ctx.platforms.addManual({
    name: 'Fake LMS',
    issuer: `${fp.baseUrl}/${randomUUID()}`,
    clientId,
    authLoginUrl: `${fp.baseUrl}/auth`,
    accessTokenUrl: fp.tokenUrl,
    jwksUrl: `${fp.baseUrl}/jwks`,
    family: opts.family ?? 'canvas',
    deploymentIds: ['d1'],
    grantedScopes: opts.grantedScopes ?? allServiceScopes,
  });
  return { tenant, fp };
}
