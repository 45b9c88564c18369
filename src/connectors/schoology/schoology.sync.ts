import { z } from 'zod';
import type { Clock } from '../../web/clock.js';
import { ConnectorError } from '../connector.js';
import type { Backoff } from '../http-backoff.js';
import { courseSchema, createSchoologyClient, enrollmentSchema, finalGradeSchema, sectionSchema } from './schoology.client.js';
import { periodScores, type SchoologyPeriodScore } from './schoology.normalize.js';

/** What an admin enters for Schoology (the consumer secret is the setting's encrypted secret). */
export const schoologyConfigSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.schoology.com'),
  consumerKey: z.string().trim().min(1).max(200),
});
export type SchoologyConfig = z.infer<typeof schoologyConfigSchema>;

/**
 * Where the last run got to. `gradesSince` (Unix seconds, Schoology's `timestamp` filter) makes a run
 * read only the grades changed since; once a day a full run reads every grade again, so a student
 * linked since (an admin resolving the review queue) or a section added gets its scores too.
 */
export const schoologyCursorSchema = z.object({ gradesSince: z.number().int().optional(), fullAt: z.number().int().optional() });
export type SchoologyCursor = z.infer<typeof schoologyCursorSchema>;

const FULL_EVERY_SECONDS = 24 * 3600;
/** Re-read a margin before the last run, for clock skew with Schoology's servers and grades saved mid-run. */
const OVERLAP_SECONDS = 600;

export interface CourseScoreInput {
  personId: string;
  courseKey: string;
  courseTitle: string;
  periodKey: string;
  currentScore: number | null;
  finalScore: number | null;
  missingCount: number | null;
  lateCount: number | null;
  observedAt: Date;
}

/** What a Schoology sync needs from the run; src/connectors/schoology/schoology.connector.ts fills it in. */
export interface SchoologySyncPorts {
  config: unknown;
  secret: string | null;
  cursor: unknown;
  saveCursor(cursor: SchoologyCursor): Promise<void>;
  count(counter: 'fetched' | 'upserted' | 'unmatched', n: number): void;
  fetch: typeof fetch;
  clock: Clock;
  backoff?: Partial<Backoff>;
  match(rows: { externalId: string; sisId: string | null; label: string }[]): Promise<Map<string, string>>;
  upsertCourseScores(rows: CourseScoreInput[]): Promise<number>;
}

/**
 * One Schoology run: every active section of every course, its grades (changed since the cursor, or
 * all on a full run), its student enrollments; students matched on stable ids (the Schoology user
 * id, else the school_uid the district loaded from its SIS); one upsert per run at the end, so a run
 * that fails half-way (revoked keys, Schoology down) writes nothing and the next one starts again
 * from the same cursor.
 */
export async function syncSchoology(p: SchoologySyncPorts): Promise<void> {
  const config = schoologyConfigSchema.safeParse(p.config ?? {});
  // A setting with no usable key or secret is the admin's to fix, like a refused one.
  if (!config.success || !p.secret) throw new ConnectorError('auth');
  const previous = schoologyCursorSchema.safeParse(p.cursor ?? {});
  const cursor: SchoologyCursor = previous.success ? previous.data : {};
  const startedAt = Math.floor(p.clock.now().getTime() / 1000);
  const full = cursor.fullAt === undefined || cursor.gradesSince === undefined || startedAt - cursor.fullAt >= FULL_EVERY_SECONDS;
  const since: Record<string, string> = full ? {} : { timestamp: String(cursor.gradesSince) };

  const client = createSchoologyClient({ baseUrl: config.data.baseUrl, consumerKey: config.data.consumerKey, consumerSecret: p.secret, fetch: p.fetch, clock: p.clock, backoff: p.backoff });
  const scores: SchoologyPeriodScore[] = [];
  for (const course of await client.all('/v1/courses', 'course', courseSchema)) {
    for (const section of await client.all(`/v1/courses/${encodeURIComponent(course.id)}/sections`, 'section', sectionSchema)) {
      if (!section.active) continue;
      const grades = await client.all(`/v1/sections/${encodeURIComponent(section.id)}/grades`, 'final_grade', finalGradeSchema, since);
      if (!grades.length) continue;
      const enrollments = await client.all(`/v1/sections/${encodeURIComponent(section.id)}/enrollments`, 'enrollment', enrollmentSchema);
      scores.push(...periodScores(section, enrollments, grades));
    }
  }
  p.count('fetched', scores.length);

  const students = new Map<string, { externalId: string; sisId: string | null; label: string }>();
  for (const s of scores) if (!students.has(s.uid)) students.set(s.uid, { externalId: s.uid, sisId: s.schoolUid || null, label: s.label });
  const people = students.size ? await p.match([...students.values()]) : new Map<string, string>();
  p.count('unmatched', [...students.keys()].filter((uid) => !people.has(uid)).length);

  const observedAt = p.clock.now();
  const rows: CourseScoreInput[] = scores.flatMap((s) => {
    const personId = people.get(s.uid);
    return personId
      ? [{ personId, courseKey: s.sectionId, courseTitle: s.courseTitle, periodKey: s.periodId, currentScore: s.currentScore, finalScore: null, missingCount: null, lateCount: null, observedAt }]
      : [];
  });
  p.count('upserted', rows.length ? await p.upsertCourseScores(rows) : 0);
  await p.saveCursor({ gradesSince: startedAt - OVERLAP_SECONDS, fullAt: full ? startedAt : cursor.fullAt });
}
