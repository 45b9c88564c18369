import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { AppContext } from '../web/context.js';
import { studentInScope, type StudentInScope } from '../web/student-scope.js';
import { fieldErrors, redirectInTool, summaryOf } from '../web/forms.js';
import { authorize } from '../policies/policy.js';
import { caseloadPolicy, navigatorPolicy } from '../policies/caseload.js';
import { caseloadQuery, preferredAdultForm, reassignForm } from './caseload.schemas.js';

const sortOptions = [
  ['attention', 'Needs attention first'],
  ['name', 'Name'],
  ['status', 'Plan status'],
  ['checkin', 'Longest since check-in'],
] as const;
const showOptions = [
  ['all', 'Everyone'],
  ['overdue', 'Check-in overdue'],
  ['urgent', 'Urgent need'],
  ['needs', 'Any open need'],
  ['noplan', 'No plan yet'],
] as const;
const statusOptions = [
  ['', 'Any plan status'],
  ['none', 'No plan'],
  ['draft', 'Draft'],
  ['active', 'Active'],
] as const;
const options = (list: readonly (readonly [string, string])[], selected: string) => list.map(([value, label]) => ({ value, label, selected: value === selected }));

/** The navigator page's inputs by field name, for the error summary's links. */
const navigatorFieldIds: Record<string, string> = { navigatorId: 'navigator', preferredAdult: 'preferred' };

/** The advisor's home (/caseload) and navigator assignment. */
export function caseloadRoutes(ctx: AppContext): Router {
  const r = Router();

  r.get('/caseload', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    authorize(caseloadPolicy, user, 'view', { tenantId: user.tenantId });
    const query = caseloadQuery.parse(req.query);
    // Launched from a course nobody has decided on: ask first. From a subject course: its own page,
    // which links back here (view=caseload) for the students this teacher navigates elsewhere.
    if (user.contextKind === 'undecided') return redirectInTool(res, `/courses/${user.contextId}/kind`);
    if (user.contextKind === 'subject' && query.view !== 'caseload') return redirectInTool(res, `/courses/${user.contextId}/students`);
    const { rows, total } = await ctx.caseload.list(user, query);
    const recorded = Number(req.query.recorded);
    res.render('caseload/index', {
      title: 'Caseload',
      query,
      total,
      filtered: rows.length !== total,
      recorded: Number.isInteger(recorded) && recorded > 0 ? recorded : 0,
      cadenceDays: ctx.config.checkinCadenceDays,
      // Recording for the whole class only makes sense from the advisory itself.
      inAdvisory: user.contextKind === 'advisory',
      sorts: options(sortOptions, query.sort),
      shows: options(showOptions, query.show),
      statuses: options(statusOptions, query.status),
      students: rows.map((row) => ({
        ...row,
        planUrl: `/students/${row.id}/plan`,
        goalsUrl: `/students/${row.id}/goals`,
        checkinsUrl: `/students/${row.id}/checkins`,
        newCheckinUrl: `/students/${row.id}/checkins/new`,
        navigatorUrl: `/caseload/students/${row.id}/navigator`,
      })),
    });
  });

  const renderNavigator = async (req: Request, res: Response, s: StudentInScope, errors: Record<string, string> = {}, values: Record<string, unknown> = {}) => {
    const { current, advisors } = await ctx.caseload.navigatorPage(req.user!, s);
    const chosen = (values.navigatorId as string | undefined) ?? current.navigatorIds[0];
    res.render('caseload/navigator', {
      title: `Navigator: ${s.student.name}`,
      nav: [{ href: '/caseload', label: 'Caseload', current: false }],
      student: s.student,
      current,
      advisors: advisors.map((p) => ({ id: p.id, name: p.name || 'Name not shared by the LMS', selected: p.id === chosen })),
      canReassign: navigatorPolicy(req.user!, 'reassign', { scope: s.scope }),
      canSetPreferred: navigatorPolicy(req.user!, 'setPreferredAdult', { scope: s.scope }),
      reassignAction: `/caseload/students/${s.student.id}/navigator`,
      preferredAction: `/caseload/students/${s.student.id}/preferred-adult`,
      preferredAdult: (values.preferredAdult as string | undefined) ?? current.preferredAdult ?? '',
      saved: req.query.saved === '1',
      errors,
      errorSummary: Object.keys(errors).length > 0 ? summaryOf(errors, (field) => navigatorFieldIds[field]) : undefined,
    });
  };

  r.get('/caseload/students/:studentId/navigator', ctx.requireUser, async (req, res) => {
    await renderNavigator(req, res, await studentInScope(ctx, req.user!, req.params.studentId));
  });

  /** The navigator page's two forms: parse, re-render with errors next to the field, or save and come back. */
  const navigatorForm = <T>(path: string, schema: z.ZodType<T>, save: (req: Request, s: StudentInScope, data: T) => Promise<unknown>) =>
    r.post(`/caseload/students/:studentId/${path}`, ctx.requireUser, async (req, res) => {
      const s = await studentInScope(ctx, req.user!, req.params.studentId);
      const form = schema.safeParse(req.body);
      if (!form.success) {
        res.status(400);
        await renderNavigator(req, res, s, fieldErrors(form.error), req.body as Record<string, unknown>);
        return;
      }
      await save(req, s, form.data);
      redirectInTool(res, `/caseload/students/${s.student.id}/navigator`, { query: { saved: 1 } });
    });
  navigatorForm('navigator', reassignForm, (req, s, data) => ctx.caseload.reassign(req.user!, s, data.navigatorId));
  navigatorForm('preferred-adult', preferredAdultForm, (req, s, data) => ctx.caseload.setPreferredAdult(req.user!, s, data.preferredAdult));
  return r;
}
