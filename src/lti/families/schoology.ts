import { standardRegistration, type LmsFamily } from './family.js';
import { claimKeys } from '../launch.schemas.js';

/**
 * The custom parameters the admin adds to the app (App Center: Custom Parameters, one `key=value` a
 * line; Schoology lowercases keys, so ours are lowercase). Evidence: Schoology's developer docs, "LTI
 * Apps" (developers.schoology.com/app-platform/lti-apps), list the variables Schoology substitutes:
 * `$com.schoology.Context.Building.id` is "Building ID depending on App context: Course = Course
 * Building ID, Group = Group Building ID, User = User Primary Building ID"; Schoology's REST API
 * (api-documentation/rest-api-v1/building) calls a building "a further separation of courses, groups,
 * and users" of a school (district), with an `id` and a `title`. No variable gives the building's name,
 * so a school made from a building is named by its id until an admin renames it (/admin/schools).
 * The same docs say these parameters reach launches from the app's placements but not links made by
 * deep linking, which must carry them in their own `custom` (linkCustom below).
 * Unconfirmed (no launch from a real Schoology seen): that the claim arrives under `building_id` as
 * a string, and what a launch outside any building sends; a third party's Schoology token (Ally's)
 * showed the variable left unsubstituted, so a value still starting with `$` is taken as none.
 */
const customParameters = { building_id: '$com.schoology.Context.Building.id' } as const;

/** A variable Schoology did not fill arrives as its own name: no value. */
const substituted = (v: unknown): string | undefined => {
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  return text !== '' && !text.startsWith('$') ? text.slice(0, 255) : undefined;
};

/**
 * Schoology offers no dynamic registration: an admin adds the tool by hand (App Center) and registers the
 * platform here with `npm run platform:add` or the admin form. NRPS pages hold at most 100 members.
 */
export const schoology: LmsFamily = {
  code: 'schoology',
  label: 'Schoology',
  supportsDynamicRegistration: false,
  // Never sent by Schoology itself; kept spec-shaped for a Schoology-compatible platform that does offer it.
  registrationRequest: (tool, platform) => standardRegistration(tool, platform),
  nrpsPageSize: 100,
  agsPageSize: 100,
  agsLimitResults: true,
  // The course's building is a school of the district (a school's lms_key); its name is the admin's to give.
  schoolKeyOf: (claims) => {
    const lmsKey = substituted(claims[claimKeys.custom]?.building_id);
    return lmsKey ? { lmsKey, name: '' } : null;
  },
  linkCustom: customParameters,
  install: {
    title: 'install.schoology.title',
    steps: [
      { text: 'install.schoology.open' },
      {
        text: 'install.schoology.urls',
        paste: [
          { label: 'install.schoology.domain', url: 'domain' },
          { label: 'install.schoology.login', url: 'login' },
          { label: 'install.schoology.redirect', url: 'launch' },
          { label: 'install.schoology.keys', url: 'keys' },
        ],
      },
      { text: 'install.schoology.custom', paste: Object.entries(customParameters).map(([key, value]) => ({ label: 'install.schoology.customParameter', text: `${key}=${value}` })) },
      { text: 'install.schoology.deploy' },
      { text: 'install.schoology.ids' },
      { text: 'install.schoology.register' },
    ],
    // Never shown by Schoology itself (it has no dynamic registration); a compatible platform that has gets the generic text.
    afterRegistration: 'install.generic.afterRegistration',
  },
};
