import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { authorize } from '../policies/policy.js';
import { auditPolicy } from '../policies/audit.js';
import { auditFilter } from '../plans/plans.schemas.js';
import { badRequest } from '../web/errors.js';

/** /admin/audit: who read or changed which student's record, newest first. */
export function auditRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/admin/audit', ctx.requireUser, async (req, res) => {
    const user = req.user!;
    authorize(auditPolicy, user, 'list', { tenantId: user.tenantId });
    const filter = auditFilter.safeParse(req.query);
    if (!filter.success) throw badRequest('The student filter must be a student id from this list.', 'bad_filter');
    const events = await ctx.audit.list(user.tenantId, { studentId: filter.data.student, limit: 200 });
    const names = await ctx.roster.namesOf(user.tenantId, events.flatMap((e) => [e.actorId, e.studentId].filter((x): x is string => Boolean(x))));
    res.render('audit/index', {
      title: 'Audit log',
      student: filter.data.student,
      events: events.map((e) => ({ ...e, actorName: (e.actorId && names.get(e.actorId)) || 'Unknown', studentName: (e.studentId && names.get(e.studentId)) || '' })),
    });
  });
  return r;
}
