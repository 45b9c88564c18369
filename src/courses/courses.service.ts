import type { Db } from '../db/client.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService, Context } from '../roster/roster.service.js';
import type { PlansService } from '../plans/plans.service.js';
import type { NavigatorsService } from '../navigators/navigators.service.js';
import { planPolicy } from '../policies/plan.js';
import { authorize } from '../policies/policy.js';
import { coursePolicy, type CourseAction } from '../policies/course.js';
import { conflict, message, notFound } from '../web/errors.js';
import { t } from '../web/i18n.js';
import { fieldErrors, InvalidInput } from '../web/forms.js';
import { adminKindForm, confirmKindForm } from './courses.schemas.js';
import { isUuid } from '../web/ids.js';

export interface CoursesDeps {
  db: Db;
  audit: AuditService;
  roster: RosterService;
  plans: Pick<PlansService, 'sharedWithTeachers'>;
  navigators: Pick<NavigatorsService, 'scopeOf'>;
}


/**
 * What each course (LMS context) is: an advisory (caseload, check-ins, the plan score in the
 * gradebook) or a subject course (a read-only view of the students' plans). Decided by the placement's
 * custom parameter, else an admin, else the instructor on first launch.
 */
export function createCoursesService(deps: CoursesDeps) {
  const { db, audit, roster } = deps;

  /** The course by its row id, in the user's tenant only; a stranger's id and a malformed one are the same 404. */
  async function courseOf(user: AppUser, contextId: unknown): Promise<Context> {
    const course = isUuid(contextId) ? await roster.findContext(user.tenantId, contextId) : undefined;
    if (!course) throw notFound();
    return course;
  }

  async function resourceOf(course: Context) {
    const instructors = await roster.listMembers(course.tenantId, course.id, { role: 'advisor', status: 'active' });
    return { tenantId: course.tenantId, kind: course.kind, instructorIds: instructors.map((m) => m.person.id) };
  }

  async function gate(user: AppUser, contextId: unknown, action: CourseAction): Promise<Context> {
    const course = await courseOf(user, contextId);
    authorize(coursePolicy, user, action, await resourceOf(course));
    return course;
  }

  return {
    /** For the "Is <course> an advisory?" page; only while undecided and only for its instructors. */
    async question(user: AppUser, contextId: unknown) {
      const course = await gate(user, contextId, 'confirmKind');
      return { id: course.id, title: course.title || course.label || t('courses.thisCourse', {}, user.locale) };
    },

    /** The instructor's answer as posted, stored on the course; InvalidInput without one. Refused (409) when someone decided first. Audited. */
    async confirm(user: AppUser, contextId: unknown, posted: unknown): Promise<Context> {
      const course = await gate(user, contextId, 'confirmKind');
      const form = confirmKindForm.safeParse(posted);
      if (!form.success) throw new InvalidInput(fieldErrors(form.error, user.locale), posted);
      const { kind } = form.data;
      return db.transaction(async (tx) => {
        const row = await roster.setContextKind(user.tenantId, course.id, kind, 'instructor', tx);
        if (!row) throw conflict(message('courses.errors.decided'), 'course_kind_decided');
        await audit.record(user, { action: 'update', entity: 'context', entityId: course.id }, tx);
        return row;
      });
    },

    /** Every course of the tenant with what it is and who decided, for the admin page. */
    async forAdmin(user: AppUser) {
      authorize(coursePolicy, user, 'setKind', { tenantId: user.tenantId, kind: 'undecided', instructorIds: [] });
      const courses = await roster.listContexts(user.tenantId);
      return courses.map((c) => ({
        id: c.id,
        title: c.title || c.label || c.contextId,
        label: c.label,
        kind: c.kind,
        kindLabel: t(`courses.kinds.${c.kind}`, {}, user.locale),
        decidedBy: c.kindSetBy ? t(`courses.sources.${c.kindSetBy}`, {}, user.locale) : null,
        // The placement's parameter comes back with every launch; an admin choice would not last.
        lockedByPlacement: c.kindSetBy === 'placement',
      }));
    },

    /** The admin's choice for one course as posted (InvalidInput without one); the placement's custom parameter still outranks it (409). Audited. */
    async setByAdmin(user: AppUser, contextId: unknown, posted: unknown): Promise<void> {
      const course = await gate(user, contextId, 'setKind');
      const form = adminKindForm.safeParse(posted);
      if (!form.success) throw new InvalidInput(fieldErrors(form.error, user.locale), posted);
      const { kind } = form.data;
      await db.transaction(async (tx) => {
        const row = await roster.setContextKind(user.tenantId, course.id, kind, 'admin', tx);
        if (!row) throw conflict(message('courses.errors.fromPlacement'), 'course_kind_from_placement');
        await audit.record(user, { action: 'update', entity: 'context', entityId: course.id }, tx);
      });
    },

    /** A subject course's students with what their plans share with teachers. Read-only; audited per plan. */
    async studentsOf(user: AppUser, contextId: unknown) {
      const course = await gate(user, contextId, 'viewStudents');
      const enrolled = await roster.listMembers(user.tenantId, course.id, { role: 'student', status: 'active' });
      // Each student's own record decides too (the plan policy's teacher relationship), not only the course.
      const scopes = await Promise.all(enrolled.map((m) => deps.navigators.scopeOf(user.tenantId, m.person.id)));
      const members = enrolled.filter((_, i) => planPolicy(user, 'viewShared', { scope: scopes[i]! }));
      const shared = await deps.plans.sharedWithTeachers(user, members.map((m) => m.person.id));
      return {
        course: { id: course.id, title: course.title || course.label || t('courses.ThisCourse', {}, user.locale) },
        students: members.map(({ person }) => ({ id: person.id, name: person.name || t('common.nameNotShared', {}, user.locale), fields: shared.get(person.id) ?? [] })),
      };
    },
  };
}
export type CoursesService = ReturnType<typeof createCoursesService>;
