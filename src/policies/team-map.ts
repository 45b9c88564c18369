import type { Policy } from './policy.js';
import { isOverseer, isTeamMember, type TeamDocument } from './team.js';

export const teamMapActions = ['list', 'view', 'viewHistory', 'print', 'create', 'edit'] as const;
export type TeamMapAction = (typeof teamMapActions)[number];

/** A team's Success Maps: a school's (`schoolId`) or the district's (null). */
export type TeamMapResource = TeamDocument;

const reads: readonly TeamMapAction[] = ['list', 'view', 'viewHistory', 'print'];

/**
 * Success Maps (issue 13) are a team's working document: the team (src/policies/team.ts) reads and
 * writes; the tenant's admins read.
 */
export const teamMapPolicy: Policy<TeamMapAction, TeamMapResource> = (user, action, resource) =>
  isTeamMember(user, resource) || (isOverseer(user, resource) && reads.includes(action));
