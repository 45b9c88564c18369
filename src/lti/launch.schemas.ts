import { z } from 'zod';
import { cleaned } from '../web/text.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
export const claimKeys = {
  messageType: `${LTI}message_type`,
  version: `${LTI}version`,
  deploymentId: `${LTI}deployment_id`,
  targetLinkUri: `${LTI}target_link_uri`,
  resourceLink: `${LTI}resource_link`,
  roles: `${LTI}roles`,
  context: `${LTI}context`,
  toolPlatform: `${LTI}tool_platform`,
  roleScopeMentor: `${LTI}role_scope_mentor`,
  lis: `${LTI}lis`,
  launchPresentation: `${LTI}launch_presentation`,
  custom: `${LTI}custom`,
  nrps: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
  ags: 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint',
  deepLinkingSettings: `${DL}deep_linking_settings`,
  contentItems: `${DL}content_items`,
  data: `${DL}data`,
} as const;

const text = z.string().trim().min(1).max(2048);

/** OIDC login initiation (GET query or POST form), Core §5.1.1 plus Canvas's extras. */
export const loginParams = z.object({
  iss: z.url().max(2048),
  login_hint: text,
  target_link_uri: z.url().max(2048),
  client_id: text.optional(),
  lti_message_hint: z.string().max(8192).optional(),
  lti_deployment_id: text.optional(),
  lti_storage_target: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'lti_storage_target must be a frame name')
    .optional(),
});
export type LoginParams = z.infer<typeof loginParams>;

/** The authorization response, form-posted by the platform (an error instead of a token when prompt=none fails). */
export const launchBody = z.union([
  z.object({ id_token: z.string().min(1).max(65_536), state: text }),
  z.object({ error: z.string().max(200), error_description: z.string().max(2000).optional(), state: z.string().max(2048).optional() }),
]);

export const completeBody = z.object({ launch: z.uuid(), binding: text });

const person = {
  sub: text,
  name: z.string().max(500).optional(),
  given_name: z.string().max(500).optional(),
  family_name: z.string().max(500).optional(),
  email: z.string().max(500).optional(),
};

const common = z.looseObject({
  ...person,
  nonce: text,
  [claimKeys.version]: z.literal('1.3.0'),
  [claimKeys.deploymentId]: text,
  [claimKeys.targetLinkUri]: z.url(),
  // Required by the spec; may be empty (then the person gets least privilege).
  [claimKeys.roles]: z.array(z.string().max(500)).max(200),
  [claimKeys.context]: z.looseObject({ id: text, label: z.string().max(500).optional(), title: z.string().max(1000).optional() }).optional(),
  [claimKeys.toolPlatform]: z.looseObject({ product_family_code: z.string().max(100).optional() }).optional(),
  [claimKeys.roleScopeMentor]: z.array(text).max(500).optional(),
  [claimKeys.lis]: z
    .looseObject({
      person_sourcedid: z.string().max(500).optional(),
      // The course's SIS ids (the schools feature places the course by them); an odd one is no reason to refuse the launch.
      course_section_sourcedid: z.string().max(500).optional().catch(undefined),
      course_offering_sourcedid: z.string().max(500).optional().catch(undefined),
    })
    .optional(),
  // The language the LMS shows the person (es-MX); a value no LMS should send is no reason to refuse the launch.
  [claimKeys.launchPresentation]: z.looseObject({ return_url: z.url().max(2048).optional(), locale: z.string().max(100).optional().catch(undefined) }).optional(),
  // Custom parameters are strings by the spec; some LMSs send numbers or booleans, so keep any value and read what we use.
  [claimKeys.custom]: z.record(z.string(), z.unknown()).optional(),
  [claimKeys.nrps]: z.looseObject({ context_memberships_url: z.url() }).optional(),
  [claimKeys.ags]: z.looseObject({ scope: z.array(z.string()).default([]), lineitems: z.url().optional() }).optional(),
});

export const resourceLinkClaims = common.extend({
  [claimKeys.messageType]: z.literal('LtiResourceLinkRequest'),
  [claimKeys.resourceLink]: z.looseObject({ id: text, title: z.string().max(1000).optional() }),
});

export const deepLinkingSettings = z.looseObject({
  deep_link_return_url: z.url(),
  accept_types: z.array(z.string()).min(1),
  accept_presentation_document_targets: z.array(z.string()).min(1),
  accept_multiple: z.boolean().optional(),
  data: z.string().max(8192).optional(),
});
export type DeepLinkingSettings = z.infer<typeof deepLinkingSettings>;

export const deepLinkingClaims = common.extend({
  [claimKeys.messageType]: z.literal('LtiDeepLinkingRequest'),
  [claimKeys.deepLinkingSettings]: deepLinkingSettings,
});

// Names, e-mails and titles from the LMS are stored: every string is made storable before it is read.
export const launchClaims = cleaned(z.discriminatedUnion(claimKeys.messageType, [resourceLinkClaims, deepLinkingClaims]));
export type LaunchClaims = z.infer<typeof launchClaims>;

/** The custom parameter a placement (or a deep-linked link) sets to say what its course is. */
export const advisoryParameter = 'advisory';

/**
 * `advisory=true|false` on the placement: 'advisory' or 'subject'. Anything else (absent, empty, an
 * unsubstituted `$Canvas...` variable) decides nothing, so the admin's or the instructor's choice stands.
 */
export function placementKind(claims: LaunchClaims): 'advisory' | 'subject' | null {
  const value = claims[claimKeys.custom]?.[advisoryParameter];
  const text = typeof value === 'boolean' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (['true', 'yes', '1', 'advisory'].includes(text)) return 'advisory';
  if (['false', 'no', '0', 'subject'].includes(text)) return 'subject';
  return null;
}

/**
 * The course's SIS ids as LTI's lis claim names them, best first: the section's (a OneRoster class is
 * a section) rank 0, the offering's rank 1. The same id twice is kept once, at its better rank.
 */
export function courseSisIdsOf(claims: LaunchClaims): { sisId: string; rank: number }[] {
  const lis = claims[claimKeys.lis];
  const ids = [lis?.course_section_sourcedid, lis?.course_offering_sourcedid].map((v) => v?.trim() ?? '');
  return ids.flatMap((sisId, rank) => (sisId !== '' && ids.indexOf(sisId) === rank ? [{ sisId, rank }] : []));
}
