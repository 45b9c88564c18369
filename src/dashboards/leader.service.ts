import type { AppUser } from '../auth/user.js';
import type { SchoolsService } from '../schools/schools.service.js';
import { authorize } from '../policies/policy.js';
import { schoolViewPolicy } from '../policies/school-view.js';
import { toolPath } from '../web/urls.js';

/**
 * The leaders' landing page (/schools): the schools of the district the user may look at (school view
 * policy), and whether the district's view is theirs. School and district leaders land here from the
 * LMS's account navigation, or when they launch without a course.
 */
export function createLeaderService(deps: { schools: Pick<SchoolsService, 'list'> }) {
  return {
    async yourSchools(user: AppUser): Promise<{ schools: { id: string; name: string; path: string; mapsPath: string; reflectionsPath: string; riskReviewsPath: string }[]; district: boolean }> {
      const tenantId = user.tenantId;
      const all = await deps.schools.list(tenantId);
      const schools = all.filter((s) => schoolViewPolicy(user, 'view_school', { tenantId, schoolId: s.id })).map((s) => ({ id: s.id, name: s.name, path: toolPath('schools', s.id), mapsPath: toolPath('schools', s.id, 'maps'), reflectionsPath: toolPath('schools', s.id, 'reflections'), riskReviewsPath: toolPath('schools', s.id, 'risk-reviews') }));
      const district = schoolViewPolicy(user, 'view_district', { tenantId });
      // Someone who may look at no school and not at the district is refused (403, audited) rather than shown an empty page.
      if (schools.length === 0) authorize(schoolViewPolicy, user, 'view_district', { tenantId });
      return { schools, district };
    },
  };
}
export type LeaderService = ReturnType<typeof createLeaderService>;
