import { getTableColumns, getTableName } from 'drizzle-orm';
import { getTableConfig, type AnyPgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { studentRecordFeatures } from './records-requests.service.js';
import { schoolCatalogue } from '../schools/schools-records.service.js';
import { courseCatalogue } from '../roster/roster-records.service.js';
import { supportCatalogue } from '../supports/supports-records.service.js';

/**
 * The district-wide bundle's datasets (issue 14 item 7): one per SQL table, read whole for the tenant.
 * They come from the tables each feature already lists for a student's records request (its
 * `*-records.service.ts`), so a feature's new table joins the bundle by itself (and fails the page
 * until its columns are documented in config/locales/<lang>/recordsBundle.json), plus the district's
 * own catalogue the student rows point at: its schools, courses and supports.
 */

/** How a column's values are written: CSV cells and the dictionary's type. */
export type ColumnKind = 'id' | 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'instant' | 'json' | 'list';

export interface DatasetColumn {
  /** The SQL column's name: the CSV header and the JSON key. */
  name: string;
  column: AnyPgColumn;
  kind: ColumnKind;
  /** PostgreSQL's type, for a loader that wants it exact. */
  sqlType: string;
}

export interface Dataset {
  /** The SQL table's name: the file's name in the zip, the key in the JSON bundle. */
  name: string;
  /** The feature the rows belong to (recordsRequests.features.<feature>), or `district` for the catalogue. */
  feature: string;
  table: PgTable;
  tenant: AnyPgColumn;
  columns: DatasetColumn[];
  /** The primary key without the tenant: rows are read in this order, a page at a time, after the last row read. */
  key: AnyPgColumn[];
}

/**
 * Tables a feature lists for a student's records request that the bundle leaves out, each with why:
 * work queues and copies kept for speed, not the district's records.
 */
export const leftOutOfBundle: Readonly<Record<string, string>> = {
  indicators_pending: 'a queue of students whose indicators are due to be counted again',
  school_view_students: "the school view's kept copy of facts the other datasets hold",
  digest_sends: 'which day a digest e-mail went to a person (mail plumbing)',
  student_deletions: 'deletions scheduled on a records request page, answered there',
  identity_reviews: 'the queue of outside rows waiting to be matched to a student',
  automation_runs: "the automations' own bookkeeping",
  automation_events: "the automations' own bookkeeping",
  risk_review_attendees: 'risk-review meetings: the team records are not in the bundle yet',
  risk_review_items: 'risk-review meetings: the team records are not in the bundle yet',
  risk_review_notes: 'risk-review meetings: the team records are not in the bundle yet',
  risk_review_decisions: 'risk-review meetings: the team records are not in the bundle yet',
};

/**
 * Columns never written: the tenant (one district per bundle), a person's screen preferences, the LMS
 * service endpoints of a course (the LMS's plumbing, not the district's data), an alert's dedupe key.
 * No table holding secrets (tokens, passwords, keys, sessions) or the audit log is a dataset at all.
 */
const omittedColumns: Readonly<Record<string, readonly string[]>> = {
  people: ['preferences'],
  contexts: ['memberships_url', 'line_items_url', 'ags_scopes', 'last_roster_sync_at'],
  alerts: ['dedupe_key'],
};

function kindOf(column: AnyPgColumn): ColumnKind {
  const type = column.getSQLType();
  if (type.endsWith('[]')) return 'list';
  if (type === 'uuid') return 'id';
  if (type === 'integer' || type === 'smallint' || type === 'bigint') return 'integer';
  if (type === 'double precision' || type === 'real' || type.startsWith('numeric')) return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'date') return 'date';
  if (type.startsWith('timestamp')) return 'instant';
  if (type === 'json' || type === 'jsonb') return 'json';
  return 'text';
}

function datasetOf(feature: string, table: PgTable, tenant: AnyPgColumn): Dataset {
  const name = getTableName(table);
  const omitted = new Set(['tenant_id', ...(omittedColumns[name] ?? [])]);
  const all = Object.values(getTableColumns(table));
  const columns = all.filter((c) => !omitted.has(c.name)).map((column) => ({ name: column.name, column, kind: kindOf(column), sqlType: column.getSQLType() }));
  // The primary key's names (a composite key's columns are the config's copies): the table's own columns by those names.
  const config = getTableConfig(table);
  const primary = new Set([...config.columns.filter((c) => c.primary), ...config.primaryKeys.flatMap((k) => k.columns)].map((c) => c.name));
  const key = all.filter((c) => primary.has(c.name) && c.name !== tenant.name);
  if (key.length === 0) throw new Error(`bundle dataset ${name} has no primary key to page by`);
  return { name, feature, table, tenant, columns, key };
}

/** Every dataset of the bundle, in an order a loader can follow: the catalogue, then people, then each feature's rows (parents before children). */
export const bundleDatasets: readonly Dataset[] = (() => {
  const catalogue = [...schoolCatalogue, ...courseCatalogue, ...supportCatalogue].map((t) => datasetOf('district', t.table, t.tenant));
  const roster = studentRecordFeatures.filter(([f]) => f === 'roster');
  const others = studentRecordFeatures.filter(([f]) => f !== 'roster');
  const features = [...roster, ...others].flatMap(([feature, records]) =>
    // Features list their tables children first (the order they are forgotten in): read them the other way round.
    [...records.tables].reverse().flatMap((t) => (getTableName(t.table) in leftOutOfBundle ? [] : [datasetOf(feature, t.table, t.tenant)])),
  );
  return [...catalogue, ...features];
})();

export const datasetNames = bundleDatasets.map((d) => d.name);

export function datasetNamed(name: string): Dataset | undefined {
  return bundleDatasets.find((d) => d.name === name);
}
