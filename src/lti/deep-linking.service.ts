import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { z } from 'zod';
import type { Clock } from '../web/clock.js';
import type { LtiService } from './lti.service.js';
import type { PlatformsService } from '../platforms/platforms.service.js';
import type { LaunchService } from './launch.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { AppUser } from '../auth/user.js';
import { authorize } from '../policies/policy.js';
import { contentItemPolicy } from '../policies/content-item.js';
import { badRequest, notFound, conflict, message } from '../web/errors.js';
import { t } from '../web/i18n.js';
import { advisoryParameter, claimKeys as K, deepLinkingSettings, type DeepLinkingSettings } from './launch.schemas.js';

/**
 * The links the picker offers. An advisory or subject-course link carries the custom parameter the
 * launch reads (`advisory=true|false`), so the course is decided by where the teacher put the link;
 * the plain link leaves it to the admin or the instructor's answer on first launch.
 */
export const linkKinds = {
  'success-plans': { custom: null },
  advisory: { custom: { [advisoryParameter]: 'true' } },
  subject: { custom: { [advisoryParameter]: 'false' } },
} as const;
export type LinkKind = keyof typeof linkKinds;

/** The picker's answer: one of the links, or nothing. */
const choice = z.object({ choice: z.enum(['success-plans', 'advisory', 'subject', 'none']) });

const stored = z.object({ settings: deepLinkingSettings, deploymentId: z.string(), sub: z.string() });
const RESPONSE_TTL_SECONDS = 5 * 60;

export interface DeepLinkingDeps {
  baseUrl: string;
  clock: Clock;
  lti: Pick<LtiService, 'signingKey'>;
  platforms: Pick<PlatformsService, 'find'>;
  roster: Pick<RosterService, 'findPerson'>;
  launches: Pick<LaunchService, 'findDeepLinking' | 'markResponded'>;
}

/** What the picker may offer: the platform lists the types it accepts, we offer only those we make. */
export const offersResourceLink = (s: DeepLinkingSettings) => s.accept_types.includes('ltiResourceLink');

/** Deep Linking 2.0: the content picker a teacher sees, and the signed LtiDeepLinkingResponse. */
export function createDeepLinkingService(deps: DeepLinkingDeps) {
  /** The deep-linking request of this launch, only for the person who launched it (a teacher or an admin: content-item policy). */
  async function request(launchId: string, user: AppUser) {
    authorize(contentItemPolicy, user, 'create', { tenantId: user.tenantId });
    const row = await deps.launches.findDeepLinking(launchId, user.tenantId);
    const asked = row ? stored.parse(row.deepLinking) : undefined;
    const person = asked ? await deps.roster.findPerson(user.tenantId, user.personId) : undefined;
    if (!row || !asked || person?.sub !== asked.sub) throw notFound(message('lti.deepLink.expired'));
    return { row, ...asked };
  }

  return {
    request,

    /** The JWT to form-post to deep_link_return_url, for the picker's answer as posted; once per request. `none` returns nothing picked. */
    async respond(launchId: string, user: AppUser, posted: unknown): Promise<{ returnUrl: string; jwt: string; choice: LinkKind | 'none' }> {
      const { settings, deploymentId } = await request(launchId, user);
      const answer = choice.safeParse(posted);
      if (!answer.success) throw badRequest(message('lti.deepLink.badChoice'), 'bad_choice');
      const choose = answer.data.choice === 'none' ? null : answer.data.choice;
      const tenantId = user.tenantId;
      const tenant = await deps.platforms.find(tenantId);
      if (!tenant) throw notFound();
      if (!(await deps.launches.markResponded(launchId, tenantId))) throw conflict(message('lti.deepLink.alreadyResponded'), 'already_responded');
      const link = choose && offersResourceLink(settings) ? linkKinds[choose] : null;
      // The link's title is what the course shows: in the language of the teacher or admin who added it.
      // The LMS's own parameters too where it sends the registration's only on its placements (Schoology's building).
      const custom = { ...tenant.lms.linkCustom, ...link?.custom };
      const items = link && choose ? [{ type: 'ltiResourceLink', title: t(`lti.deepLink.items.${choose}`, {}, user.locale), url: `${deps.baseUrl}/lti/launch`, ...(Object.keys(custom).length > 0 ? { custom } : {}) }] : [];
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
      return { returnUrl: settings.deep_link_return_url, jwt, choice: answer.data.choice };
    },
  };
}
export type DeepLinkingService = ReturnType<typeof createDeepLinkingService>;
