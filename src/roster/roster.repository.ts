import { and, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { StaffGrant, StaffRole } from '../auth/user.js';
import { alias } from 'drizzle-orm/pg-core';
import { queryRows, type DbOrTx } from '../db/client.js';
import { people, contexts, memberships, type ContextKind, type ContextKindSource } from './roster.tables.js';
import { anyId, idRows } from '../db/id-list.js';

export type Person = typeof people.$inferSelect;
export type Context = typeof contexts.$inferSelect;
export type Membership = typeof memberships.$inferSelect;

export interface PersonInput {
  sub: string;
  name?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  email?: string | null;
  sisId?: string | null;
}

export interface ContextInput {
  contextId: string;
  deploymentId?: string | null;
  label?: string | null;
  title?: string | null;
  membershipsUrl?: string | null;
  lineItemsUrl?: string | null;
  agsScopes?: string[];
  /** The kind the placement's custom parameter names; it outranks every other decision. */
  placementKind?: Exclude<ContextKind, 'undecided'> | null;
}

export interface MembershipInput {
  contextId: string;
  personId: string;
  roles: string[];
  role: string;
  mentees?: string[];
  status?: 'active' | 'inactive';
}

/** Idempotent: a second launch or sync with the same data changes nothing but updated_at. */
export async function upsertPerson(db: DbOrTx, tenantId: string, p: PersonInput): Promise<Person> {
  const [row] = await db
    .insert(people)
    .values({ tenantId, sub: p.sub, name: personName(p), givenName: p.givenName ?? null, familyName: p.familyName ?? null, email: p.email ?? null, sisId: p.sisId ?? null })
    .onConflictDoUpdate({ target: [people.tenantId, people.sub], set: personConflictSet })
    .returning();
  return row!;
}

/** Sets one of the person's preferences, leaving the others as they are. */
export async function setPersonPreference(db: DbOrTx, tenantId: string, personId: string, key: string, value: string): Promise<void> {
  await db
    .update(people)
    .set({ preferences: sql`${people.preferences} || jsonb_build_object(${key}::text, ${value}::text)`, updatedAt: sql`now()` })
    .where(and(eq(people.tenantId, tenantId), eq(people.id, personId)));
}

/** The person's own choice of language, which outlasts their launches (personConflictSet leaves it alone). */
export async function setPersonLocale(db: DbOrTx, tenantId: string, personId: string, locale: string): Promise<void> {
  await db.update(people).set({ locale, updatedAt: sql`now()` }).where(and(eq(people.tenantId, tenantId), eq(people.id, personId)));
}

/** Privacy levels differ between launches and syncs: never erase a name we already know with a blank. */
export const personConflictSet = {
  name: sql`coalesce(nullif(excluded.name, ''), ${people.name})`,
  givenName: sql`coalesce(excluded.given_name, ${people.givenName})`,
  familyName: sql`coalesce(excluded.family_name, ${people.familyName})`,
  email: sql`coalesce(excluded.email, ${people.email})`,
  sisId: sql`coalesce(excluded.sis_id, ${people.sisId})`,
  updatedAt: sql`now()`,
};

/** The display name when the platform sent only given and family names. */
export function personName(p: PersonInput): string {
  return p.name ?? ([p.givenName, p.familyName].filter(Boolean).join(' ') || '');
}

/** Whether an upsert would change a stored value: a blank or absent one never replaces what is known. */
const differs = (given: string | null | undefined, stored: string | null) => given != null && given !== '' && given !== stored;

/** Role and scope lists compare as sets: a launch and NRPS may list the same ones in another order. */
export const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((r) => b.includes(r));

/** Whether upsertPerson (and the sync's upsertPeople) would change anything of the stored person. */
export function personChanged(stored: Person, p: PersonInput): boolean {
  return differs(personName(p), stored.name) || differs(p.givenName, stored.givenName) || differs(p.familyName, stored.familyName) || differs(p.email, stored.email) || differs(p.sisId, stored.sisId);
}

/** Whether upsertContext would change anything of the stored context (the rules of its conflict set). */
export function contextChanged(stored: Context, c: ContextInput): boolean {
  return (
    differs(c.deploymentId, stored.deploymentId) ||
    differs(c.label, stored.label) ||
    differs(c.title, stored.title) ||
    differs(c.membershipsUrl, stored.membershipsUrl) ||
    differs(c.lineItemsUrl, stored.lineItemsUrl) ||
    (c.agsScopes !== undefined && c.agsScopes.length > 0 && !sameSet(c.agsScopes, stored.agsScopes)) ||
    (Boolean(c.placementKind) && (stored.kind !== c.placementKind || stored.kindSetBy !== 'placement'))
  );
}

/** Whether upsertMembership would change the stored membership (or there is none). */
export function membershipChanged(stored: Membership | null, m: Omit<MembershipInput, 'contextId' | 'personId'>): boolean {
  return !stored || stored.status !== (m.status ?? 'active') || stored.role !== m.role || !sameSet(stored.roles, m.roles) || !sameSet(stored.mentees, m.mentees ?? []);
}

export async function upsertContext(db: DbOrTx, tenantId: string, c: ContextInput): Promise<Context> {
  const [row] = await db
    .insert(contexts)
    .values({
      tenantId,
      contextId: c.contextId,
      deploymentId: c.deploymentId ?? null,
      label: c.label ?? null,
      title: c.title ?? '',
      membershipsUrl: c.membershipsUrl ?? null,
      lineItemsUrl: c.lineItemsUrl ?? null,
      agsScopes: c.agsScopes ?? [],
      ...(c.placementKind ? { kind: c.placementKind, kindSetBy: 'placement' as const } : {}),
    })
    .onConflictDoUpdate({
      target: [contexts.tenantId, contexts.contextId],
      set: {
        deploymentId: sql`coalesce(excluded.deployment_id, ${contexts.deploymentId})`,
        label: sql`coalesce(excluded.label, ${contexts.label})`,
        title: sql`coalesce(nullif(excluded.title, ''), ${contexts.title})`,
        membershipsUrl: sql`coalesce(excluded.memberships_url, ${contexts.membershipsUrl})`,
        lineItemsUrl: sql`coalesce(excluded.line_items_url, ${contexts.lineItemsUrl})`,
        agsScopes: sql`case when jsonb_array_length(excluded.ags_scopes) > 0 then excluded.ags_scopes else ${contexts.agsScopes} end`,
        ...(c.placementKind ? { kind: c.placementKind, kindSetBy: 'placement' as const } : {}),
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row!;
}

export async function upsertMembership(db: DbOrTx, tenantId: string, m: MembershipInput): Promise<Membership> {
  const [row] = await db
    .insert(memberships)
    .values({ tenantId, contextId: m.contextId, personId: m.personId, roles: m.roles, role: m.role, mentees: m.mentees ?? [], status: m.status ?? 'active' })
    .onConflictDoUpdate({
      target: [memberships.tenantId, memberships.contextId, memberships.personId],
      set: { roles: m.roles, role: m.role, mentees: m.mentees ?? [], status: m.status ?? 'active', updatedAt: sql`now()` },
    })
    .returning();
  return row!;
}

export interface LaunchRows {
  person: Person;
  /** Null when the launch names no course or the course is not stored yet. */
  context: Context | null;
  membership: Membership | null;
}

/**
 * What a launch would upsert, as stored: the person by sub, the course by its LMS id and the
 * membership joining them, in one round trip. Undefined when the person is not stored yet.
 */
export async function findLaunchRows(db: DbOrTx, tenantId: string, sub: string, lmsContextId: string | null): Promise<LaunchRows | undefined> {
  const [row] = await db
    .select({ person: people, context: contexts, membership: memberships })
    .from(people)
    .leftJoin(contexts, lmsContextId === null ? sql`false` : and(eq(contexts.tenantId, tenantId), eq(contexts.contextId, lmsContextId)))
    .leftJoin(memberships, and(eq(memberships.tenantId, tenantId), eq(memberships.contextId, contexts.id), eq(memberships.personId, people.id)))
    .where(and(eq(people.tenantId, tenantId), eq(people.sub, sub)));
  return row;
}

export async function findPerson(db: DbOrTx, tenantId: string, personId: string): Promise<Person | undefined> {
  const [row] = await db.select().from(people).where(and(eq(people.tenantId, tenantId), eq(people.id, personId)));
  return row;
}

export interface SignedInRows {
  person: Person;
  /** Null when the ltik names no course, or the course is gone. */
  context: { title: string; kind: ContextKind } | null;
  membership: { status: string; mentees: string[] } | null;
}

/**
 * Who an ltik names, with the course it names and their membership in it, in one round trip: every
 * signed-in request reads this first.
 */
export async function findSignedIn(db: DbOrTx, tenantId: string, personId: string, contextId: string | null): Promise<SignedInRows | undefined> {
  if (!contextId) {
    const person = await findPerson(db, tenantId, personId);
    return person && { person, context: null, membership: null };
  }
  const [row] = await db
    .select({ person: people, contextRowId: contexts.id, contextTitle: contexts.title, contextKind: contexts.kind, status: memberships.status, mentees: memberships.mentees })
    .from(people)
    .leftJoin(contexts, and(eq(contexts.tenantId, tenantId), eq(contexts.id, contextId)))
    .leftJoin(memberships, and(eq(memberships.tenantId, tenantId), eq(memberships.contextId, contextId), eq(memberships.personId, people.id)))
    .where(and(eq(people.tenantId, tenantId), eq(people.id, personId)));
  if (!row) return undefined;
  return {
    person: row.person,
    context: row.contextRowId && row.contextKind ? { title: row.contextTitle ?? '', kind: row.contextKind } : null,
    membership: row.status !== null && row.mentees !== null ? { status: row.status, mentees: row.mentees } : null,
  };
}

export async function findPeopleByIds(db: DbOrTx, tenantId: string, ids: string[]): Promise<Person[]> {
  if (ids.length === 0) return [];
  return db.select().from(people).where(and(eq(people.tenantId, tenantId), anyId(people.id, ids)));
}

/** People of the tenant whose name contains `text` (any case), by name; `limit` caps a vague search. */
/** People whose SIS id is one of these (identity matching: the SIS's sourcedId is LTI's lis person_sourcedid). */
export async function findPeopleBySisIds(db: DbOrTx, tenantId: string, sisIds: string[]): Promise<{ id: string; sisId: string }[]> {
  if (sisIds.length === 0) return [];
  const rows = await db.select({ id: people.id, sisId: people.sisId }).from(people).where(and(eq(people.tenantId, tenantId), inArray(people.sisId, sisIds)));
  return rows.flatMap((r) => (r.sisId === null ? [] : [{ id: r.id, sisId: r.sisId }]));
}

export async function findPeopleByName(db: DbOrTx, tenantId: string, text: string, limit: number): Promise<Person[]> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db.select().from(people).where(and(eq(people.tenantId, tenantId), ilike(people.name, pattern))).orderBy(people.name).limit(limit);
}

export async function findPeopleBySub(db: DbOrTx, tenantId: string, subs: string[]): Promise<Person[]> {
  if (subs.length === 0) return [];
  return db.select().from(people).where(and(eq(people.tenantId, tenantId), inArray(people.sub, subs)));
}

export async function findContext(db: DbOrTx, tenantId: string, contextId: string): Promise<Context | undefined> {
  const [row] = await db.select().from(contexts).where(and(eq(contexts.tenantId, tenantId), eq(contexts.id, contextId)));
  return row;
}

/**
 * Records a decision on what the context is, unless a stronger one stands: the placement's custom
 * parameter outranks the admin, and the instructor only answers while nobody has decided.
 * Undefined when the decision was not taken (the caller says why).
 */
export async function setContextKind(db: DbOrTx, tenantId: string, contextId: string, kind: ContextKind, by: Exclude<ContextKindSource, 'placement'>): Promise<Context | undefined> {
  const open = by === 'admin' ? sql`${contexts.kindSetBy} is distinct from 'placement'` : eq(contexts.kind, 'undecided');
  const [row] = await db
    .update(contexts)
    .set({ kind, kindSetBy: kind === 'undecided' ? null : by, updatedAt: sql`now()` })
    .where(and(eq(contexts.tenantId, tenantId), eq(contexts.id, contextId), open))
    .returning();
  return row;
}

export async function findMembership(db: DbOrTx, tenantId: string, contextId: string, personId: string): Promise<Membership | undefined> {
  const [row] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.contextId, contextId), eq(memberships.personId, personId)));
  return row;
}

