import { z } from 'zod';
import type { CourseScoreInput } from '../../student-data/student-data.service.js';
import { ConnectorError, type ConnectorRun } from '../connector.js';
import type { Backoff } from '../http-backoff.js';
import { courseSchema, createSchoologyClient, enrollmentSchema, finalGradeSchema, sectionSchema } from './schoology.client.js';
import { periodScores, type SchoologyPeriodScore } from './schoology.normalize.js';

/** What an admin enters for Schoology (the consumer secret is the setting's encrypted secret). */
export const schoologyConfigSchema = z.object({
  // Left empty: Schoology's own API.
  baseUrl: z.preprocess((v) => (v === '' ? undefined : v), z.url({ protocol: /^https?$/ }).default('https://api.schoology.com')),
  consumerKey: z.string().trim().min(1).max(200),
});
export type SchoologyConfig = z.infer<typeof schoologyConfigSchema>;

const seconds = z.string().regex(/^\d{1,12}$/).transform(Number);
/**
 * Where the last run got to. `gradesSince` (Unix seconds, Schoology's `timestamp` filter) makes a run
 * read only the grades changed since; once a day a full run reads every grade again, so a student
 * linked since (an admin resolving the review queue) or a section added gets its scores too.
 */
export const schoologyCursorSchema = z.object({ gradesSince: seconds.optional(), fullAt: seconds.optional() });

const FULL_EVERY_SECONDS = 24 * 3600;
/** Re-read a margin before the last run, for clock skew with Schoology's servers and grades saved mid-run. */
const OVERLAP_SECONDS = 600;

/**
 * One Schoology run: every active section of every course, its grades (changed since the cursor, or
 * all on a full run), its student enrollments; students matched on stable ids (the Schoology user
 * id, else the school_uid the district loaded from its SIS); one upsert per run at the end, so a run
 * that fails half-way (revoked keys, Schoology down) writes nothing and the next one starts again
 * from the same cursor.
 */
export async function syncSchoology(run: ConnectorRun, backoff?: Partial<Backoff>): Promise<void> {
  const config = schoologyConfigSchema.safeParse(run.config);
  // No usable key or secret: the admin's to fix, like a refused one.
  if (!config.success || !run.secret) throw new ConnectorError('not_configured');
  const previous = schoologyCursorSchema.safeParse(run.cursor);
  const cursor = previous.success ? previous.data : {};
  const startedAt = Math.floor(run.clock.now().getTime() / 1000);
  const full = cursor.fullAt === undefined || cursor.gradesSince === undefined || startedAt - cursor.fullAt >= FULL_EVERY_SECONDS;
  const since: Record<string, string> = full ? {} : { timestamp: String(cursor.gradesSince) };

  const client = createSchoologyClient({ baseUrl: config.data.baseUrl, consumerKey: config.data.consumerKey, consumerSecret: run.secret, fetch: run.fetch, clock: run.clock, backoff });
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

  const students = new Map<string, { externalId: string; sisId: string | null; label: string }>();
  for (const s of scores) if (!students.has(s.uid)) students.set(s.uid, { externalId: s.uid, sisId: s.schoolUid || null, label: s.label });
  // Every course of the school is read: its students the tool does not know are left out, not queued.
  const { people, notInTool, queued } = students.size ? await run.identities.matchKnown(run.tenantId, 'schoology', [...students.values()]) : { people: new Map<string, string>(), notInTool: 0, queued: 0 };
  run.counted({ fetched: scores.length, unmatched: queued, notInTool });

  const rows: CourseScoreInput[] = scores.flatMap((s) => {
    const personId = people.get(s.uid);
    return personId ? [{ personId, courseKey: s.sectionId, courseTitle: s.courseTitle, periodKey: s.periodId, currentScore: s.currentScore }] : [];
  });
  if (rows.length)
    await run.write(async (w) => {
      await w.courseScores(rows);
      // A full run read every active section's grades: a standing not among them has ended.
      if (full) await w.endCourseScoresNotIn(rows);
    });
  const fullAt = full ? startedAt : cursor.fullAt;
  run.setCursor({ gradesSince: String(startedAt - OVERLAP_SECONDS), ...(fullAt === undefined ? {} : { fullAt: String(fullAt) }) });
}
