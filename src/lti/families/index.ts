import type { LmsFamily } from './family.js';
import { canvas } from './canvas.js';
import { schoology } from './schoology.js';
import { moodle } from './moodle.js';
import { generic } from './generic.js';

export type { LmsFamily, FamilyCode, ToolIdentity, ToolUrls, RegistrationRequest } from './family.js';
export { familyCodes, toolUrls, agsPaging } from './family.js';

const families: Record<string, LmsFamily> = { canvas, schoology, moodle, generic };

/** The LMS family for a tenant's family code or a platform's product_family_code; unknown codes are generic. */
export function familyFor(code: string | null | undefined): LmsFamily {
  return families[(code ?? '').trim().toLowerCase()] ?? generic;
}
