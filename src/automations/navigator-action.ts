import type { DbOrTx } from '../db/client.js';
import { systemActor, type AuditService } from '../audit/audit.service.js';
import type { NavigatorsService } from '../navigators/navigators.service.js';

export interface NavigatorActionDeps {
  navigators: Pick<NavigatorsService, 'scopeOf' | 'assign'>;
  audit: Pick<AuditService, 'record'>;
}

/**
 * The `assign_navigator` action, in the run's transaction: the rule's adult becomes the navigator of a
 * student who has none at all (no assignment, no advisory teacher), audited as the tool's. A student who
 * has one keeps them (null: nothing to do): a rule never overrides a person's choice.
 */
export function createNavigatorAction(deps: NavigatorActionDeps) {
  return async (tx: DbOrTx, r: { tenantId: string; studentId: string; navigatorId: string; assignedBy: string }): Promise<string | null> => {
    if ((await deps.navigators.scopeOf(r.tenantId, r.studentId, tx)).navigatorIds.length > 0) return null;
    const row = await deps.navigators.assign({ tenantId: r.tenantId, studentId: r.studentId, navigatorId: r.navigatorId, assignedBy: r.assignedBy }, tx);
    await deps.audit.record(systemActor(r.tenantId), { action: 'update', entity: 'navigator_assignment', entityId: row.id, studentId: r.studentId }, tx);
    return row.id;
  };
}
