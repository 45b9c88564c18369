import { z } from 'zod';
import type { CourseScoreInput } from '../../student-data/student-data.service.js';
import { ConnectorError, type ConnectorRun } from '../connector.js';
import type { Backoff } from '../http-backoff.js';
import { classSchema, createOneRosterClient, GRADEBOOK, lineItemSchema, resultSchema, ROSTERING, userSchema, type OneRosterResult } from './oneroster.client.js';
import { classScores } from './oneroster.scores.js';

/** What an admin enters for OneRoster REST (the client secret is the setting's encrypted secret). */
export const oneRosterConfigSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }),
  tokenUrl: z.url({ protocol: /^https?$/ }),
  clientId: z.string().trim().min(1).max(200),
});
export type OneRosterConfig = z.infer<typeof oneRosterConfigSchema>;

/**
 * The since-cursor: the newest `dateLastModified` seen (the SIS's own clock, so ours can be off
 * without losing a change), for students and for gradebook records. Read with `>=`, so a record
 * saved in the same millisecond as the last one seen is not skipped (re-reading it is harmless: the
 * upsert is idempotent). Once a day a full run reads everything again, so a student linked since
 * (an admin resolving the review queue) gets their scores.
 */
export const oneRosterCursorSchema = z.object({ usersSince: z.string().optional(), gradebookSince: z.string().optional(), fullAt: z.string().optional() });

const FULL_EVERY_MS = 24 * 3600 * 1000;

const since = (iso: string | undefined): Record<string, string> => (iso ? { filter: `dateLastModified>='${iso}'` } : {});
/** The newest readable dateLastModified, kept as the SIS wrote it (a date it cannot read is passed over). */
const newest = (current: string | undefined, rows: { dateLastModified: string }[]) =>
  rows.reduce<string | undefined>((max, r) => {
    const at = Date.parse(r.dateLastModified);
    return Number.isFinite(at) && (!max || at > Date.parse(max)) ? r.dateLastModified : max;
  }, current);

/**
 * One OneRoster run: students changed since the cursor become identities (source 'sis', external id
 * = sourcedId, which is also the LTI lis.person_sourcedid); classes with a result or line item
 * changed since the cursor get their current score per student recomputed from all their results
 * (src/connectors/oneroster/oneroster.scores.ts); one upsert at the end, so a failed run writes
 * nothing and keeps its cursor.
 */
