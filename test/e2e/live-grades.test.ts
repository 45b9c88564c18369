import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import type { Frame } from 'playwright-core';
import { openBrowser, startBrowserTool, launchAs, type BrowserTool } from '../support/browser.js';
import { startCanvas, connectCanvas, type RunningCanvas } from '../support/canvas-api.js';
import { people as samplePeople } from '../../src/sandbox/sample-school.js';
import { queryRows } from '../../src/db/client.js';
import type { AppUser } from '../../src/auth/user.js';

/**
 * Issue 10, done when: a grade changed in the simulated Canvas reaches the advisor's caseload badge and
 * the student's data panel without anyone pressing a button. The tool runs as `npm start` does (its job
 * worker polling), Canvas on its own site sends its signed Live Event, and the pages are only reloaded.
 */
describe('live grades: a Canvas grade change reaches the caseload badge and the data panel by itself', function () {
  this.timeout(240_000);
  let tool: BrowserTool;
  let canvas: RunningCanvas;
  let studentId: string;
  let studentName: string;
  let canvasUserId: string;
  let quiz: string;

  before(async () => {
    tool = await startBrowserTool();
    canvas = await startCanvas();
    const { ctx } = tool.server.app;
    const [student] = await queryRows<{ tenant_id: string; id: string; sis_id: string; name: string }>(ctx.db, sql`select tenant_id, id, sis_id, name from people where sub = ${samplePeople.student}`);
    if (!student) throw new Error('the sandbox seed made no sample student');
    // The school's admin, as their first launch would store them.
    const adminRow = await ctx.roster.upsertPerson(student.tenant_id, { sub: samplePeople.admin, name: 'Sandbox admin' });
    ({ id: studentId, name: studentName } = student);
    // The school's Canvas knows the student by its own id and the SIS id the LMS launches carry.
    canvasUserId = canvas.canvas.addUser({ name: student.name, sisUserId: student.sis_id });
    const algebra = canvas.canvas.addCourse({ name: 'Algebra I' });
    canvas.canvas.enroll(algebra, canvasUserId);
    const homework = canvas.canvas.addAssignment(algebra, { name: 'Homework 1', pointsPossible: 100 });
    quiz = canvas.canvas.addAssignment(algebra, { name: 'Quiz 1', pointsPossible: 100 });
    await canvas.canvas.grade(homework, canvasUserId, 92, { publish: false });
    const admin: AppUser = { tenantId: student.tenant_id, personId: adminRow.id, name: adminRow.name, role: 'admin', contextId: null, contextTitle: '', contextKind: null, menteeIds: [] };
    await connectCanvas(ctx, admin, canvas, `http://localhost:${tool.port}`);
    // The first sync, as the schedule would run it; after this nobody touches the tool.
    await ctx.connectors.syncNow(admin.tenantId, 'canvas', 'schedule');
  });
  after(async () => {
    await canvas?.close();
    await tool?.stop();
  });

  /** Reloads the page until its text says `wanted` (the worker recomputes in the background), or fails after a minute. */
  async function until(frame: Frame, path: string, wanted: string, query: Record<string, string> = {}): Promise<string> {
    const deadline = Date.now() + 60_000;
    const launched = new URL(frame.url());
    const target = new URL(path, launched.origin);
    target.searchParams.set('ltik', launched.searchParams.get('ltik') ?? '');
    for (const [k, v] of Object.entries(query)) target.searchParams.set(k, v);
    for (;;) {
      await frame.goto(target.toString());
      const text = await frame.locator('main').innerText();
      if (text.includes(wanted) || Date.now() > deadline) return text;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  it('the advisor sees the new lowest score on the caseload, and the student page shows it, after Canvas alone changed it', async () => {
    const { page, close } = await openBrowser({ blockThirdPartyCookies: true });
    try {
      const frame = await launchAs(page, tool.port, 'teacher', '/caseload');
      const before = await until(frame, '/caseload', 'lowest 92%', { layout: 'table' });
      expect(before, 'the synced grade on the caseload').to.contain(studentName).and.to.contain('lowest 92%');

      // A teacher grades the quiz in Canvas: Canvas posts its signed grade_change to the tool.
      await canvas.canvas.grade(quiz, canvasUserId, 20);
      const after = await until(frame, '/caseload', 'lowest 56%', { layout: 'table' });
      expect(after, 'the caseload after the Live Event').to.contain('lowest 56%');

      const panel = await until(frame, `/students/${studentId}/data`, '56');
      expect(panel).to.contain('Algebra I').and.to.contain('56');
    } finally {
      await close();
    }
  });
});