export interface MemberRow {
  person: Person;
  membership: Membership;
}

export async function listMembers(db: DbOrTx, tenantId: string, contextId: string, opts: { role?: string; status?: string } = {}): Promise<MemberRow[]> {
  const conds = [eq(memberships.tenantId, tenantId), eq(memberships.contextId, contextId)];
  if (opts.role) conds.push(eq(memberships.role, opts.role));
  if (opts.status) conds.push(eq(memberships.status, opts.status));
  const rows = await db
    .select({ person: people, membership: memberships })
    .from(memberships)
    .innerJoin(people, and(eq(people.tenantId, memberships.tenantId), eq(people.id, memberships.personId)))
    .where(and(...conds))
    .orderBy(people.familyName, people.name);
  return rows;
}

/**
 * The active students of every advisory course a person is an active advisor of, in one query (a caseload
 * reads this on every load). A student in two of them comes once per course.
 */
export async function listAdvisoryStudentsOf(db: DbOrTx, tenantId: string, advisorId: string): Promise<MemberRow[]> {
  const advisor = alias(memberships, 'advisor');
  return db
    .select({ person: people, membership: memberships })
    .from(memberships)
    // Each join names the tenant too: the keys are (tenant_id, id), and under row-level security the
    // planner, blind to the policy's filter, otherwise scanned all of the school's people per student.
    .innerJoin(people, and(eq(people.tenantId, memberships.tenantId), eq(people.id, memberships.personId)))
    .innerJoin(contexts, and(eq(contexts.tenantId, memberships.tenantId), eq(contexts.id, memberships.contextId), eq(contexts.kind, 'advisory')))
    .innerJoin(
      advisor,
      and(eq(advisor.tenantId, tenantId), eq(advisor.contextId, memberships.contextId), eq(advisor.personId, advisorId), eq(advisor.role, 'advisor'), eq(advisor.status, 'active')),
    )
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, 'student'), eq(memberships.status, 'active')))
    .orderBy(people.familyName, people.name);
}

