import type { Config } from '../web/config.js';
import type { Logger } from '../web/logger.js';
import { HttpError, badRequest, message } from '../web/errors.js';
import type { PlatformsService, Tenant } from '../platforms/platforms.service.js';
import { familyFor, toolUrls, type ToolIdentity } from './families/index.js';
import {
  platformConfiguration,
  productFamilyCode,
  registrationResponse,
  type PlatformConfiguration,
} from './registration.schemas.js';
import { createOutboundClient, OutboundError, publicAddressesOf, type OutboundAnswer, type OutboundClient, type OutboundOptions, type Resolve } from './outbound.js';

export function toolIdentity(config: Pick<Config, 'baseUrl'>): ToolIdentity {
  return {
    name: 'Success Plans',
    description: 'Student success plans: advisors see their caseload, students write their plans and goals, families follow along.',
    urls: toolUrls(config.baseUrl),
  };
}

/** The LMS side of a registration failed. */
export class RegistrationError extends HttpError {
  constructor(
    /** Why, for the log: what the LMS answered (or did not) is never shown, so the page reveals nothing about the address. */
    readonly reason: string,
    /** The LMS's HTTP status, when it answered: for the log. */
    readonly upstreamStatus?: number,
  ) {
    super(
      502,
      message('install.registered.failedTitle'),
      message('install.registered.failed'),
      'registration_failed',
    );
  }
}

/** LTI-DR 1.0 section 3.5.1: the issuer must be on the host that served the configuration. */
const sameHost = (config: PlatformConfiguration, configUrl: string) => new URL(config.issuer).host === new URL(configUrl).host;

/**
 * The endpoints the tool will call later (the key set on every launch, the token endpoint): in
 * production they must be https on public addresses too, or registering would let anyone point
 * those calls at the tool's own network.
 */
export async function checkEndpoints(platform: PlatformConfiguration, resolve?: Resolve): Promise<void> {
  const endpoints = [platform.authorization_endpoint, platform.token_endpoint, platform.jwks_uri, platform.registration_endpoint].map((u) => new URL(u));
  if (endpoints.some((u) => u.protocol !== 'https:')) throw new RegistrationError('config_not_https');
  for (const host of new Set(endpoints.map((u) => u.hostname))) {
    await publicAddressesOf(host, resolve).catch((err: unknown) => {
      throw err instanceof OutboundError ? new RegistrationError(`config_endpoint_${err.reason}`) : err;
    });
  }
}

/** The JSON of a 2xx answer; anything else is a RegistrationError naming the step and why (for the log). */
async function fetchJson(client: OutboundClient, url: string, init: Parameters<OutboundClient['json']>[1], step: string): Promise<unknown> {
  let answer: OutboundAnswer;
  try {
    answer = await client.json(url, init);
  } catch (err) {
    if (err instanceof OutboundError) throw new RegistrationError(`${step}_${err.reason}`);
    throw err;
  }
  if (answer.status < 200 || answer.status > 299) throw new RegistrationError(`${step}_refused`, answer.status);
  return answer.body;
}

export interface RegistrationDeps {
  config: Config;
  platforms: PlatformsService;
  logger: Logger;
  /** Timeout, size cap and resolver of the registration's fetches (tests shorten them). */
  outbound?: Omit<OutboundOptions, 'policy'>;
}

/** LTI Dynamic Registration (1EdTech LTI-DR 1.0), shaped per LMS family. */
export function createRegistrationService(deps: RegistrationDeps) {
  const tool = toolIdentity(deps.config);
  // Anyone can open /lti/register: in production it reaches only public https addresses (src/lti/outbound.ts).
  const outbound = createOutboundClient({ policy: deps.config.outboundPolicy, ...deps.outbound });
  const strict = deps.config.outboundPolicy === 'public-https';
  return {
    tool,
    /** Registers the LMS whose configuration is at configUrl. Every failure is one RegistrationError, logged with its reason on `log`. */
    async register(configUrl: string, token: string | undefined, log: Logger = deps.logger): Promise<Tenant> {
      if (strict && new URL(configUrl).protocol !== 'https:') {
        throw badRequest(message('install.registered.notHttps'), 'registration_not_https');
      }
      try {
        return await registerAt(configUrl, token);
      } catch (err) {
        if (err instanceof RegistrationError) log.warn({ reason: err.reason, upstreamStatus: err.upstreamStatus }, 'dynamic registration failed');
        throw err;
      }
    },
  };

  async function registerAt(configUrl: string, token: string | undefined): Promise<Tenant> {
    const bearer: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const parsed = platformConfiguration.safeParse(await fetchJson(outbound, configUrl, { headers: { accept: 'application/json', ...bearer } }, 'config'));
    if (!parsed.success) throw new RegistrationError('config_malformed');
    const platform = parsed.data;
    if (!sameHost(platform, configUrl)) throw new RegistrationError('config_issuer_mismatch');
    if (strict) await checkEndpoints(platform, deps.outbound?.resolve);

    const family = familyFor(productFamilyCode(platform));
    const request = family.registrationRequest(tool, platform);
    const answer = await fetchJson(
      outbound,
      platform.registration_endpoint,
      { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...bearer }, body: JSON.stringify(request) },
      'registration',
    );
    const registered = registrationResponse.safeParse(answer);
    if (!registered.success) throw new RegistrationError('registration_response_malformed');
    const r = registered.data;
    const deploymentId = r['https://purl.imsglobal.org/spec/lti-tool-configuration']?.deployment_id;
    const tenant = await deps.platforms.addDynamic({
      name: `${family.label} (${new URL(configUrl).host})`,
      issuer: platform.issuer,
      clientId: r.client_id,
      authLoginUrl: platform.authorization_endpoint,
      accessTokenUrl: platform.token_endpoint,
      authorizationServer: platform.authorization_server,
      jwksUrl: platform.jwks_uri,
      family: family.code,
      deploymentIds: deploymentId ? [deploymentId] : [],
      // The platform may grant less than asked; service calls never ask for more than it granted.
      grantedScopes: (r.scope ?? request.scope).split(' ').filter(Boolean),
    });
    deps.logger.info({ tenantId: tenant.id, family: family.code, deployment: Boolean(deploymentId) }, 'platform registered dynamically');
    return tenant;
  }
}
export type RegistrationService = ReturnType<typeof createRegistrationService>;
