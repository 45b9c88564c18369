import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { redirectInTool, summaryOf, unlessRefused } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { roleHome } from '../lti/roles.js';
import { resolveAlertForm, RESOLUTION_NOTE_MAX } from './alerts.schemas.js';
import type { AlertOutcome } from './alerts.service.js';

const PAGE = '/alerts';
const outcomes: readonly AlertOutcome[] = ['acknowledged', 'alreadyAcknowledged', 'resolved', 'alreadyResolved'];
const homeLabel: Record<string, string> = { '/caseload': 'nav.caseload', '/admin': 'nav.admin' };
const noteId = (alertId: string) => `alert-note-${alertId}`;

/** /alerts: the signed-in adult's alerts, open first; acknowledge (one click) and resolve (with a note). */
export function alertsRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(PAGE, ctx.requireUser);

  const render = async (req: Request, res: Response, failed?: { id: string; errors: Record<string, string>; note: string }) => {
    const user = req.user!;
    const view = await ctx.alerts.list(user);
    const done = outcomes.find((o) => o === req.query.done);
    const home = roleHome[user.role];
    res.render('alerts/index', {
      titleKey: 'alerts.title',
      nav: [{ href: home, label: t(homeLabel[home] ?? 'nav.home', {}, user.locale), current: false }],
      notice: done ? t(`alerts.done.${done}`, {}, user.locale) : undefined,
      noteMax: RESOLUTION_NOTE_MAX,
      errorSummary: failed ? summaryOf(failed.errors, () => noteId(failed.id)) : undefined,
      open: view.alerts.filter((a) => a.state !== 'resolved').map((a) => ({
        ...a,
        studentUrl: `/students/${a.studentId}/plan`,
        acknowledgeUrl: `${PAGE}/${a.id}/acknowledge`,
        resolveUrl: `${PAGE}/${a.id}/resolve`,
        noteId: noteId(a.id),
        note: failed?.id === a.id ? failed.note : '',
        error: failed?.id === a.id ? failed.errors.note : undefined,
      })),
      resolved: view.alerts.filter((a) => a.state === 'resolved').map((a) => ({ ...a, studentUrl: `/students/${a.studentId}/plan` })),
    });
  };

  r.get(PAGE, async (req, res) => {
    await render(req, res);
  });

  r.post(`${PAGE}/:id/acknowledge`, async (req, res) => {
    const outcome = await ctx.alerts.acknowledge(req.user!, req.params.id);
    redirectInTool(res, PAGE, { query: { done: outcome } });
  });

  r.post(`${PAGE}/:id/resolve`, async (req, res) => {
    const id = String(req.params.id);
    const posted = req.body as Record<string, unknown>;
    const outcome = await unlessRefused(() => ctx.alerts.resolve(req.user!, id, resolveAlertForm.safeParse(posted)));
    if (!outcome.ok) {
      res.status(400);
      return render(req, res, { id, errors: outcome.errors, note: typeof posted.note === 'string' ? posted.note : '' });
    }
    redirectInTool(res, PAGE, { query: { done: outcome.value } });
  });
  return r;
}
