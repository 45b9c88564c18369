import type { AppUser } from '../auth/user.js';
import type { Relationship } from './student-record.js';

/**
 * Permission sets (issue 14 item 6): the role x permission matrix of the student-record policies as a
 * district's data. For each resource, the actions each relationship to the student is granted; a school
 * without a published set has the policies' own defaults. The safety floor is the ceiling each policy
 * writes beside its defaults: what a relationship may ever be granted (students never write the adults'
 * words nor read adult-only notes, family never see check-ins, admins never write student content). A
 * set can only choose inside it: the document's schema offers nothing else (permission-set.kind.ts), and
 * a grant outside it is dropped here again whatever a stored set says.
 */
export const permissionResources = ['plan', 'goal', 'checkin', 'referral'] as const;
export type PermissionResource = (typeof permissionResources)[number];

/** The relationships a set may shape; a teacher's and a stranger's access are fixed. */
export const editableRelationships = ['self', 'advisor', 'staff', 'mentor', 'admin'] as const satisfies readonly Relationship[];
export type EditableRelationship = (typeof editableRelationships)[number];

/** A school's published set: per resource, per relationship, the actions granted (AppUser.permissions). */
export type PermissionSet = Partial<Record<PermissionResource, Partial<Record<EditableRelationship, readonly string[]>>>>;

/** One policy's table: its defaults and its ceiling, per relationship. */
export interface PermissionTable<A extends string> {
  defaults: Record<Relationship, readonly A[]>;
  ceiling: Record<EditableRelationship, readonly A[]>;
}

const editable = (rel: Relationship): rel is EditableRelationship => (editableRelationships as readonly string[]).includes(rel);

/** The actions a user's relationship grants on a resource: their school's set inside the ceiling, else the defaults. */
export function grantsOf<A extends string>(user: AppUser, resource: PermissionResource, table: PermissionTable<A>, rel: Relationship): readonly A[] {
  const granted = editable(rel) ? user.permissions?.[resource]?.[rel] : undefined;
  if (granted === undefined) return table.defaults[rel];
  const ceiling = table.ceiling[rel as EditableRelationship];
  return ceiling.filter((a) => granted.includes(a));
}