export async function syncOneRoster(run: ConnectorRun, backoff?: Partial<Backoff>): Promise<void> {
  const config = oneRosterConfigSchema.safeParse(run.config);
  // No usable address, client or secret: the admin's to fix, like a refused one.
  if (!config.success || !run.secret) throw new ConnectorError('not_configured');
  const previous = oneRosterCursorSchema.safeParse(run.cursor);
  const cursor = previous.success ? previous.data : {};
  const now = run.clock.now();
  const lastFull = cursor.fullAt ? Date.parse(cursor.fullAt) : NaN;
  const full = !cursor.gradebookSince || !Number.isFinite(lastFull) || now.getTime() - lastFull >= FULL_EVERY_MS;

  const client = createOneRosterClient({ ...config.data, clientSecret: run.secret, fetch: run.fetch, clock: run.clock, backoff });
  const students = await client.all(`${ROSTERING}/students`, 'users', userSchema, full ? {} : since(cursor.usersSince));
  let fetched = students.length;

  // Which classes to score: all of them on a full run, else those whose gradebook changed.
  const titles = new Map<string, string>();
  let classIds: string[];
  let gradebookSince = cursor.gradebookSince;
  if (full) {
    const classes = (await client.all(`${ROSTERING}/classes`, 'classes', classSchema)).filter((c) => c.status !== 'tobedeleted');
    for (const c of classes) titles.set(c.sourcedId, c.title);
    classIds = classes.map((c) => c.sourcedId);
  } else {
    const results = await client.all(`${GRADEBOOK}/results`, 'results', resultSchema, since(cursor.gradebookSince));
    const items = await client.all(`${GRADEBOOK}/lineItems`, 'lineItems', lineItemSchema, since(cursor.gradebookSince));
    gradebookSince = newest(newest(gradebookSince, results), items);
    const ids = new Set(items.map((l) => l.class.sourcedId));
    const classOfItem = new Map(items.map((l) => [l.sourcedId, l.class.sourcedId]));
    for (const r of results) {
      if (r.class) ids.add(r.class.sourcedId);
      else {
        // A result need not name its class; its line item does.
        if (!classOfItem.has(r.lineItem.sourcedId)) {
          const item = await client.one(`${GRADEBOOK}/lineItems/${encodeURIComponent(r.lineItem.sourcedId)}`, 'lineItem', lineItemSchema);
          classOfItem.set(r.lineItem.sourcedId, item?.class.sourcedId ?? '');
        }
        const classId = classOfItem.get(r.lineItem.sourcedId);
        if (classId) ids.add(classId);
      }
    }
    classIds = [...ids];
  }

  const perClass: { classId: string; title: string; results: OneRosterResult[]; scores: ReturnType<typeof classScores> }[] = [];
  for (const classId of classIds) {
    let title = titles.get(classId);
    if (title === undefined) {
      const cls = await client.one(`${ROSTERING}/classes/${encodeURIComponent(classId)}`, 'class', classSchema);
      if (!cls || cls.status === 'tobedeleted') continue;
      title = cls.title;
    }
    const path = `${GRADEBOOK}/classes/${encodeURIComponent(classId)}`;
    const items = await client.all(`${path}/lineItems`, 'lineItems', lineItemSchema);
    const results = await client.all(`${path}/results`, 'results', resultSchema);
    fetched += results.length;
    gradebookSince = newest(newest(gradebookSince, results), items);
    const scores = classScores(
      items.map((l) => ({ sourcedId: l.sourcedId, status: l.status, resultValueMax: l.resultValueMax })),
      results.map((r) => ({ lineItemSourcedId: r.lineItem.sourcedId, studentSourcedId: r.student.sourcedId, status: r.status, scoreStatus: r.scoreStatus, score: r.score, late: r.late, missing: r.missing })),
    );
    perClass.push({ classId, title, results, scores });
  }

  // One match for every student this run saw, with the SIS's name as the label admins review by.
  const labels = new Map(students.filter((u) => u.status !== 'tobedeleted').map((u) => [u.sourcedId, `${u.givenName} ${u.familyName}`.trim()]));
  const ids = new Set([...labels.keys(), ...perClass.flatMap((c) => [...c.scores.keys()])]);
  // The whole SIS is read: its students the tool does not know are left out, not queued.
  const { people, notInTool, queued } = ids.size
    ? await run.identities.matchKnown(run.tenantId, 'sis', [...ids].map((externalId) => ({ externalId, label: labels.get(externalId) })))
    : { people: new Map<string, string>(), notInTool: 0, queued: 0 };
  run.counted({ fetched, unmatched: queued, notInTool });

  const rows: CourseScoreInput[] = perClass.flatMap((c) =>
    [...c.scores].flatMap(([student, s]) => {
      const personId = people.get(student);
      return personId ? [{ personId, courseKey: c.classId, courseTitle: c.title, periodKey: '', currentScore: s.currentScore, missingCount: s.missingCount, lateCount: s.lateCount }] : [];
    }),
  );
  if (rows.length)
    await run.write(async (w) => {
      await w.courseScores(rows);
      // A full run read every class's results: a standing not among them has ended.
      if (full) await w.endCourseScoresNotIn(rows);
    });
  const next: Record<string, string> = {};
  const usersSince = newest(cursor.usersSince, students);
  if (usersSince) next.usersSince = usersSince;
  if (gradebookSince) next.gradebookSince = gradebookSince;
  const fullAt = full ? now.toISOString() : cursor.fullAt;
  if (fullAt) next.fullAt = fullAt;
  run.setCursor(next);
}
