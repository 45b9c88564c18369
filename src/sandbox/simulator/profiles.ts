/**
 * What differs between the LMSs the simulator imitates (lms-platforms.md): URL shapes, page sizes,
 * error wording and which optional features exist. Everything else is shared LTI 1.3 behaviour.
 */
export type ProfileName = 'canvas' | 'schoology' | 'moodle';

export const SCOPES = {
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  resultReadonly: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
} as const;

export const AGS_SCOPES: readonly string[] = [SCOPES.lineItem, SCOPES.lineItemReadonly, SCOPES.resultReadonly, SCOPES.score];
export const ALL_SERVICE_SCOPES: readonly string[] = [...AGS_SCOPES, SCOPES.nrps];

export interface Profile {
  name: ProfileName;
  productFamilyCode: string;
  platformName: string;
  paths: {
    authorize: string;
    token: string;
    jwks: string;
    /** null: the LMS has no dynamic registration. */
    openidConfiguration: string | null;
    registration: string | null;
    nrps: (toolId: string, courseId: string) => string;
    lineItems: (toolId: string, courseId: string) => string;
    /** After `lineItems/{id}` in a line item's URL (Moodle: `/lineitem`). */
    lineItemSuffix: string;
    /** Query every AGS URL carries (Moodle: `?type_id=` of the tool); '' for none. */
    agsQuery: (toolId: string) => string;
    deepLinkReturn: (courseId: string) => string;
  };
  nrpsPageSize: { default: number; max: number };
  agsPageSize: { default: number; max: number };
  /** Canvas sends lti_storage_target and offers the post_message_forwarding frame. */
  platformStorage: boolean;
  /** Schoology refuses NRPS calls without the NRPS media type in Accept, with this text. */
  nrpsAcceptError: string | null;
  /** Canvas refuses service calls without a User-Agent (since Jan 2026). */
  requiresUserAgent: boolean;
  /** Canvas: a scope not on the key is refused; Schoology-shaped: granted scopes are intersected. */
  refuseUngrantedScopes: boolean;
  /** Canvas validates scores strictly (422/400 rules of lms-platforms.md section 5). */
  strictScores: boolean;
  /** Schoology refuses a line item body carrying `id`. */
  refuseLineItemId: boolean;
  /** Moodle writes Link relations with typographic quotes: rel=“next”. */
  curlyLinkQuotes: boolean;
  /** Moodle 4.4: the results endpoint answers 500 when `limit` is sent and the line item has results. */
  resultsLimitFails: boolean;
  clientIdFor: (n: number) => string;
  deploymentIdFor: (n: number) => string;
}

