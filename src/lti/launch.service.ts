import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client.js';
import type { Config } from '../web/config.js';
import type { Clock } from '../web/clock.js';
import type { PlatformsService, Tenant } from '../platforms/platforms.service.js';
import type { Context, RosterService } from '../roster/roster.service.js';
import type { LtikService } from '../auth/ltik.js';
import { HttpError, badRequest, message } from '../web/errors.js';
import * as repo from './launch.repository.js';
import { createJwksCache, type JwksCache } from './jwks-cache.js';
import { refusal, verifyIdToken } from './id-token.js';
import { claimKeys as K, courseSisIdsOf, launchBody, completeBody, launchClaims, loginParams, type LaunchClaims, type LoginParams } from './launch.schemas.js';
import { homeListsRoster, leaderHome, roleHome } from './roles.js';
import { isAccountLaunch, type LaunchSchool } from './families/family.js';
import { inToolUrl } from '../web/urls.js';
import { createLaunchIdentityLinker, launchFamily, recordLaunch } from './launch-writes.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import { withTenant } from '../db/tenant-scope.js';

export type { LoginState } from './launch.repository.js';

const STATE_TTL_MS = 10 * 60_000;
/** Used rows outlive their expiry so a replayed id_token (valid for up to an hour) is still known. */
const KEEP_USED_MS = 2 * 60 * 60_000;
const PRUNE_EVERY_MS = 60_000;

export interface LaunchDeps {
  db: Db;
  config: Pick<Config, 'baseUrl' | 'clockSkewSeconds' | 'encryptionKey'>;
  clock: Clock;
  platforms: PlatformsService;
  roster: RosterService;
  ltiks: LtikService;
  identities: Pick<IdentitiesService, 'link'>;
  /**
   * Puts a launched course in its school (schools.placeLaunchedCourse): the one its SIS ids (lis claim)
   * name, else the one its LMS names. A failure never fails the launch.
   */
  placeCourse?: (tenantId: string, contextId: string, course: { lms: LaunchSchool | null; sisIds: { sisId: string; rank: number }[] }) => Promise<unknown>;
  logger?: { warn: (o: object, msg: string) => void };
  jwks?: JwksCache;
}

/** The state cookie's name carries the state, so concurrent launches in several frames never clobber each other. */
export const stateCookieName = (state: string) => `lti_state_${state}`;

export interface LoginResult {
  row: repo.LoginState;
  authUrl: string;
  /** The platform frame to store the state in (LTI platform storage), when it offered one. */
  storage?: StorageBinding;
}

/** Where and what the login page stores (and the launch page reads back) through LTI platform storage. */
export interface StorageBinding {
  target: string;
  origin: string;
  key: string;
  value?: string;
}

export interface Launched {
  tenantId: string;
  personId: string;
  contextId: string | null;
  /** The course as the launch left it stored, so landing need not read it again. */
  context: Context | null;
  ltik: string;
  /** Role home, or the deep-linking picker, with ?ltik= already on it. */
  redirectTo: string;
  /** The page it lands on lists the course roster (so the first launch waits for the first sync). */
  landsOnRoster: boolean;
  /** The school the launch came from, when its LMS says (Canvas's account, Schoology's building), to place the course in. */
  school: LaunchSchool | null;
}

/**
 * Told which platform a login or launch belongs to as soon as it is known, before any check that
 * may refuse it: the route lets that LMS frame the answer, so even a refusal shows inside it.
 */
export type PlatformSeen = (tenant: Tenant) => void;
const unseen: PlatformSeen = () => undefined;

export type LaunchOutcome =
  | { kind: 'launched'; launched: Launched }
  /** No state cookie came back, but the login stored the state in platform storage: read it there. */
  | { kind: 'storage'; row: repo.LoginState; storage: StorageBinding }
  /** Neither: third-party cookies are blocked and there is no platform storage. */
  | { kind: 'blocked'; row: repo.LoginState };

