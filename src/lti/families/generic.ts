import { noTimeZone, standardRegistration, type LmsFamily } from './family.js';

/** Any LTI 1.3 Advantage platform: the 1EdTech specifications as written. */
export const generic: LmsFamily = {
  code: 'generic',
  label: 'LTI 1.3 platform',
  supportsDynamicRegistration: true,
  registrationRequest: (tool, platform) => standardRegistration(tool, platform),
  nrpsPageSize: 100,
  agsPageSize: 100,
  agsLimitResults: true,
  timeZoneFrom: noTimeZone,
};
