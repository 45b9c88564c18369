import type { CanvasApi } from './canvas-api/index.js';
import { ADVISORIES, studentSisIds, studentSub } from './sample-school.js';
import { canvasCourses, type SampleStory } from './sample-school.data.js';

/**
 * The sample school's Canvas account, as the Canvas API simulator serves it inside the sandbox: the
 * advisory students' courses with current grades, so the tool's Canvas connector has something to
 * read and the caseload shows grade badges. Users carry the SIS ids the LMS profiles carry, which is
 * how the identities feature matches a Canvas user to a person the roster knows.
 */

/** Under the sandbox LMS's mount: the Canvas REST API lives at /sandbox/canvas/api/v1/... */
export const CANVAS_PATH = '/canvas';
/** The admin token the sandbox school's Canvas connector is set up with (the simulator keeps no state across restarts; a fixed token keeps the stored connector working). */
export const SANDBOX_CANVAS_TOKEN = 'sandbox~canvas-admin-token';
/** The Canvas account the courses are in (the simulator's root account). */
export const SANDBOX_CANVAS_ACCOUNT = '1';


const absencesOf = (story: SampleStory) => [...story.attendance].filter((c) => c === 'n').length;

/**
 * A student's current score in a course, from their story: each advisory session missed costs about
 * nine points, so the students who miss advisory also struggle in class (some below 60: failing).
 */
export function sampleScore(story: SampleStory, studentIndex: number, courseIndex: number): number {
  const course = canvasCourses[courseIndex]!;
  const score = 93 - absencesOf(story) * 9 + course.offset - ((studentIndex * 7 + courseIndex * 3) % 9);
  return Math.max(38, Math.min(99, score));
}

/** The sample students in LMS order, with their Canvas user id (stable across restarts: 3001 onwards). */
export const canvasStudents = ADVISORIES.flatMap((a) => a.students).map((s, i) => ({
  index: i,
  canvasUserId: String(3001 + i),
  sub: studentSub(s.givenName, s.familyName),
  name: `${s.givenName} ${s.familyName}`,
  story: s.story,
}));

/** Fills the simulated Canvas with the sample school's courses, enrollments and grades, and the admin token. */
export function seedSampleCanvas(canvas: CanvasApi): void {
  for (const c of canvasCourses) canvas.addCourse({ id: c.id, name: c.name, courseCode: c.courseCode, accountId: SANDBOX_CANVAS_ACCOUNT });
  for (const s of canvasStudents) {
    canvas.addUser({ id: s.canvasUserId, name: s.name, sisUserId: studentSisIds.get(s.sub) ?? null });
    canvasCourses.forEach((c, j) => {
      canvas.enroll(c.id, s.canvasUserId);
      canvas.setGrades(c.id, s.canvasUserId, { current: sampleScore(s.story, s.index, j) });
    });
  }
  canvas.issueToken({ token: SANDBOX_CANVAS_TOKEN, admin: true });
}
