import type { FamilyCode, LmsFamily } from './family.js';
import { familyCodes } from './family.js';
import { canvas } from './canvas.js';
import { schoology } from './schoology.js';
import { moodle } from './moodle.js';
import { generic } from './generic.js';

export type { LmsFamily, FamilyCode, ToolIdentity, ToolUrls, RegistrationRequest, InstallGuide } from './family.js';
export { familyCodes, toolUrls, agsPaging, installGuideView, installKeysOf } from './family.js';

const byCode: Record<FamilyCode, LmsFamily> = { canvas, schoology, moodle, generic };

/** Every family, in the order pages list them (the generic one last). */
export const lmsFamilies: readonly LmsFamily[] = familyCodes.map((code) => byCode[code]);

/**
 * The LMS family for a tenant's family code (read once, where the tenant row is read: platforms.service)
 * or a platform's product_family_code; unknown codes are generic.
 */
export function familyFor(code: string | null | undefined): LmsFamily {
  const wanted = (code ?? '').trim().toLowerCase();
  return lmsFamilies.find((f) => f.code === wanted) ?? generic;
}
