import type { Clock } from '../web/clock.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import type { AttendanceInput, CourseScoreInput, CourseScoreKey, IncidentInput } from '../student-data/student-data.service.js';
import type { BadRow, ConnectorKind, RunTrigger } from './connectors.tables.js';

/**
 * Why a connector run stopped. `auth`: the school's credentials are wrong, expired or revoked; the
 * admin must act, so the run is not retried and the connector shows as needing attention. The others
 * are retried with backoff by the job queue (`retryAfterMs`: the source said how long to wait).
 */
export const connectorErrorKinds = ['auth', 'rate_limited', 'unavailable', 'bad_data', 'not_configured'] as const;
export type ConnectorErrorKind = (typeof connectorErrorKinds)[number];

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(
    readonly kind: ConnectorErrorKind,
    readonly retryAfterMs?: number,
  ) {
    // The kind only: an outside message can carry names.
    super(`connector error: ${kind}`);
  }
}

/** The writes of one run, bound to its school, its source and one transaction. Counts are kept for the run record. */
export interface RunWriter {
  courseScores(rows: readonly CourseScoreInput[]): Promise<number>;
  /**
   * Only after a full read of the source (every enrollment it has, not changes since a cursor): its
   * standings not among `seen` are marked ended (the student left, the course concluded, the grading
   * period moved on). Returns how many standings ended.
   */
  endCourseScoresNotIn(seen: readonly CourseScoreKey[]): Promise<number>;
  attendance(rows: readonly AttendanceInput[]): Promise<number>;
  incidents(rows: readonly IncidentInput[]): Promise<number>;
}

/** What a connector is given for one run. */
export interface ConnectorRun {
  tenantId: string;
  trigger: RunTrigger;
  /** The non-secret settings (base URL, account id, client id...). */
  config: Readonly<Record<string, string>>;
  /** The decrypted token or secret; null when none is saved. */
  secret: string | null;
  /** Where the last successful run stopped; `setCursor` saves the next one when this run succeeds. */
  cursor: Readonly<Record<string, string>>;
  setCursor(next: Record<string, string>): void;
  /**
   * Rows read from the source, rows refused (with their position and reason code), students queued for
   * an admin's review (`unmatched`), students left out as not the tool's (`notInTool`).
   */
  counted(c: { fetched?: number; unmatched?: number; notInTool?: number; rejected?: BadRow[] }): void;
  fetch: typeof fetch;
  clock: Clock;
  identities: Pick<IdentitiesService, 'matchKnown'>;
  /**
   * All of a run's writes in one transaction: a run that fails part-way writes nothing. Read
   * everything from the source first, then write.
   */
  write<T>(work: (writer: RunWriter) => Promise<T>): Promise<T>;
}

/** One source behind one small interface: fetch since the cursor, normalise, upsert (through `run.write`). */
export interface Connector {
  kind: ConnectorKind;
  /** The settings an admin fills in: non-secret ones are shown back, the secret one never is. */
  fields: readonly { name: string; label: string; secret?: boolean; url?: boolean }[];
  sync(run: ConnectorRun): Promise<void>;
}
