import type { Policy } from './policy.js';
import { isOverseer, isTeamMember, type TeamDocument } from './team.js';

/**
 * `edit` covers a cycle's whole working surface: rating look-fors, writing reflections, attaching
 * evidence cards and tracking actions. `compare` is the page of cycles side by side over the year.
 */
export const reflectionActions = ['list', 'view', 'compare', 'print', 'create', 'edit'] as const;
export type ReflectionAction = (typeof reflectionActions)[number];

/** A team's reflection cycles: a school team's (`schoolId`) or the district team's (null). */
export type ReflectionResource = TeamDocument;

const reads: readonly ReflectionAction[] = ['list', 'view', 'compare', 'print'];

/**
 * The Reflection and Action Planning Tool (issue 13, item 2) is the same kind of team document as the
 * Success Map: the team (src/policies/team.ts) reads and writes; the tenant's admins read.
 */
export const reflectionPolicy: Policy<ReflectionAction, ReflectionResource> = (user, action, resource) =>
  isTeamMember(user, resource) || (isOverseer(user, resource) && reads.includes(action));
