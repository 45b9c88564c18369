import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Clock } from '../web/clock.js';
import type { LtiService } from './lti.service.js';
import type { PlatformsService } from '../platforms/platforms.service.js';
import type { LaunchService } from './launch.service.js';
import { notFound, conflict } from '../web/errors.js';
import { claimKeys as K, deepLinkingSettings, type DeepLinkingSettings } from './launch.schemas.js';
import { z } from 'zod';

const stored = z.object({ settings: deepLinkingSettings, deploymentId: z.string() });
const RESPONSE_TTL_SECONDS = 5 * 60;

export interface DeepLinkingDeps {
  baseUrl: string;
  clock: Clock;
  lti: Pick<LtiService, 'signingKey'>;
  platforms: Pick<PlatformsService, 'find'>;
  launches: Pick<LaunchService, 'findDeepLinking' | 'markResponded'>;
}

/** What the picker may offer: the platform lists the types it accepts, we offer only those we make. */
export const offersResourceLink = (s: DeepLinkingSettings) => s.accept_types.includes('ltiResourceLink');

/** Deep Linking 2.0: the content picker a teacher sees, and the signed LtiDeepLinkingResponse. */
export function createDeepLinkingService(deps: DeepLinkingDeps) {
  async function request(launchId: string, tenantId: string) {
    const row = await deps.launches.findDeepLinking(launchId, tenantId);
    if (!row) throw notFound('This content selection has expired. Open the content picker in your LMS again.');
    return { row, ...stored.parse(row.deepLinking) };
  }

  return {
    request,

    /** The JWT to form-post to deep_link_return_url; once per request. `choose` false returns nothing picked. */
    async respond(launchId: string, tenantId: string, choose: boolean): Promise<{ returnUrl: string; jwt: string }> {
      const { settings, deploymentId } = await request(launchId, tenantId);
      const tenant = await deps.platforms.find(tenantId);
      if (!tenant) throw notFound();
      if (!(await deps.launches.markResponded(launchId, tenantId))) throw conflict('A selection was already returned to the LMS for this request.', 'already_responded');
      const items =
        choose && offersResourceLink(settings) ? [{ type: 'ltiResourceLink', title: 'Success plans', url: `${deps.baseUrl}/lti/launch` }] : [];
      const claims: Record<string, unknown> = {
        nonce: randomBytes(16).toString('base64url'),
        [K.deploymentId]: deploymentId,
        [K.messageType]: 'LtiDeepLinkingResponse',
        [K.version]: '1.3.0',
        [K.contentItems]: items,
      };
      if (settings.data !== undefined) claims[K.data] = settings.data;
      const { kid, privateKey } = await deps.lti.signingKey(tenantId);
      const now = Math.floor(deps.clock.now().getTime() / 1000);
      const jwt = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(tenant.clientId)
        .setAudience(tenant.issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + RESPONSE_TTL_SECONDS)
        .sign(privateKey);
      return { returnUrl: settings.deep_link_return_url, jwt };
    },
  };
}
export type DeepLinkingService = ReturnType<typeof createDeepLinkingService>;
