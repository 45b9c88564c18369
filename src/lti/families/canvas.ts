import type { LmsFamily, ToolIdentity } from './family.js';
import { standardRegistration, wantedScopes } from './family.js';
import { claimKeys } from '../launch.schemas.js';

const cv = 'https://canvas.instructure.com/lti';
export const canvasToolId = 'success-plans';

/**
 * Canvas's privacy levels are anonymous, name_only, email_only and public. The tool needs names and emails
 * to show rosters (NRPS members carry them only at public), and Canvas sends role_scope_mentor (which
 * scopes a parent to their own student) only at public, so public is the least that works.
 */
const privacyLevel = 'public';

/**
 * Canvas fills custom parameters from its variable substitutions: the launching user's time zone (Canvas
 * sends the user's, or else the account's, setting), the default for the school's zone; their Canvas and
 * SIS ids; and the account the launch came from (the course's sub-account, or the account itself in
 * account navigation): a school of the district is a Canvas sub-account.
 */
const customFields = {
  timezone: '$Person.address.timezone',
  canvas_user_id: '$Canvas.user.id',
  sis_id: '$Canvas.user.sisSourceId',
  account_id: '$Canvas.account.id',
  account_name: '$Canvas.account.name',
};

/**
 * Account navigation: school and district leaders launch from their school's (sub-)account, with no course.
 * Canvas shows account navigation only to people with a role in the account; `members` offers the link to
 * all of them (a leader often holds a limited custom account role, not an admin's), where `admins` would
 * hide it from such a leader. The link itself grants nothing: what a person sees in the tool is decided by
 * the staff roles an admin gave them there.
 */
const accountVisibility = 'members';

/** A substitution Canvas could not fill arrives as the variable's own name: no value. */
const substituted = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && !v.startsWith('$') ? v.slice(0, 255) : undefined);

/** Canvas: course navigation for the tool itself, link selection (modules) for deep linking. */
export const canvas: LmsFamily = {
  code: 'canvas',
  label: 'Canvas',
  supportsDynamicRegistration: true,
  registrationRequest: (tool, platform) =>
    standardRegistration(tool, platform, {
      messages: [
        {
          type: 'LtiResourceLinkRequest',
          label: tool.name,
          target_link_uri: tool.urls.launch,
          placements: ['course_navigation'],
          [`${cv}/course_navigation/default_enabled`]: true,
        },
        {
          type: 'LtiResourceLinkRequest',
          label: tool.name,
          target_link_uri: tool.urls.accountLaunch,
          placements: ['account_navigation'],
          [`${cv}/visibility`]: accountVisibility,
        },
        // Canvas turns a message without placements into link_selection only; name it anyway to be explicit.
        { type: 'LtiDeepLinkingRequest', label: tool.name, target_link_uri: tool.urls.launch, placements: ['link_selection'] },
      ],
      [`${cv}/privacy_level`]: privacyLevel,
      [`${cv}/tool_id`]: canvasToolId,
      custom_parameters: customFields,
    }),
  // Canvas's NRPS maximum (and default) page size.
  nrpsPageSize: 50,
  agsPageSize: 50,
  agsLimitResults: true,
  timeZoneFrom: (claims) => {
    const v = claims[claimKeys.custom]?.timezone;
    return typeof v === 'string' ? v : undefined;
  },
  // The Canvas user id ties the person to the Canvas REST connector's rows; the SIS id to the SIS's.
  identitiesFrom: (claims) => {
    const custom = claims[claimKeys.custom];
    return { lmsUserId: substituted(custom?.canvas_user_id), sisId: substituted(custom?.sis_id) };
  },
  // The account's id is a school's LMS key (a school from a Canvas sub-account keeps it).
  schoolKeyOf: (claims) => {
    const custom = claims[claimKeys.custom];
    const lmsKey = substituted(custom?.account_id);
    return lmsKey ? { lmsKey, name: substituted(custom?.account_name) ?? '' } : null;
  },
  install: {
    title: 'install.canvas.title',
    steps: [
      { text: 'install.canvas.open' },
      { text: 'install.canvas.paste', paste: [{ label: 'install.canvas.registrationUrl', url: 'register' }] },
      { text: 'install.canvas.review' },
      { text: 'install.canvas.manualKey', paste: [{ label: 'install.canvas.jsonUrl', url: 'canvasJson' }] },
    ],
    afterRegistration: 'install.canvas.afterRegistration',
  },
};

/** Canvas's Developer Key "LTI key" JSON (Admin > Developer Keys > + LTI Key > Paste JSON). */
export function canvasDeveloperKey(tool: ToolIdentity) {
  const { urls } = tool;
  return {
    title: tool.name,
    description: tool.description,
    oidc_initiation_url: urls.login,
    target_link_uri: urls.launch,
    public_jwk_url: urls.keys,
    scopes: [...wantedScopes],
    extensions: [
      {
        platform: 'canvas.instructure.com',
        domain: urls.domain,
        tool_id: canvasToolId,
        privacy_level: privacyLevel,
        settings: {
          text: tool.name,
          placements: [
            { placement: 'course_navigation', message_type: 'LtiResourceLinkRequest', target_link_uri: urls.launch, text: tool.name, default: 'enabled' },
            { placement: 'account_navigation', message_type: 'LtiResourceLinkRequest', target_link_uri: urls.accountLaunch, text: tool.name, visibility: accountVisibility },
            { placement: 'link_selection', message_type: 'LtiDeepLinkingRequest', target_link_uri: urls.launch, text: tool.name },
          ],
        },
      },
    ],
    custom_fields: customFields,
  };
}