/** Every active membership of a person in a tenant (the contexts they belong to, with their roles). */
export async function listMembershipsOf(db: DbOrTx, tenantId: string, personId: string): Promise<Membership[]> {
  return db
    .select()
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.personId, personId), eq(memberships.status, 'active')));
}

export async function listContexts(db: DbOrTx, tenantId: string): Promise<Context[]> {
  return db.select().from(contexts).where(eq(contexts.tenantId, tenantId)).orderBy(contexts.title);
}

/** Instructors (as `person_id`) of the students' active contexts of one kind: advisories make advisors, subject courses teachers. */
// From each student's memberships (a lookup per student, idRows), then each of their courses once, to its
// advisors: as `= any`, the planner started from every course of the kind in the tenant, so a school's read
// grew with the district.
const instructorsSql = (tenantId: string, studentIds: string[], kind: 'advisory' | 'subject') => sql`
    with s as (
      select m.person_id, m.context_id from ${idRows(studentIds)}
      cross join lateral (select person_id, context_id from ${memberships} where tenant_id = ${tenantId} and person_id = ids.id and role = 'student' and status = 'active' offset 0) m
    )
    select distinct s.person_id as student_id, a.person_id from (select distinct context_id from s) k
    cross join lateral (select 1 from ${contexts} where tenant_id = ${tenantId} and id = k.context_id and kind = ${kind} offset 0) c
    cross join lateral (select person_id from ${memberships} where tenant_id = ${tenantId} and context_id = k.context_id and role = 'advisor' and status = 'active' offset 0) a
    join s on s.context_id = k.context_id`;

