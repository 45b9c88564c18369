import type { TestClock } from '../../support/clock.js';

/** In-memory stand-ins for the identities and student-data services, to drive a sync core alone. */
export function memoryPorts(clock: TestClock, people: Record<string, string>) {
  const scores = new Map<string, Record<string, unknown>>();
  const counters = { fetched: 0, upserted: 0, unmatched: 0 };
  const matched: { externalId: string; sisId?: string | null; label?: string }[][] = [];
  const state = { cursor: undefined as unknown };
  return {
    scores,
    counters,
    matched,
    state,
    ports: {
      get cursor() {
        return state.cursor;
      },
      saveCursor: async (c: unknown) => {
        state.cursor = c;
      },
      count: (k: 'fetched' | 'upserted' | 'unmatched', n: number) => {
        counters[k] += n;
      },
      fetch: globalThis.fetch,
      clock,
      // Waiting moves the test clock, which the simulators' rate limits read.
      backoff: { sleep: async (ms: number) => clock.advance(ms) },
      match: async (rows: { externalId: string; sisId?: string | null; label?: string }[]) => {
        matched.push(rows);
        const m = new Map<string, string>();
        for (const r of rows) {
          const person = people[r.externalId] ?? (r.sisId ? people[`sis:${r.sisId}`] : undefined);
          if (person) m.set(r.externalId, person);
        }
        return m;
      },
      upsertCourseScores: async (rows: { personId: string; courseKey: string; periodKey: string }[]) => {
        for (const r of rows) scores.set(`${r.personId}|${r.courseKey}|${r.periodKey}`, r);
        return rows.length;
      },
    },
  };
}
