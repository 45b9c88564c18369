import type { PlatformConfiguration } from '../registration.schemas.js';
import { scopes } from '../services/scopes.js';
import type { AgsPaging } from '../services/ags.js';
import { claimKeys, type LaunchClaims } from '../launch.schemas.js';

export type FamilyCode = 'canvas' | 'schoology' | 'moodle' | 'generic';
export const familyCodes = ['canvas', 'schoology', 'moodle', 'generic'] as const satisfies readonly FamilyCode[];

/** The query parameter of a placement's target_link_uri that names the placement, and its account-level value. */
export const PLACEMENT_PARAM = 'placement';
export const ACCOUNT_PLACEMENT = 'account';

/**
 * Whether the launch came from an account-level placement (Canvas's account navigation): its
 * target_link_uri carries the marker the registration put there (the LMS sends it back unchanged).
 */
export function isAccountLaunch(claims: LaunchClaims): boolean {
  return new URL(claims[claimKeys.targetLinkUri]).searchParams.get(PLACEMENT_PARAM) === ACCOUNT_PLACEMENT;
}

/** The tool's fixed LTI URLs (shown on `/` and sent to platforms), derived from BASE_URL. */
export interface ToolUrls {
  login: string;
  launch: string;
  /** The launch URL marked as an account-level placement's (ACCOUNT_PLACEMENT): it lands on the leaders' page. */
  accountLaunch: string;
  keys: string;
  register: string;
  canvasJson: string;
  domain: string;
}

export function toolUrls(baseUrl: string): ToolUrls {
  // Relative to the base as a directory, so a BASE_URL with a path (https://host/tools/plans) keeps it.
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const at = (path: string) => new URL(path, base).href;
  const accountLaunch = new URL('lti/launch', base);
  accountLaunch.searchParams.set(PLACEMENT_PARAM, ACCOUNT_PLACEMENT);
  return {
    login: at('lti/login'),
    launch: at('lti/launch'),
    accountLaunch: accountLaunch.href,
    keys: at('lti/keys'),
    register: at('lti/register'),
    canvasJson: at('lti/canvas.json'),
    domain: base.host,
  };
}

/** A tool URL (or a fixed text: a custom parameter) to paste, under the label the LMS gives its field (an i18n key). */
export type InstallPaste = { label: string; url: keyof ToolUrls } | { label: string; text: string };

/** One thing to do in the LMS (an i18n key), with the tool URLs it has the admin paste. */
export interface InstallStep {
  text: string;
  paste?: readonly InstallPaste[];
}

/**
 * How an admin adds the tool in this LMS, as i18n keys (config/locales/en/install.json): shown on `/`,
 * on the admin's platforms page for their own LMS, and after dynamic registration.
 */
export interface InstallGuide {
  /** The guide's heading. */
  title: string;
  /** In order, in the LMS's own words and menus. */
  steps: readonly InstallStep[];
  /** What is left to do in the LMS once its dynamic registration has finished. */
  afterRegistration: string;
}

/** A guide as a page shows it: its keys, and each URL to paste resolved for this server. */
export function installGuideView(guide: InstallGuide, urls: ToolUrls) {
  return {
    title: guide.title,
    steps: guide.steps.map((s) => ({ text: s.text, paste: (s.paste ?? []).map((p) => ({ label: p.label, value: 'url' in p ? urls[p.url] : p.text })) })),
  };
}

/** Every i18n key a guide names (a unit test checks each has a text). */
export const installKeysOf = (guide: InstallGuide): string[] => [
  guide.title,
  guide.afterRegistration,
  ...guide.steps.flatMap((s) => [s.text, ...(s.paste ?? []).map((p) => p.label)]),
];

export interface ToolIdentity {
  name: string;
  description: string;
  urls: ToolUrls;
}

/** The 1EdTech LTI-DR client registration the tool POSTs to the platform's registration_endpoint. */
export interface RegistrationRequest {
  application_type: 'web';
  grant_types: string[];
  response_types: string[];
  initiate_login_uri: string;
  redirect_uris: string[];
  client_name: string;
  jwks_uri: string;
  token_endpoint_auth_method: 'private_key_jwt';
  scope: string;
  'https://purl.imsglobal.org/spec/lti-tool-configuration': Record<string, unknown>;
}