/** Advisors of any active advisory in which each student is an active student (the default navigators), for many students at once (the caseload). */
export async function rosterAdvisorsOf(db: DbOrTx, tenantId: string, studentIds: string[]): Promise<{ studentId: string; personId: string }[]> {
  if (studentIds.length === 0) return [];
  const rows = await queryRows<{ student_id: string; person_id: string }>(db, instructorsSql(tenantId, studentIds, 'advisory'));
  return rows.map((r) => ({ studentId: r.student_id, personId: r.person_id }));
}

export interface RosterRelations {
  /** Advisors of the student's active advisories (the default navigators). */
  advisors: string[];
  /** Instructors of the subject courses the student is in: they see what the plan shares with teachers. */
  teachers: string[];
  /** Family members whose role_scope_mentor names the student. */
  mentors: string[];
}

/** Who the roster relates to one student, in one round trip: every student page's scope is built from it. */
export async function rosterRelations(db: DbOrTx, tenantId: string, studentId: string): Promise<RosterRelations> {
  const rows = await queryRows<{ relation: keyof RosterRelations; person_id: string }>(db, sql`
    select 'advisors' as relation, person_id from (${instructorsSql(tenantId, [studentId], 'advisory')}) advisors
    union all
    select 'teachers', person_id from (${instructorsSql(tenantId, [studentId], 'subject')}) teachers
    union all
    select distinct 'mentors', person_id from ${memberships}
    where tenant_id = ${tenantId} and role = 'family' and status = 'active'
      and mentees @> ${JSON.stringify([studentId])}::jsonb`);
  const out: RosterRelations = { advisors: [], teachers: [], mentors: [] };
  for (const r of rows) out[r.relation].push(r.person_id);
  return out;
}

