import type { AppUser } from '../auth/user.js';
import type { RosterService } from '../roster/roster.service.js';
import type { StudentRecordGate } from '../navigators/student-record.js';
import { authorize } from '../policies/policy.js';
import { auditPolicy } from '../policies/audit.js';
import { recordViewsPolicy } from '../policies/record-views.js';
import type { AuditCursor, AuditFilter, AuditService } from './audit.service.js';
import { auditQuery, recordViewsQuery, type AuditQuery } from './audit.schemas.js';
import { isUuid } from '../web/ids.js';
import { fieldErrors, InvalidInput } from '../web/forms.js';
import type { Locale } from '../web/i18n.js';
import { actionLabel, entityLabel, peopleOf, presentEvent, roleLabel } from './audit.presenter.js';

export interface AuditLogDeps {
  audit: AuditService;
  roster: Pick<RosterService, 'findPeople' | 'findPeopleByName' | 'namesOf'>;
  /** "Who viewed my record" opens the student's record here first. */
  studentRecords: StudentRecordGate;
  /** The school's zone: the date filters' days are days there (platforms.timeZoneOf). */
  timeZoneOf: (tenantId: string) => Promise<string>;
  pageSize: number;
}

/** Staff who appear on "who viewed my record": people of the school, not the tool's own jobs. */
const STAFF_ROLES = ['advisor', 'admin'];
/** A name search narrows to at most this many people; a vaguer one should be typed more fully. */
const NAME_MATCHES = 50;
const EXPORT_BATCH = 500;

/** The pages over the audit log: the admin's filtered log and CSV, and each student's "who viewed my record". */
export function createAuditLogService(deps: AuditLogDeps) {
  const { audit, roster } = deps;

  /** A filter field: a person id (a link on the page) is that person; text is a name search. */
  async function people(tenantId: string, text: string | undefined) {
    if (!text) return { ids: undefined, exactName: null, noMatch: false, tooMany: false };
    if (isUuid(text)) {
      // Looked up in this tenant: another school's id matches nobody here.
      const [p] = await roster.findPeople(tenantId, [text]);
      return { ids: p ? [p.id] : [], exactName: p?.name ?? null, noMatch: !p, tooMany: false };
    }
    const found = await roster.findPeopleByName(tenantId, text, NAME_MATCHES + 1);
    return { ids: found.slice(0, NAME_MATCHES).map((p) => p.id), exactName: null, noMatch: found.length === 0, tooMany: found.length > NAME_MATCHES };
  }

  async function filterOf(tenantId: string, q: AuditQuery) {
    const [student, person, timeZone] = await Promise.all([people(tenantId, q.student), people(tenantId, q.person), deps.timeZoneOf(tenantId)]);
    const filter: AuditFilter = { studentIds: student.ids, actorIds: person.ids, action: q.action, fromDay: q.from, toDay: q.to, timeZone };
    return { filter, student, person };
  }

  /**
   * The filter form as sent, or InvalidInput (an administrator fixes the field; the page shows no
   * events) worded in their language: the schema's refusals are keys, zod's own (a forged action) stay as zod says them.
   */
  function queryOf(raw: unknown, locale: Locale | undefined): AuditQuery {
    const q = auditQuery.safeParse(raw);
    if (!q.success) throw new InvalidInput(fieldErrors(q.error, locale), raw);
    return q.data;
  }

  return {
    /** One page of the tenant's log with the filters (the query string as sent) applied, each event in words. Admins of the tenant only. */
    async adminPage(user: AppUser, query: unknown) {
      authorize(auditPolicy, user, 'list', { tenantId: user.tenantId });
      const q = queryOf(query, user.locale);
      const { filter, student, person } = await filterOf(user.tenantId, q);
      const page = await audit.page(user.tenantId, filter, { before: q.before, after: q.after, size: deps.pageSize });
      const names = await roster.namesOf(user.tenantId, peopleOf(page.events));
      return { events: page.events.map((e) => presentEvent(e, names, user.locale)), older: page.older, newer: page.newer, student, person, nameMatches: NAME_MATCHES };
    },

    /**
     * Every event matching the filters, as CSV rows (header first), in batches so a large log never
     * sits in memory. The export itself is audited: who took a copy of the log, and when.
     */
    async *exportRows(user: AppUser, query: unknown): AsyncGenerator<string[]> {
      authorize(auditPolicy, user, 'export', { tenantId: user.tenantId });
      const q = queryOf(query, user.locale);
      const { filter } = await filterOf(user.tenantId, q);
      await audit.record(user, { action: 'read', entity: 'audit' });
      let before: AuditCursor | undefined;
      for (;;) {
        const page = await audit.page(user.tenantId, filter, { before, size: EXPORT_BATCH });
        const names = await roster.namesOf(user.tenantId, peopleOf(page.events));
        for (const e of page.events.map((x) => presentEvent(x, names, user.locale))) {
          yield [e.at.toISOString(), e.actorName, e.roleLabel, e.actionLabel, e.recordLabel, e.attemptLabel ?? '', e.students.map((s) => s.name).join('; '), e.students.map((s) => s.id).join(' ')];
        }
        if (!page.older) return;
        before = page.older;
      }
    },

    /**
     * Staff who viewed or changed the student's record, newest first, paged (the query string's
     * position; a position that cannot be read is the first page). The student's and their family's page.
     */
    async recordViews(user: AppUser, studentId: string, query: unknown) {
      const record = await deps.studentRecords.open(user, studentId, recordViewsPolicy, 'view');
      const q = recordViewsQuery.safeParse(query);
      const position = q.success ? q.data : {};
      const page = await audit.page(user.tenantId, { studentIds: [record.student.id], actorRoles: STAFF_ROLES, excludeAction: 'denied' }, { ...position, size: deps.pageSize });
      const names = await roster.namesOf(user.tenantId, page.events.flatMap((e) => (e.actorId ? [e.actorId] : [])));
      return {
        record,
        // The student's and their family's own language: the words of the page they read.
        views: page.events.map((e) => {
          const role = roleLabel(e.actorRole, user.locale);
          return { at: e.at, name: (e.actorId && names.get(e.actorId)) || role, role, action: actionLabel(e.action, user.locale), record: entityLabel(e.entity, user.locale) };
        }),
        older: page.older,
        newer: page.newer,
      };
    },
  };
}
export type AuditLogService = ReturnType<typeof createAuditLogService>;