/** What differs between LMSs, chosen once per tenant from its family code (never `if (canvas)` elsewhere). */
export interface LmsFamily {
  code: FamilyCode;
  label: string;
  supportsDynamicRegistration: boolean;
  /** The registration this LMS accepts, for the platform configuration it published. */
  registrationRequest(tool: ToolIdentity, platform: PlatformConfiguration): RegistrationRequest;
  /** NRPS `limit`: the most members the LMS returns per page. */
  nrpsPageSize: number;
  /** AGS `limit` for line item and result lists. */
  agsPageSize: number;
  /** Whether the results endpoint may be sent `limit` (Moodle 4.4's answers 500 to it once results exist). */
  agsLimitResults: boolean;
  /**
   * The time zone the launch says the school is in (unchecked: the caller validates). Absent for an LMS
   * that sends none: the school's admin sets it.
   */
  timeZoneFrom?(claims: LaunchClaims): string | undefined;
  /**
   * Stable ids of the launching person that the LMS sends beyond LTI's own (custom variables): the
   * data connectors match outside rows on them (src/identities). Absent for an LMS that sends none.
   */
  identitiesFrom?(claims: LaunchClaims): LaunchIdentities;
  /**
   * The school (an LMS account or building) the launch came from, as the LMS names it: the key a school
   * of the tenant keeps (schools' lms_key) and its name. Absent, or null, when the LMS does not say.
   */
  schoolKeyOf?(claims: LaunchClaims): LaunchSchool | null;
  /**
   * Custom parameters a deep-linked link carries itself, for an LMS that sends the registration's own
   * only on its placements' launches (Schoology). Absent when the registration's reach every launch.
   */
  linkCustom?: Readonly<Record<string, string>>;
  /** How an admin adds the tool in this LMS. */
  install: InstallGuide;
}

/** The person's ids in the LMS's own API and in the SIS, as the launch carried them (unchecked strings). */
export interface LaunchIdentities {
  lmsUserId?: string;
  sisId?: string;
}

/** The LMS's own id and name of the school (account, building) a launch came from (unchecked strings). */
export interface LaunchSchool {
  lmsKey: string;
  name: string;
}

/** The family's AGS paging, as the AGS client takes it. */
export const agsPaging = (f: LmsFamily): AgsPaging => ({ pageSize: f.agsPageSize, limitResults: f.agsLimitResults });

/** Every service the tool uses: rosters (NRPS), its own line items and scores, results of visible line items (AGS). */
export const wantedScopes: readonly string[] = [scopes.lineItem, scopes.lineItemReadonly, scopes.resultReadonly, scopes.score, scopes.nrps];

/**
 * What the tool asks to see of each person: names and emails, to show rosters that advisors recognise and
 * to tell apart students who share a name. No picture. (SIS ids come in the lis claim and, in Canvas,
 * custom variables: the data connectors match students on them.)
 */
export const wantedClaims: readonly string[] = ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'];

/** Only scopes the platform says it supports, when it says (Canvas refuses the whole registration otherwise). */
export function requestableScopes(platform: PlatformConfiguration): string[] {
  const supported = platform.scopes_supported;
  return supported ? wantedScopes.filter((s) => supported.includes(s)) : [...wantedScopes];
}

/**
 * The spec-shaped registration (LTI-DR 1.0 section 3.3): what Moodle and other 1EdTech-certified LMSs expect.
 * No registration sets the `advisory` custom parameter: a registration's messages apply to every course,
 * so it cannot tell an advisory from Algebra I. The parameter comes from the deep-linked link (the
 * picker's advisory / subject-course choice) or from an LMS admin adding it to one course's placement.
 */
export function standardRegistration(tool: ToolIdentity, platform: PlatformConfiguration, toolConfiguration: Record<string, unknown> = {}): RegistrationRequest {
  const { urls } = tool;
  return {
    application_type: 'web',
    grant_types: ['client_credentials', 'implicit'],
    response_types: ['id_token'],
    initiate_login_uri: urls.login,
    redirect_uris: [urls.launch],
    client_name: tool.name,
    jwks_uri: urls.keys,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: requestableScopes(platform).join(' '),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: urls.domain,
      description: tool.description,
      target_link_uri: urls.launch,
      claims: [...wantedClaims],
      messages: [
        { type: 'LtiResourceLinkRequest', label: tool.name, target_link_uri: urls.launch },
        { type: 'LtiDeepLinkingRequest', label: tool.name, target_link_uri: urls.launch },
      ],
      ...toolConfiguration,
    },
  };
}