export interface StaffCandidate {
  id: string;
  name: string;
  staffGrants: StaffGrant[];
}

/**
 * The adults a staff role can be given to (anyone with a membership that is not a student's or a
 * family member's), and everyone who holds one, by name.
 */
export async function listStaffCandidates(db: DbOrTx, tenantId: string): Promise<StaffCandidate[]> {
  const adult = sql`exists (select 1 from ${memberships} where ${memberships.tenantId} = ${tenantId} and ${memberships.personId} = ${people.id} and ${memberships.role} in ('advisor', 'admin', 'guest'))`;
  return db
    .select({ id: people.id, name: people.name, staffGrants: people.staffGrants })
    .from(people)
    .where(and(eq(people.tenantId, tenantId), or(adult, sql`cardinality(${people.staffRoles}) > 0`)))
    .orderBy(people.name);
}

/**
 * Holds one of `roles` where it counts: at one of `schoolIds` or at every school (a grant whose school is
 * null). `schoolIds` null: wherever it holds. The role array narrows first (its index), the grants decide.
 */
function holdingAt(roles: readonly StaffRole[], schoolIds: readonly string[] | null): SQL {
  const roleList = sql`array[${sql.join(roles.map((r) => sql`${r}`), sql`, `)}]::text[]`;
  const anyRole = sql`${people.staffRoles} && ${roleList}`;
  if (schoolIds === null) return anyRole;
  const schools = sql`array[${sql.join([...schoolIds].map((id) => sql`${id}`), sql`, `)}]::text[]`;
  return sql`${anyRole} and exists (select 1 from jsonb_array_elements(${people.staffGrants}) g
    where g->>'role' = any(${roleList}) and (g->>'schoolId' is null or g->>'schoolId' = any(${schools})))`;
}

/**
 * The people of the school holding a staff role (alerts route to them), with their e-mail when the LMS
 * gave one; with `schoolIds`, only those holding it at one of those schools (a student's) or at every school.
 */
export async function holdersOfStaffRole(db: DbOrTx, tenantId: string, role: StaffRole, schoolIds: readonly string[] | null = null): Promise<{ id: string; email: string | null }[]> {
  return db
    .select({ id: people.id, email: people.email })
    .from(people)
    .where(and(eq(people.tenantId, tenantId), holdingAt([role], schoolIds)));
}

/**
 * The people of the school with this e-mail (any case) who are administrators on its roster: an active
 * membership an LMS launch or sync gave the admin role. The console's district sign-on matches on it.
 */
export async function adminsWithEmail(db: DbOrTx, tenantId: string, email: string): Promise<{ id: string; locale: string | null }[]> {
  const admin = sql`exists (select 1 from ${memberships} where ${memberships.tenantId} = ${tenantId} and ${memberships.personId} = ${people.id} and ${memberships.role} = 'admin' and ${memberships.status} = 'active')`;
  return db
    .select({ id: people.id, locale: people.locale })
    .from(people)
    .where(and(eq(people.tenantId, tenantId), sql`lower(${people.email}) = ${email.trim().toLowerCase()}`, admin))
    .orderBy(people.id);
}

