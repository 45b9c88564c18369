import type { Config } from '../web/config.js';
import type { Logger } from '../web/logger.js';
import { HttpError, badRequest } from '../web/errors.js';
import type { PlatformsService, Tenant } from '../platforms/platforms.service.js';
import { familyFor, toolUrls, type ToolIdentity } from './families/index.js';
import { cleanDeep } from '../web/text.js';
import {
  platformConfiguration,
  productFamilyCode,
  registrationResponse,
  type PlatformConfiguration,
} from './registration.schemas.js';

const FETCH_TIMEOUT_MS = 10_000;

export function toolIdentity(config: Pick<Config, 'baseUrl'>): ToolIdentity {
  return {
    name: 'Success Plans',
    description: 'Student success plans: advisors see their caseload, students write their plans and goals, families follow along.',
    urls: toolUrls(config.baseUrl),
  };
}

/** The LMS side of a registration failed; the admin sees what went wrong (never the token). */
export class RegistrationError extends HttpError {
  constructor(title: string, detail: string, code: string) {
    super(502, title, detail, code);
  }
}

/** Where a URL points, without its query: Canvas puts the registration token in the configuration URL. */
const shown = (u: string) => {
  const url = new URL(u);
  return `${url.origin}${url.pathname}`;
};

async function fetchJson(url: string, init: RequestInit, what: string): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch {
    throw new RegistrationError('Could not reach your LMS', `The tool could not reach ${what} at ${shown(url)}. Check that the LMS is reachable from the tool's server and try the registration again.`, 'registration_unreachable');
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? cleanDeep(JSON.parse(text)) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}

/** An error message the LMS gave, shortened: it helps the admin, and it holds no secrets of ours. */
function platformMessage(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  const parts = [b.error, b.error_description, b.message, b.errors].filter((v) => v !== undefined).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const msg = parts.join(': ').slice(0, 300);
  return msg ? ` The LMS said: ${msg}` : '';
}

/** LTI-DR 1.0 section 3.5.1: the issuer must be on the host that served the configuration. */
function checkIssuer(config: PlatformConfiguration, configUrl: string): void {
  if (new URL(config.issuer).host !== new URL(configUrl).host) {
    throw new RegistrationError(
      'The LMS configuration is not valid',
      `The configuration at ${shown(configUrl)} names the issuer ${config.issuer}, which is not on the same host. The registration was stopped for safety.`,
      'registration_issuer_mismatch',
    );
  }
}

export interface RegistrationDeps {
  config: Config;
  platforms: PlatformsService;
  logger: Logger;
}

/** LTI Dynamic Registration (1EdTech LTI-DR 1.0), shaped per LMS family. */
export function createRegistrationService(deps: RegistrationDeps) {
  const tool = toolIdentity(deps.config);
  return {
    tool,
    async register(configUrl: string, token: string | undefined): Promise<Tenant> {
      // Anyone can open this URL; in production the tool only talks to LMSs over TLS.
      if (deps.config.env === 'production' && new URL(configUrl).protocol !== 'https:') {
        throw badRequest('The LMS configuration address must use https.', 'registration_not_https');
      }
      const bearer: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const got = await fetchJson(configUrl, { headers: { accept: 'application/json', ...bearer } }, "the LMS's configuration");
      if (got.status < 200 || got.status > 299) {
        throw new RegistrationError('Your LMS refused to share its configuration', `${shown(configUrl)} answered with status ${got.status}.${platformMessage(got.body)} The registration link may have expired: start the registration again from the LMS.`, 'registration_config_refused');
      }
      const parsed = platformConfiguration.safeParse(got.body);
      if (!parsed.success) {
        const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || 'the document'))].join(', ');
        throw new RegistrationError('The LMS configuration is not valid', `The configuration at ${shown(configUrl)} is missing or has unusable values for: ${fields}.`, 'registration_config_malformed');
      }
      const platform = parsed.data;
      checkIssuer(platform, configUrl);
      if (deps.config.env === 'production') {
        const plain = [platform.authorization_endpoint, platform.token_endpoint, platform.jwks_uri, platform.registration_endpoint].filter((u) => !u.startsWith('https:'));
        if (plain.length) throw new RegistrationError('The LMS configuration is not valid', `These endpoints do not use https: ${plain.map(shown).join(', ')}.`, 'registration_not_https');
      }

      const family = familyFor(productFamilyCode(platform));
      const request = family.registrationRequest(tool, platform);
      const answer = await fetchJson(
        platform.registration_endpoint,
        { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', ...bearer }, body: JSON.stringify(request) },
        "the LMS's registration endpoint",
      );
      if (answer.status < 200 || answer.status > 299) {
        throw new RegistrationError('Your LMS refused the registration', `${shown(platform.registration_endpoint)} answered with status ${answer.status}.${platformMessage(answer.body)}`, 'registration_refused');
      }
      const registered = registrationResponse.safeParse(answer.body);
      if (!registered.success) {
        throw new RegistrationError('The LMS answered the registration oddly', `${shown(platform.registration_endpoint)} accepted the registration but sent no client id. Nothing was saved; check the LMS's list of tools.`, 'registration_response_malformed');
      }
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
    },
  };
}
export type RegistrationService = ReturnType<typeof createRegistrationService>;
