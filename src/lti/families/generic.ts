import { standardRegistration, type LmsFamily } from './family.js';

/** Any LTI 1.3 Advantage platform: the 1EdTech specifications as written. */
export const generic: LmsFamily = {
  code: 'generic',
  label: 'LTI 1.3 platform',
  supportsDynamicRegistration: true,
  registrationRequest: (tool, platform) => standardRegistration(tool, platform),
  nrpsPageSize: 100,
  agsPageSize: 100,
  agsLimitResults: true,
  install: {
    title: 'install.generic.title',
    steps: [
      { text: 'install.generic.dynamic', paste: [{ label: 'install.generic.registrationUrl', url: 'register' }] },
      {
        text: 'install.generic.manual',
        paste: [
          { label: 'install.generic.login', url: 'login' },
          { label: 'install.generic.redirect', url: 'launch' },
          { label: 'install.generic.keys', url: 'keys' },
        ],
      },
      { text: 'install.generic.register' },
    ],
    afterRegistration: 'install.generic.afterRegistration',
  },
};