const random = () => randomBytes(32).toString('base64url');

/**
 * A login's state starts with its tenant's id (the LMS's own platform record), so the launch that
 * brings it back reads its row within that tenant only: no system scope, and on the embedded
 * database's one connection no switch of scope between the launch's statements. A state without
 * one (or a forged one) is looked up as before and, unknown, refused.
 */
const stateOf = (tenantId: string) => `${tenantId}.${random()}`;
const tenantOfState = (state: string): string | undefined => {
  const prefix = state.split('.', 1)[0];
  return z.uuid().safeParse(prefix).success ? prefix : undefined;
};

export function createLaunchService(deps: LaunchDeps) {
  const { db, clock } = deps;
  const jwks = deps.jwks ?? createJwksCache({ clock });
  let lastPrune = 0;
  const now = () => clock.now();
  const linkIdentity = createLaunchIdentityLinker(deps.identities);
  const bindingKey = createHmac('sha256', deps.config.encryptionKey).update('lti-storage-binding').digest();
  /** What the login page stores in platform storage: derived from the state but not readable from any page. */
  const bindingFor = (state: string) => createHmac('sha256', bindingKey).update(state).digest('base64url');

  async function findPlatform(p: LoginParams): Promise<Tenant> {
    const unknown = () =>
      new HttpError(400, message('errors.launch.unknownPlatformTitle'), message('errors.launch.unknownPlatform'), 'unknown_platform');
    let tenant: Tenant | undefined;
    if (p.client_id) tenant = await deps.platforms.findByIssuerForLaunch(p.iss, p.client_id);
    else {
      const candidates = await deps.platforms.activeForIssuer(p.iss);
      if (candidates.length === 1) tenant = candidates[0];
    }
    if (!tenant || !tenant.active) throw unknown();
    return tenant;
  }

  function authUrl(tenant: Tenant, row: repo.LoginState): string {
    const u = new URL(tenant.authLoginUrl);
    const q: Record<string, string> = {
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: tenant.clientId,
      redirect_uri: `${deps.config.baseUrl}/lti/launch`,
      login_hint: row.loginHint,
      state: row.state,
      nonce: row.nonce,
    };
    if (row.messageHint) q.lti_message_hint = row.messageHint;
    for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
    return u.toString();
  }

  function storageOf(tenant: Tenant, row: repo.LoginState, target: string): StorageBinding {
    // Platform storage answers only from the platform's OIDC origin (LTI client-side postMessage spec).
    return { target, origin: new URL(tenant.authLoginUrl).origin, key: `lti_state_${row.state}` };
  }

  async function prune(at: Date): Promise<void> {
    if (at.getTime() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = at.getTime();
    await repo.pruneBefore(db, new Date(at.getTime() - KEEP_USED_MS));
  }

  async function startLogin(tenant: Tenant, p: { loginHint: string; messageHint: string | null; targetLinkUri: string; deploymentHint: string | null; storageTarget: string | null }): Promise<LoginResult> {
    const at = now();
    await prune(at);
    const row = await withTenant(tenant.id, () =>
      repo.insertState(db, {
        tenantId: tenant.id,
        state: stateOf(tenant.id),
      nonce: random(),
        ...p,
        createdAt: at,
        expiresAt: new Date(at.getTime() + STATE_TTL_MS),
      }),
    );
    const result: LoginResult = { row, authUrl: authUrl(tenant, row) };
    if (row.storageTarget) result.storage = { ...storageOf(tenant, row, row.storageTarget), value: bindingFor(row.state) };
    return result;
  }

  async function finish(tenant: Tenant, claims: LaunchClaims, rowId: string, deploymentKnown: boolean): Promise<Launched> {
    // The platform is found and the id token verified: the launch's writes are held to its tenant.
    const written = await withTenant(tenant.id, async () => {
      const w = await recordLaunch({ db, platforms: deps.platforms, roster: deps.roster }, tenant, claims, deploymentKnown);
      await linkIdentity(tenant, w.personId, claims);
      return w;
    });
    const contextId = written.context?.id ?? null;
    const school = launchFamily(tenant, claims).schoolKeyOf?.(claims) ?? null;
    const sisIds = courseSisIdsOf(claims);
    if ((school || sisIds.length > 0) && contextId && deps.placeCourse) {
      // The school view counts the course's students at this school; the launch itself goes on without it.
      await deps.placeCourse(tenant.id, contextId, { lms: school, sisIds }).catch((err: unknown) => deps.logger?.warn({ tenantId: tenant.id, error: err instanceof Error ? err.name : 'unknown' }, 'could not place the course in its school'));
    }
    const ltik = await deps.ltiks.issue({ tid: tenant.id, pid: written.personId, cid: contextId, role: written.role, loc: written.locale });
    const deepLinking = claims[K.messageType] === 'LtiDeepLinkingRequest';
    // From an account-level placement (a leader, with no course): the leaders' page.
    const target = deepLinking ? `/lti/deep-link/${rowId}` : isAccountLaunch(claims) ? leaderHome : roleHome[written.role];
    return {
      tenantId: tenant.id,
      personId: written.personId,
      contextId,
      context: written.context,
      ltik,
      redirectTo: inToolUrl(target, ltik),
      landsOnRoster: target === roleHome[written.role] && homeListsRoster.has(written.role),
      school,
    };
  }

  async function deploymentKnown(tenant: Tenant, deploymentId: string): Promise<boolean> {
    const admission = await deps.platforms.admitDeployment(tenant, deploymentId);
    if (admission === 'held') {
      throw refusal(403, 'unknown_deployment', 'deploymentHeld');
    }
    return admission === 'known';
  }

  return {
    /** OIDC login initiation: remember state and nonce server-side, then send the browser to the platform. */
    async login(input: unknown, seen: PlatformSeen = unseen): Promise<LoginResult> {
      const parsed = loginParams.safeParse(input);
      if (!parsed.success) {
        throw badRequest(message('errors.launch.badLogin', { fields: [...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ') }), 'bad_login');
      }
      const p = parsed.data;
      const tenant = await findPlatform(p);
      seen(tenant);
      return startLogin(tenant, {
        loginHint: p.login_hint,
        messageHint: p.lti_message_hint ?? null,
        targetLinkUri: p.target_link_uri,
        deploymentHint: p.lti_deployment_id ?? null,
        storageTarget: p.lti_storage_target ?? null,
      });
    },

    /** The "open in a new window" fallback: the same login again, top-level, where our cookie is first-party. */
    async restart(id: string, seen: PlatformSeen = unseen): Promise<LoginResult> {
      const at = now();
      const row = z.uuid().safeParse(id).success ? await repo.markRestarted(db, id, at, new Date(at.getTime() - STATE_TTL_MS)) : undefined;
      if (!row) throw refusal(401, 'state_expired', 'cannotReopen');
      const tenant = await deps.platforms.findForLaunch(row.tenantId);
      if (!tenant || !tenant.active) throw refusal(403, 'unknown_platform', 'platformGone');
      seen(tenant);
      return startLogin(tenant, { loginHint: row.loginHint, messageHint: row.messageHint, targetLinkUri: row.targetLinkUri, deploymentHint: row.deploymentHint, storageTarget: null });
    },

    /** The authentication response: every check before any write; `hasCookie` says the browser brought our state cookie. */
    async launch(body: unknown, hasCookie: (state: string) => boolean, seen: PlatformSeen = unseen): Promise<LaunchOutcome> {
      const parsed = launchBody.safeParse(body);
      if (!parsed.success) throw refusal(400, 'bad_launch', 'noToken');
      if ('error' in parsed.data) {
        const code = /^[a-z_]{1,50}$/.test(parsed.data.error) ? parsed.data.error : 'error';
        throw refusal(401, 'platform_refused', 'platformRefused', { code });
      }
      const { id_token: token, state } = parsed.data;
      const at = now();
      const stateTenant = tenantOfState(state);
      const row = await (stateTenant ? withTenant(stateTenant, () => repo.findByState(db, state)) : repo.findByState(db, state));
      if (!row) throw refusal(401, 'state_mismatch', 'notOurLogin');
      if (row.usedAt) throw refusal(401, 'nonce_replayed', 'alreadyUsed');
      if (row.expiresAt <= at) throw refusal(401, 'state_expired', 'tookTooLong');
      const tenant = await deps.platforms.findForLaunch(row.tenantId);
      if (!tenant || !tenant.active) throw refusal(403, 'unknown_platform', 'platformGone');
      seen(tenant);

      const claims = await verifyIdToken(
        token,
        { issuer: tenant.issuer, clientId: tenant.clientId, jwksUrl: tenant.jwksUrl, clockSkewSeconds: deps.config.clockSkewSeconds },
        { jwks, clock },
      );
      if (claims.nonce !== row.nonce) {
        const other = await repo.findByNonce(db, claims.nonce);
        throw other?.usedAt
          ? refusal(401, 'nonce_replayed', 'alreadyUsed')
          : refusal(401, 'nonce_mismatch', 'nonceMismatch');
      }
      const deploymentId = claims[K.deploymentId];
      if (row.deploymentHint && row.deploymentHint !== deploymentId) {
        throw refusal(401, 'deployment_mismatch', 'deploymentMismatch');
      }
      const known = await deploymentKnown(tenant, deploymentId);

      const bound = hasCookie(state);
      const deepLinking = claims[K.messageType] === 'LtiDeepLinkingRequest' ? { settings: claims[K.deepLinkingSettings], deploymentId, sub: claims.sub } : null;
      const pending = !bound && row.storageTarget ? (claims as Record<string, unknown>) : null;
      const used = await withTenant(row.tenantId, () => repo.markUsed(db, row.id, at, { pendingClaims: pending, deepLinking, completedAt: bound ? at : null }));
      if (!used) throw refusal(401, 'nonce_replayed', 'alreadyUsed');
      if (bound) return { kind: 'launched', launched: await finish(tenant, claims, row.id, known) };
      if (row.storageTarget) return { kind: 'storage', row: used, storage: storageOf(tenant, row, row.storageTarget) };
      return { kind: 'blocked', row: used };
    },

    /** Platform storage gave the launch page back the state it holds: this browser started the login. */
    async complete(body: unknown, seen: PlatformSeen = unseen): Promise<Launched> {
      const parsed = completeBody.safeParse(body);
      if (!parsed.success) throw refusal(400, 'bad_launch', 'notCompleted');
      const at = now();
      const row = await repo.findById(db, parsed.data.launch);
      const expected = row ? Buffer.from(bindingFor(row.state)) : undefined;
      const given = Buffer.from(parsed.data.binding);
      const matches = expected !== undefined && expected.length === given.length && timingSafeEqual(expected, given);
      const done = row && matches && (await repo.markCompleted(db, row.id, row.state, at, new Date(at.getTime() - STATE_TTL_MS)));
      if (!row || !done || !row.pendingClaims) throw refusal(401, 'state_mismatch', 'notThisBrowser');
      const tenant = await deps.platforms.findForLaunch(row.tenantId);
      if (!tenant || !tenant.active) throw refusal(403, 'unknown_platform', 'platformGone');
      seen(tenant);
      const claims = launchClaims.parse(row.pendingClaims);
      return finish(tenant, claims, row.id, await deploymentKnown(tenant, claims[K.deploymentId]));
    },

    findDeepLinking: async (id: string, tenantId: string) => (z.uuid().safeParse(id).success ? repo.findDeepLinking(db, id, tenantId) : undefined),
    markResponded: (id: string, tenantId: string) => repo.markResponded(db, id, tenantId, now()),
    jwks,
  };
}
export type LaunchService = ReturnType<typeof createLaunchService>;