/**
 * Gives (`held`) or takes back one grant, in one statement: staff_grants is the truth and staff_roles
 * stays the distinct list of its roles (queries by role use it). False when the person is not the tenant's.
 */
export async function setStaffGrant(db: DbOrTx, tenantId: string, personId: string, grant: StaffGrant, held: boolean): Promise<boolean> {
  const g = sql`jsonb_build_object('role', ${grant.role}::text, 'schoolId', ${grant.schoolId}::text)`;
  const next = held
    ? sql`case when exists (select 1 from jsonb_array_elements(${people.staffGrants}) e where e = ${g}) then ${people.staffGrants} else ${people.staffGrants} || jsonb_build_array(${g}) end`
    : sql`coalesce((select jsonb_agg(e) from jsonb_array_elements(${people.staffGrants}) e where e <> ${g}), '[]'::jsonb)`;
  const rows = await db
    .update(people)
    .set({
      staffGrants: sql`${next}`,
      staffRoles: sql`array(select distinct e->>'role' from jsonb_array_elements(${next}) e order by 1)`,
      updatedAt: new Date(),
    })
    .where(and(eq(people.tenantId, tenantId), eq(people.id, personId)))
    .returning({ id: people.id });
  return rows.length > 0;
}

/**
 * The school's people holding any of `roles` (a referral's owner is chosen among its coordinators and
 * counsellors); with `schoolIds`, those holding one at one of these schools or at every school.
 */
export function listStaffHolding(db: DbOrTx, tenantId: string, roles: readonly StaffRole[], schoolIds: readonly string[] | null = null): Promise<Pick<Person, 'id' | 'name' | 'email' | 'staffRoles' | 'staffGrants'>[]> {
  return db
    .select({ id: people.id, name: people.name, email: people.email, staffRoles: people.staffRoles, staffGrants: people.staffGrants })
    .from(people)
    .where(and(eq(people.tenantId, tenantId), holdingAt(roles, schoolIds)))
    .orderBy(people.name, people.id);
}

/** The active advisories each student is an active student of (the school view keeps them; titles and advisors are read per advisory). */
export async function advisoryIdsOf(db: DbOrTx, tenantId: string, studentIds: string[]): Promise<{ studentId: string; contextId: string }[]> {
  if (studentIds.length === 0) return [];
  const rows = await queryRows<{ student_id: string; context_id: string }>(db, sql`
    with s as (
      select m.person_id, m.context_id from ${idRows(studentIds)}
      cross join lateral (select person_id, context_id from ${memberships} where tenant_id = ${tenantId} and person_id = ids.id and role = 'student' and status = 'active' offset 0) m
    )
    select s.person_id as student_id, s.context_id from (select distinct context_id from s) k
    cross join lateral (select 1 from ${contexts} where tenant_id = ${tenantId} and id = k.context_id and kind = 'advisory' offset 0) c
    join s on s.context_id = k.context_id`);
  return rows.map((r) => ({ studentId: r.student_id, contextId: r.context_id }));
}

/** These contexts that are advisories, with their titles and active advisors. */
export async function advisoriesById(db: DbOrTx, tenantId: string, contextIds: string[]): Promise<{ contextId: string; title: string; advisorIds: string[] }[]> {
  if (contextIds.length === 0) return [];
  const rows = await queryRows<{ context_id: string; title: string; advisor_ids: string[] }>(db, sql`
    select c.id as context_id, c.title, coalesce(array_agg(m.person_id order by m.person_id) filter (where m.person_id is not null), '{}') as advisor_ids
    from ${idRows(contextIds)}
    cross join lateral (select id, title from ${contexts} where tenant_id = ${tenantId} and id = ids.id and kind = 'advisory' offset 0) c
    left join ${memberships} m on m.tenant_id = ${tenantId} and m.context_id = c.id and m.role = 'advisor' and m.status = 'active'
    group by c.id, c.title`);
  return rows.map((r) => ({ contextId: r.context_id, title: r.title, advisorIds: r.advisor_ids }));
}
