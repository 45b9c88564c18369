import type { PermissionSet } from '../policies/permission-set.js';
import type { ContextKind } from '../roster/roster.service.js';
import type { Locale } from '../web/i18n.js';

/** The tool's own roles; LTI roles are mapped onto these once, at launch. */
export const toolRoles = ['advisor', 'student', 'family', 'admin', 'guest'] as const;
export type ToolRole = (typeof toolRoles)[number];

/**
 * Staff roles an admin gives to LMS users in the tool (an LMS role alone never says "counsellor").
 * Counsellors, social workers and support coordinators work with students' needs and referrals
 * across the school; leaders' views come with issue 12.
 */
export const staffRoles = ['counsellor', 'social_worker', 'coordinator', 'school_leader', 'district_leader'] as const;
export type StaffRole = (typeof staffRoles)[number];
/**
 * A staff role at one school (`schoolId`), or at every school of the tenant (null: a district leader,
 * or any role in a tenant that has not told its schools apart).
 */
export interface StaffGrant {
  role: StaffRole;
  schoolId: string | null;
}
/** The staff roles that work with individual students' needs, sensitive ones included. */
export const supportStaffRoles: readonly StaffRole[] = ['counsellor', 'social_worker', 'coordinator'];

/** Who is asking, rebuilt on every request from the ltik (never from a cookie session). */
export interface AppUser {
  tenantId: string;
  personId: string;
  name: string;
  role: ToolRole;
  /** The context (course) the launch came from; null for account-level launches. */
  contextId: string | null;
  contextTitle: string;
  /** What that course is (advisory, subject, undecided), read with the user: the advisor's home branches on it. Null without a course. */
  contextKind: ContextKind | null;
  /** Students (person ids) a family member may see, from role_scope_mentor. */
  menteeIds: string[];
  /**
   * The language of their pages: their own choice, else their LMS's (carried in the ltik). Absent for
   * users made outside a request (the sandbox's seed, tests): they read the default language.
   */
  locale?: Locale;
  /** Staff roles an admin gave them (absent or empty for most users; never for students and families). */
  staffRoles?: readonly StaffRole[];
  /** Where each staff role holds (absent or empty without staff roles): policies scope staff to their schools. */
  staffGrants?: readonly StaffGrant[];
  /** Their school's permission set in force (src/policies/permission-set.ts); absent: the policies' defaults. */
  permissions?: PermissionSet;
  /** Small choices they made on pages (people.preferences, read with them): each feature parses its own key. */
  preferences?: Readonly<Record<string, unknown>>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Passport puts the user here; declaration merging is the only way to type it.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends AppUser {}
  }
}
