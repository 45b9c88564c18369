import type { Db, DbOrTx } from '../db/client.js';
import type { AppUser, StaffRole } from '../auth/user.js';
import type { LtikInput } from '../auth/ltik.js';
import type { Locale } from '../web/i18n.js';
import * as repo from './roster.repository.js';
import { createLaunchHandover } from './launch-handover.js';
import type { ContextKind } from './roster.tables.js';

export type { ContextKind, ContextKindSource } from './roster.tables.js';
export { contextKinds } from './roster.tables.js';
export type { Person, Context, Membership, MemberRow, PersonInput, ContextInput, MembershipInput, LaunchRows } from './roster.repository.js';
export { personChanged, contextChanged, membershipChanged } from './roster.repository.js';

/** Rosters: people, contexts and memberships, from launches and NRPS syncs. Other features call this, never the tables. */
export function createRosterService(db: Db) {
  const handover = createLaunchHandover();
  return {
    // `tx` lets a launch upsert person, context and membership in one transaction.
    upsertPerson: (tenantId: string, p: repo.PersonInput, tx: DbOrTx = db) => repo.upsertPerson(tx, tenantId, p),
    upsertContext: (tenantId: string, c: repo.ContextInput, tx: DbOrTx = db) => repo.upsertContext(tx, tenantId, c),
    upsertMembership: (tenantId: string, m: repo.MembershipInput, tx: DbOrTx = db) => repo.upsertMembership(tx, tenantId, m),
    /** What a launch would upsert, as stored (one round trip): a repeat launch writes only what changed. */
    findLaunchRows: (tenantId: string, sub: string, lmsContextId: string | null) => repo.findLaunchRows(db, tenantId, sub, lmsContextId),
    /** A repeat launch's rows, as it read them, for the landing page it redirects to (`userFromClaims` takes them once). */
    handOverLaunch: (tenantId: string, rows: repo.LaunchRows) => handover.put(tenantId, rows),
    findPerson: (tenantId: string, personId: string) => repo.findPerson(db, tenantId, personId),
    // `tx`: a caller inside its own transaction (an alert routed as the need is raised).
    findPeople: (tenantId: string, ids: string[], tx: DbOrTx = db) => repo.findPeopleByIds(tx, tenantId, [...new Set(ids)]),
    /**
     * People holding staff role `role` (counsellors, coordinators...): where alerts are routed. With
     * `schoolIds` (a student's school), those holding it there or at every school; null: wherever.
     */
    holdersOfStaffRole: (tenantId: string, role: StaffRole, schoolIds: readonly string[] | null, tx: DbOrTx = db) => repo.holdersOfStaffRole(tx, tenantId, role, schoolIds),
    /** The school's administrators (an active admin membership) with this e-mail, any case: the console's district sign-on. */
    adminsWithEmail: (tenantId: string, email: string) => repo.adminsWithEmail(db, tenantId, email),
    /** Names for authors and lists, in one query. */
    async namesOf(tenantId: string, ids: string[]): Promise<Map<string, string>> {
      const rows = await repo.findPeopleByIds(db, tenantId, [...new Set(ids)]);
      return new Map(rows.map((p) => [p.id, p.name]));
    },
    /** People holding any of these staff roles (referral owners): at one of `schoolIds` or every school; null: wherever. */
    staffHolding: (tenantId: string, roles: readonly StaffRole[], schoolIds: readonly string[] | null) => repo.listStaffHolding(db, tenantId, roles, schoolIds),
    /** A name search (the audit page's student and person filters). */
    findPeopleByName: (tenantId: string, text: string, limit = 50) => repo.findPeopleByName(db, tenantId, text, limit),
    /** Identity matching by the SIS's stable id (src/identities). */
    findPeopleBySisIds: (tenantId: string, sisIds: string[], tx: DbOrTx = db) => repo.findPeopleBySisIds(tx, tenantId, [...new Set(sisIds)]),
    findPeopleBySub: (tenantId: string, subs: string[], tx: DbOrTx = db) => repo.findPeopleBySub(tx, tenantId, subs),
    findContext: (tenantId: string, contextId: string) => repo.findContext(db, tenantId, contextId),
    findMembership: (tenantId: string, contextId: string, personId: string) => repo.findMembership(db, tenantId, contextId, personId),
    listMembers: (tenantId: string, contextId: string, opts?: { role?: string; status?: string }) => repo.listMembers(db, tenantId, contextId, opts),
    listMembershipsOf: (tenantId: string, personId: string) => repo.listMembershipsOf(db, tenantId, personId),
    listAdvisoryStudentsOf: (tenantId: string, advisorId: string) => repo.listAdvisoryStudentsOf(db, tenantId, advisorId),
    listContexts: (tenantId: string) => repo.listContexts(db, tenantId),
    /** Who the roster relates to a student (the navigators service builds the student's scope from these). */
    rosterRelations: (tenantId: string, studentId: string, tx: DbOrTx = db) => repo.rosterRelations(tx, tenantId, studentId),
    rosterAdvisorsOf: (tenantId: string, studentIds: string[]) => repo.rosterAdvisorsOf(db, tenantId, studentIds),
    /** Each student's active advisories (ids), for the school view's kept facts. */
    async advisoryIdsOf(tenantId: string, studentIds: string[]): Promise<Map<string, string[]>> {
      const out = new Map<string, string[]>();
      for (const r of await repo.advisoryIdsOf(db, tenantId, studentIds)) out.set(r.studentId, [...(out.get(r.studentId) ?? []), r.contextId]);
      return out;
    },
    /** Advisories by id with their titles and active advisors (the school view's rows and default navigators). */
    advisoriesById: (tenantId: string, contextIds: string[]) => repo.advisoriesById(db, tenantId, contextIds),
    /** Keeps the language a person chose on a page: it wins over their LMS's at every later launch. */
    chooseLocale: (user: AppUser, locale: Locale) => repo.setPersonLocale(db, user.tenantId, user.personId, locale),
    /** Keeps a small choice the person made on a page (a feature's own key, e.g. caseloadLayout): read back on `user.preferences`. */
    choosePreference: (user: AppUser, key: string, value: string) => repo.setPersonPreference(db, user.tenantId, user.personId, key, value),
    // `tx` lets the caller audit the decision in the same transaction.
    setContextKind: (tenantId: string, contextId: string, kind: ContextKind, by: 'admin' | 'instructor', tx: DbOrTx = db) => repo.setContextKind(tx, tenantId, contextId, kind, by),

    /** Rebuilds who is asking from a verified ltik; null when the person or their membership is gone. */
    async userFromClaims(claims: LtikInput): Promise<AppUser | null> {
      const found = handover.take(claims.tid, claims.pid, claims.cid ?? null) ?? (await repo.findSignedIn(db, claims.tid, claims.pid, claims.cid));
      if (!found) return null;
      const { person } = found;
      let contextTitle = '';
      let contextKind: ContextKind | null = null;
      let menteeIds: string[] = [];
      if (claims.cid) {
        if (!found.context || found.membership?.status !== 'active') return null;
        ({ title: contextTitle, kind: contextKind } = found.context);
        menteeIds = found.membership.mentees;
      }
      const adult = claims.role !== 'student' && claims.role !== 'family';
      return {
        tenantId: claims.tid,
        personId: person.id,
        name: person.name,
        role: claims.role,
        contextId: claims.cid,
        contextTitle,
        contextKind,
        menteeIds,
        locale: claims.loc,
        preferences: person.preferences,
        // Staff roles belong to adults: a student or family launch never carries them, whatever the row says.
        staffRoles: adult ? person.staffRoles : [],
        staffGrants: adult ? person.staffGrants : [],
      };
    },
  };
}
export type RosterService = ReturnType<typeof createRosterService>;
