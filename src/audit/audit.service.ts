import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import { schoolTimeZone } from '../web/time-zone.js';
import * as repo from './audit.repository.js';

export type { AuditCursor } from './audit.repository.js';

/** `publish`: the tool sent something derived from the record out of it (the plan score to the LMS gradebook). */
export const auditActions = ['read', 'create', 'update', 'delete', 'publish', 'denied'] as const;
export type AuditAction = (typeof auditActions)[number];

/** Who acted: a signed-in person, or the tool itself (`systemActor`) in background work. */
export interface AuditActor {
  tenantId: string;
  personId: string | null;
  role: string;
}
export const SYSTEM_ROLE = 'system';
export const systemActor = (tenantId: string): AuditActor => ({ tenantId, personId: null, role: SYSTEM_ROLE });

export interface AuditEntry {
  action: AuditAction;
  entity: string;
  entityId?: string | null;
  /** The one student the event is about... */
  studentId?: string | null;
  /** ...or every student it touched (a caseload, a roster, a publish). */
  studentIds?: readonly string[];
  /** For a denial: the action the policy refused. */
  attempt?: string | null;
}

export interface AuditEvent extends repo.AuditEventRow {
  studentIds: string[];
}

/** The query's filters (repo.AuditQuery), without what the service fills in: tenant, paging, default zone. */
export type AuditFilter = Omit<repo.AuditQuery, 'tenantId' | 'timeZone' | 'before' | 'after' | 'limit'> & {
  /** The zone `fromDay` and `toDay` are days of. */
  timeZone?: string;
};

export interface AuditPage {
  events: AuditEvent[];
  /** Where the next older page starts, and the newer one ends; null at either end of the log. */
  older: repo.AuditCursor | null;
  newer: repo.AuditCursor | null;
}

const cursorOf = (e: repo.AuditEventRow): repo.AuditCursor => ({ at: e.at, id: e.id });

/** Every read and write of a student record lands here: who, what, which students, when. Denials too. */
export function createAuditService(db: Db, clock: Clock) {
  async function withStudents(tenantId: string, rows: repo.AuditEventRow[]): Promise<AuditEvent[]> {
    const students = await repo.studentsOfEvents(db, tenantId, rows.map((r) => r.id));
    return rows.map((r) => ({ ...r, studentIds: students.get(r.id) ?? [] }));
  }

  /** One page of the tenant's log, newest first; `before`/`after` come from a page's `older`/`newer`. */
  async function page(tenantId: string, filter: AuditFilter, position: { before?: repo.AuditCursor; after?: repo.AuditCursor; size: number }): Promise<AuditPage> {
    const rows = await repo.findEvents(db, { ...filter, tenantId, timeZone: filter.timeZone ?? schoolTimeZone, before: position.before, after: position.after, limit: position.size });
    const more = rows.length > position.size;
    // Walking newer (`after`), the extra row is the newest one, first in the list.
    const shown = more ? (position.after ? rows.slice(1) : rows.slice(0, position.size)) : rows;
    const first = shown[0];
    const last = shown[shown.length - 1];
    return {
      events: await withStudents(tenantId, shown),
      older: last && (position.after || more) ? cursorOf(last) : null,
      newer: first && (position.before || (position.after && more)) ? cursorOf(first) : null,
    };
  }

  return {
    /** Pass the transaction of the write so the audit row commits (or rolls back) with it. */
    async record(actor: AuditActor, entry: AuditEntry, tx: DbOrTx = db): Promise<void> {
      const studentIds = [...new Set([...(entry.studentIds ?? []), ...(entry.studentId ? [entry.studentId] : [])])];
      await repo.insertEvent(
        tx,
        {
          tenantId: actor.tenantId,
          actorId: actor.personId,
          actorRole: actor.role,
          action: entry.action,
          entity: entry.entity,
          entityId: entry.entityId ?? null,
          attempt: entry.attempt ?? null,
          at: clock.now(),
        },
        studentIds,
      );
    },

    page,

    /** The newest events matching the filter (tests and small lists); pages use `page`. */
    async list(tenantId: string, filter: AuditFilter & { studentId?: string; actorId?: string; limit?: number } = {}): Promise<AuditEvent[]> {
      const { studentId, actorId, limit, ...rest } = filter;
      const q = { ...rest, ...(studentId ? { studentIds: [studentId] } : {}), ...(actorId ? { actorIds: [actorId] } : {}) };
      return (await page(tenantId, q, { size: limit ?? 200 })).events;
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
