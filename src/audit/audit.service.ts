import { and, desc, eq, gte } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import type { AppUser } from '../auth/user.js';
import type { Clock } from '../web/clock.js';
import { auditEvents } from './audit.tables.js';

export type AuditAction = 'read' | 'create' | 'update' | 'delete';
export type AuditEvent = typeof auditEvents.$inferSelect;

export interface AuditEntry {
  action: AuditAction;
  entity: string;
  entityId?: string | null;
  studentId?: string | null;
}

/** Every read and write of a student record lands here: who, what, which student, when. */
export function createAuditService(db: Db, clock: Clock) {
  return {
    /** Pass the transaction of the write so the audit row commits (or rolls back) with it. */
    async record(user: Pick<AppUser, 'tenantId' | 'personId' | 'role'>, entry: AuditEntry, tx: DbOrTx = db): Promise<void> {
      await tx.insert(auditEvents).values({
        tenantId: user.tenantId,
        actorId: user.personId,
        actorRole: user.role,
        action: entry.action,
        entity: entry.entity,
        entityId: entry.entityId ?? null,
        studentId: entry.studentId ?? null,
        at: clock.now(),
      });
    },
    async list(tenantId: string, filter: { studentId?: string; actorId?: string; since?: Date; limit?: number } = {}): Promise<AuditEvent[]> {
      const conds = [eq(auditEvents.tenantId, tenantId)];
      if (filter.studentId) conds.push(eq(auditEvents.studentId, filter.studentId));
      if (filter.actorId) conds.push(eq(auditEvents.actorId, filter.actorId));
      if (filter.since) conds.push(gte(auditEvents.at, filter.since));
      return db
        .select()
        .from(auditEvents)
        .where(and(...conds))
        .orderBy(desc(auditEvents.at))
        .limit(filter.limit ?? 200);
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
