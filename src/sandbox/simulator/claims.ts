import { randomUUID } from 'node:crypto';
import { AGS_SCOPES, SCOPES } from './profiles.js';
import type { PendingLaunch, SimCourse, SimState, SimTool, SimUser } from './state.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const AGS = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';
const NRPS = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings';
export const ROLE = {
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  mentor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor',
  teachingAssistant: 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
  institutionAdmin: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
  institutionStudent: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student',
  institutionFaculty: 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty',
  sysAdmin: 'http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin',
  systemUser: 'http://purl.imsglobal.org/vocab/lis/v2/system/person#User',
} as const;

/** Personal claims gated by the tool's privacy level, as Canvas does (lms-platforms.md section 1). */
export function personClaims(tool: SimTool, user: { name: string; givenName?: string; familyName?: string; email?: string; sourcedId?: string }) {
  const p = tool.privacyLevel;
  const named = p === 'public' || p === 'name_only';
  const mailed = p === 'public' || p === 'email_only';
  return {
    name: named ? user.name : undefined,
    given_name: named ? user.givenName : undefined,
    family_name: named ? user.familyName : undefined,
    email: mailed ? user.email : undefined,
    sourcedId: named ? user.sourcedId : undefined,
  };
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The id_token payload for a launch, shaped per profile. */
/**
 * The registration's custom parameters with the variables this simulator knows filled in. Canvas sends a
 * variable it cannot fill (a user without the setting) as the literal `$Name`, so unknown ones stay as they are.
 */
function substituted(custom: Record<string, string> | undefined, user: SimUser, course: SimCourse | undefined): Record<string, string> {
  const known: Record<string, string | undefined> = {
    '$Person.address.timezone': user.timeZone,
    '$Canvas.user.id': user.lmsUserId,
    '$Canvas.user.sisSourceId': user.sourcedId,
    '$com.schoology.Context.Building.id': course?.buildingId,
  };
  return Object.fromEntries(Object.entries(custom ?? {}).map(([k, v]) => [k, known[v] ?? v]));
}

export function launchClaims(state: SimState, tool: SimTool, launch: PendingLaunch, nonce: string): Record<string, unknown> {
  const { profile } = state;
  const user = state.users.get(launch.userSub);
  if (!user) throw new Error(`unknown user ${launch.userSub}`);
  const course = launch.courseId ? state.courses.get(launch.courseId) : undefined;
  const enrollment = course ? state.enrollment(course.id, user.sub) : undefined;
  const roles = [...new Set([...(enrollment?.roles ?? []), ...user.roles, ...(profile.name === 'canvas' ? [ROLE.systemUser] : [])])];
  const iat = state.nowSeconds();
  const person = personClaims(tool, user);
  const isDeepLinking = launch.messageType === 'LtiDeepLinkingRequest';
  const claims: Record<string, unknown> = {
    iss: state.issuer,
    aud: tool.clientId,
    azp: tool.clientId,
    sub: user.sub,
    iat,
    exp: iat + 3600,
    nonce,
    name: person.name,
    given_name: person.given_name,
    family_name: person.family_name,
    email: person.email,
    locale: launch.locale,
    [`${LTI}message_type`]: launch.messageType,
    [`${LTI}version`]: '1.3.0',
    [`${LTI}deployment_id`]: launch.deploymentId,
    [`${LTI}target_link_uri`]: launch.targetLinkUri,
    [`${LTI}roles`]: roles,
    [`${LTI}tool_platform`]: {
      guid: `${state.issuer}#platform`,
      name: profile.platformName,
      product_family_code: profile.productFamilyCode,
      version: profile.name === 'canvas' ? 'cloud' : '1.0',
    },
    [`${LTI}launch_presentation`]: { document_target: 'iframe', return_url: state.url(course ? `/courses/${encodeURIComponent(course.id)}` : '/'), locale: launch.locale },
    [`${LTI}custom`]: { ...substituted(tool.customParameters, user, course), ...(course ? { ...course.custom, course_id: course.id } : {}) },
  };
  const lis = withoutUndefined({ person_sourcedid: person.sourcedId, course_offering_sourcedid: person.sourcedId ? course?.id : undefined, course_section_sourcedid: course?.sisId });
  if (Object.keys(lis).length > 0) claims[`${LTI}lis`] = lis;
  if (!isDeepLinking) {
    claims[`${LTI}resource_link`] = { id: `rl-${course?.id ?? 'account'}-${tool.clientId}`, title: tool.name };
  }
  if (course) {
    claims[`${LTI}context`] = { id: course.id, label: course.label, title: course.title, type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] };
    const agsScopes = tool.scopes.filter((s) => AGS_SCOPES.includes(s));
    if (agsScopes.length) claims[AGS] = { scope: agsScopes, lineitems: state.url(profile.paths.lineItems(tool.toolId, course.id) + profile.paths.agsQuery(tool.toolId)) };
    if (tool.scopes.includes(SCOPES.nrps)) {
      claims[NRPS] = { context_memberships_url: state.url(profile.paths.nrps(tool.toolId, course.id)), service_versions: ['2.0'] };
    }
    // Canvas sends the mentees only at privacy level public.
    if (enrollment?.mentees.length && (profile.name !== 'canvas' || tool.privacyLevel === 'public')) {
      claims[`${LTI}role_scope_mentor`] = enrollment.mentees;
    }
  }
  if (isDeepLinking) {
    const data = randomUUID();
    state.deepLinkData.set(data, { clientId: tool.clientId, courseId: course?.id ?? '', deploymentId: launch.deploymentId });
    claims[DL] = {
      deep_link_return_url: state.url(profile.paths.deepLinkReturn(course?.id ?? 'account')),
      accept_types: ['ltiResourceLink'],
      accept_presentation_document_targets: ['iframe', 'window'],
      accept_multiple: true,
      auto_create: true,
      title: tool.name,
      data,
    };
  }
  if (profile.name === 'canvas') {
    claims['https://www.instructure.com/placement'] = isDeepLinking ? 'link_selection' : course ? 'course_navigation' : 'account_navigation';
    claims[`${LTI}lti11_legacy_user_id`] = `legacy-${user.sub}`;
  }
  return withoutUndefined(claims);
}
