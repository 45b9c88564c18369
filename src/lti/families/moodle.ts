import { standardRegistration, type LmsFamily } from './family.js';

/**
 * Moodle follows LTI-DR to the letter: it turns deep linking on when an LtiDeepLinkingRequest message is
 * registered and shares names and emails when `claims` lists them, so the standard registration fits.
 */
export const moodle: LmsFamily = {
  code: 'moodle',
  label: 'Moodle',
  supportsDynamicRegistration: true,
  registrationRequest: (tool, platform) => standardRegistration(tool, platform),
  nrpsPageSize: 100,
  agsPageSize: 100,
  // Moodle 4.4's results endpoint fails with a 500 when `limit` is sent and the line item has results.
  agsLimitResults: false,
  install: {
    title: 'install.moodle.title',
    steps: [
      { text: 'install.moodle.open' },
      { text: 'install.moodle.paste', paste: [{ label: 'install.moodle.toolUrl', url: 'register' }] },
      { text: 'install.moodle.activate' },
    ],
    afterRegistration: 'install.moodle.afterRegistration',
  },
};
