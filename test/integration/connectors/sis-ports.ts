import type { ConnectorRun, RunWriter } from '../../../src/connectors/connector.js';
import type { CourseScoreInput } from '../../../src/student-data/student-data.service.js';
import type { TestClock } from '../../support/clock.js';

/**
 * A ConnectorRun with in-memory identities and student data, to drive one connector's sync alone
 * (the database-backed runner is covered by the *-connector tests). `people` maps an external id, or
 * `sis:<id>` for a SIS id, to a person.
 */
export function memoryRun(clock: TestClock, people: Record<string, string>) {
  const scores = new Map<string, CourseScoreInput>();
  /** Standings a full run ended (keys as in `scores`). */
  const ended = new Set<string>();
  const counters = { fetched: 0, upserted: 0, unmatched: 0, notInTool: 0 };
  const matched: { source: string; rows: { externalId: string; sisId?: string | null; label?: string }[] }[] = [];
  const state: { cursor: Record<string, string> | undefined } = { cursor: undefined };
  const run = (o: Partial<ConnectorRun> & Pick<ConnectorRun, 'config' | 'secret'>): ConnectorRun => ({
    tenantId: 'tenant-1',
    trigger: 'schedule',
    cursor: state.cursor ?? {},
    // Saved only when the run succeeds, as the runner does.
    setCursor: (next) => (pending = next),
    counted: (c) => {
      counters.fetched += c.fetched ?? 0;
      counters.unmatched += c.unmatched ?? 0;
      counters.notInTool += c.notInTool ?? 0;
    },
    fetch: globalThis.fetch,
    clock,
    identities: {
      // No SIS id names two people here: a row that matches no one is left out as not in the tool.
      matchKnown: async (_tenantId, source, rows) => {
        matched.push({ source, rows: [...rows] });
        const m = new Map<string, string>();
        for (const r of rows) {
          const person = people[r.externalId] ?? (r.sisId ? people[`sis:${r.sisId}`] : undefined);
          if (person) m.set(r.externalId, person);
        }
        return { people: m, notInTool: new Set(rows.map((r) => r.externalId)).size - m.size, queued: 0 };
      },
    },
    // One transaction: the rows land only if the work finishes.
    write: async (work) => {
      const staged: CourseScoreInput[] = [];
      const writer: RunWriter = {
        courseScores: async (rows) => (staged.push(...rows), rows.length),
        endCourseScoresNotIn: async (seen) => {
          const keep = new Set(seen.map((r) => `${r.personId}|${r.courseKey}|${r.periodKey ?? ''}`));
          const gone = [...scores.keys()].filter((k) => !keep.has(k) && !ended.has(k));
          for (const k of gone) ended.add(k);
          return gone.length;
        },
        attendance: async () => 0,
        incidents: async () => 0,
      };
      const result = await work(writer);
      for (const r of staged) {
        const key = `${r.personId}|${r.courseKey}|${r.periodKey ?? ''}`;
        scores.set(key, r);
        ended.delete(key);
      }
      counters.upserted += staged.length;
      return result;
    },
    ...o,
  });
  let pending: Record<string, string> | undefined;
  /** Runs a sync as the runner would: the cursor is kept only when it succeeds. */
  const sync = async (fn: (run: ConnectorRun) => Promise<void>, o: Partial<ConnectorRun> & Pick<ConnectorRun, 'config' | 'secret'>) => {
    pending = undefined;
    await fn(run(o));
    if (pending) state.cursor = pending;
  };
  // Waiting moves the test clock, which the simulators' rate limits read.
  const backoff = { sleep: async (ms: number) => clock.advance(ms) };
  return { scores, ended, counters, matched, state, run, sync, backoff };
}