export const profiles: Record<ProfileName, Profile> = {
  canvas: {
    name: 'canvas',
    productFamilyCode: 'canvas',
    platformName: 'Canvas LMS (simulated)',
    paths: {
      authorize: '/api/lti/authorize_redirect',
      token: '/login/oauth2/token',
      jwks: '/api/lti/security/jwks',
      openidConfiguration: '/api/lti/security/openid-configuration',
      registration: '/api/lti/registrations',
      nrps: (_tool, course) => `/api/lti/courses/${encodeURIComponent(course)}/names_and_roles`,
      lineItems: (_tool, course) => `/api/lti/courses/${encodeURIComponent(course)}/line_items`,
      lineItemSuffix: '',
      agsQuery: () => '',
      deepLinkReturn: (course) => `/courses/${encodeURIComponent(course)}/deep_linking_response`,
    },
    nrpsPageSize: { default: 50, max: 50 },
    agsPageSize: { default: 10, max: 50 },
    platformStorage: true,
    nrpsAcceptError: null,
    requiresUserAgent: true,
    refuseUngrantedScopes: true,
    strictScores: true,
    refuseLineItemId: false,
    curlyLinkQuotes: false,
    resultsLimitFails: false,
    clientIdFor: (n) => String(10000000000000 + n),
    deploymentIdFor: (n) => `${n}:${(0x8865aa00 + n).toString(16)}f0e1d2c3b4a5968778695a4b3c2d1e0f`,
  },
  schoology: {
    name: 'schoology',
    productFamilyCode: 'schoology',
    platformName: 'Schoology (simulated)',
    paths: {
      authorize: '/lti-service/authorize-redirect',
      token: '/lti-service/access-token',
      jwks: '/lti-service/.well-known/jwks',
      openidConfiguration: null,
      registration: null,
      nrps: (tool, course) => `/lti-service/tool/${encodeURIComponent(tool)}/services/names-roles/v2p0/membership/${encodeURIComponent(course)}`,
      lineItems: (tool, course) => `/lti-service/tool/${encodeURIComponent(tool)}/services/assignment-grade/v2p0/sections/${encodeURIComponent(course)}/lineitems`,
      lineItemSuffix: '',
      agsQuery: () => '',
      deepLinkReturn: (course) => `/lti-service/deep-linking-response/${encodeURIComponent(course)}`,
    },
    nrpsPageSize: { default: 100, max: 100 },
    agsPageSize: { default: 100, max: 100 },
    platformStorage: false,
    nrpsAcceptError: 'handleNamesRoles: Invalid Accept Header',
    requiresUserAgent: false,
    refuseUngrantedScopes: false,
    strictScores: false,
    refuseLineItemId: true,
    curlyLinkQuotes: false,
    resultsLimitFails: false,
    clientIdFor: (n) => `${7500000000 + n}`,
    deploymentIdFor: (n) => `${7500000000 + n}-${2000000000 + n}`,
  },
  /** Moodle 4.4 (mod/lti): services.php URLs with the tool's type_id, spec-shaped otherwise. */
  moodle: {
    name: 'moodle',
    productFamilyCode: 'moodle',
    platformName: 'Moodle (simulated)',
    paths: {
      authorize: '/mod/lti/auth.php',
      token: '/mod/lti/token.php',
      jwks: '/mod/lti/certs.php',
      openidConfiguration: '/mod/lti/openid-configuration.php',
      registration: '/mod/lti/openid-registration.php',
      nrps: (tool, course) => `/mod/lti/services.php/CourseSection/${encodeURIComponent(course)}/bindings/${encodeURIComponent(tool)}/memberships`,
      lineItems: (_tool, course) => `/mod/lti/services.php/${encodeURIComponent(course)}/lineitems`,
      lineItemSuffix: '/lineitem',
      agsQuery: (tool) => `?type_id=${encodeURIComponent(tool)}`,
      // Moodle takes the course as ?course=; a path segment here keeps one route shape for every profile.
      deepLinkReturn: (course) => `/mod/lti/contentitem_return.php/${encodeURIComponent(course)}`,
    },
    // Moodle pages only when asked: any limit is honoured.
    nrpsPageSize: { default: 1000, max: 1000 },
    agsPageSize: { default: 1000, max: 1000 },
    platformStorage: false,
    nrpsAcceptError: null,
    requiresUserAgent: false,
    refuseUngrantedScopes: false,
    strictScores: false,
    refuseLineItemId: false,
    curlyLinkQuotes: true,
    resultsLimitFails: true,
    clientIdFor: (n) => `Mdl${String(n).padStart(12, '0')}`,
    deploymentIdFor: (n) => String(n),
  },
};

export const NRPS_MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';
export const MEDIA = {
  lineItem: 'application/vnd.ims.lis.v2.lineitem+json',
  lineItemContainer: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
  resultContainer: 'application/vnd.ims.lis.v2.resultcontainer+json',
  score: 'application/vnd.ims.lis.v1.score+json',
} as const;

/** Moodle's typographic quotes go out as their UTF-8 bytes, as PHP's header() sends them. */
export function linkHeaderValue(profile: Profile, links: string[]): string {
  const value = links.join(', ');
  return profile.curlyLinkQuotes ? Buffer.from(value.replace(/rel="([^"]*)"/g, 'rel=\u201C$1\u201D'), 'utf8').toString('latin1') : value;
}
