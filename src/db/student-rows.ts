import { and, eq, getTableName, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from './client.js';

/** A table whose rows name the student in a column. */
interface DirectTable {
  table: PgTable;
  tenant: AnyPgColumn;
  student: AnyPgColumn;
}

/** A table whose rows belong to a parent row that names the student (a goal's steps, a plan's entries). */
interface ChildTable {
  table: PgTable;
  tenant: AnyPgColumn;
  /** The child's column holding the parent's id. */
  parent: AnyPgColumn;
  of: DirectTable & { id: AnyPgColumn };
}

/**
 * A table of the district's own catalogue that names no student (its schools, courses, supports), which
 * student rows point at: a feature lists it for the district-wide bundle (src/records-requests/bundle.*).
 */
export interface DistrictTable {
  table: PgTable;
  tenant: AnyPgColumn;
}

/** One table a feature keeps a student's rows in. */
export type StudentTable = DirectTable | ChildTable;

/** A student's rows by SQL table name, as a records request exports them. */
export type StudentRows = Record<string, unknown[]>;

/** What each feature that keeps a student's rows offers a records request (issue 14 item 7). */
export interface StudentRecords {
  /** Every row of the student in the feature's tables, by table name. */
  recordsOf(db: DbOrTx, tenantId: string, studentId: string): Promise<StudentRows>;
  /** Deletes them, in the listed order (children before the rows they reference). */
  forget(db: DbOrTx, tenantId: string, studentId: string): Promise<void>;
  /** The tables themselves, as the feature listed them (the district bundle reads them whole). */
  tables: readonly StudentTable[];
}

function whereOf(t: StudentTable, tenantId: string, studentId: string): SQL | undefined {
  if ('student' in t) return and(eq(t.tenant, tenantId), eq(t.student, studentId));
  const p = t.of;
  return and(eq(t.tenant, tenantId), sql`${t.parent} in (select ${p.id} from ${p.table} where ${p.tenant} = ${tenantId} and ${p.student} = ${studentId})`);
}

/**
 * A feature's StudentRecords from the list of its tables that hold a student's rows. One helper so each
 * feature only lists its own tables (they stay its own: callers go through its `*-records.service.ts`).
 */
export function studentRecordsOf(tables: readonly StudentTable[]): StudentRecords {
  return {
    tables,
    async recordsOf(db, tenantId, studentId) {
      const out: StudentRows = {};
      for (const t of tables) out[getTableName(t.table)] = await db.select().from(t.table).where(whereOf(t, tenantId, studentId));
      return out;
    },
    async forget(db, tenantId, studentId) {
      for (const t of tables) await db.delete(t.table).where(whereOf(t, tenantId, studentId));
    },
  };
}
