/**
 * What differs between the LMSs the simulator imitates (lms-platforms.md): URL shapes, page sizes,
 * error wording and which optional features exist. Everything else is shared LTI 1.3 behaviour.
 */
export type ProfileName = 'canvas' | 'schoology';

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
    clientIdFor: (n) => `${7500000000 + n}`,
    deploymentIdFor: (n) => `${7500000000 + n}-${2000000000 + n}`,
  },
};

export const NRPS_MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';
export const MEDIA = {
  lineItem: 'application/vnd.ims.lis.v2.lineitem+json',
  lineItemContainer: 'application/vnd.ims.lis.v2.lineitemcontainer+json',
  resultContainer: 'application/vnd.ims.lis.v2.resultcontainer+json',
  score: 'application/vnd.ims.lis.v1.score+json',
} as const;
