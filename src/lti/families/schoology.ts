import { standardRegistration, type LmsFamily } from './family.js';

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
      { text: 'install.schoology.deploy' },
      { text: 'install.schoology.ids' },
      { text: 'install.schoology.register' },
    ],
    // Never shown by Schoology itself (it has no dynamic registration); a compatible platform that has gets the generic text.
    afterRegistration: 'install.generic.afterRegistration',
  },
};
