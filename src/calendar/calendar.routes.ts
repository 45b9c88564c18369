import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { redirectInTool, summaryOf, unlessRefused } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { localDate } from '../web/time-zone.js';
import { holidayForm } from './calendar.schemas.js';

const CALENDAR = '/admin/calendar';
const fieldIds: Record<string, string> = { name: 'cal-name', from: 'cal-from', to: 'cal-to' };
const weekdayKeys = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** /admin/calendar: the school's closed days (list, add a day or a range, remove) and its weekend days. */
export function calendarRoutes(ctx: AppContext): Router {
  const r = Router();
  r.use(CALENDAR, ctx.requireUser);

  const render = async (req: Request, res: Response, errors?: Record<string, string>, values: Record<string, unknown> = {}) => {
    const locale = req.user!.locale;
    const today = localDate(ctx.clock.now(), await ctx.platforms.timeZoneOf(req.user!.tenantId));
    const view = await ctx.calendar.list(req.user!, today);
    const count = Number(req.query.count);
    res.status(errors ? 400 : 200).render('calendar/index', {
      titleKey: 'calendar.title',
      nav: [{ href: '/admin', label: t('nav.admin', {}, locale), current: false }],
      holidays: view.holidays.map((h) => ({ ...h, removeUrl: `${CALENDAR}/${h.date}/remove` })),
      weekend: view.weekendDays.map((d) => t(`calendar.weekdays.${weekdayKeys[d]}`, {}, locale)).join(', '),
      notice: !errors && req.query.done ? t(`calendar.done.${req.query.done === 'removed' ? 'removed' : 'added'}`, { count: Number.isInteger(count) ? count : 0 }, locale) : undefined,
      values,
      errors: errors ?? {},
      errorSummary: errors ? summaryOf(errors, (f) => fieldIds[f]) : undefined,
    });
  };

  r.get(CALENDAR, (req, res) => render(req, res));
  r.post(CALENDAR, async (req, res) => {
    const outcome = await unlessRefused(() => ctx.calendar.add(req.user!, holidayForm.safeParse(req.body)));
    if (!outcome.ok) return render(req, res, outcome.errors, req.body as Record<string, unknown>);
    redirectInTool(res, CALENDAR, { query: { done: 'added', count: outcome.value } });
  });
  r.post(`${CALENDAR}/:date/remove`, async (req, res) => {
    await ctx.calendar.remove(req.user!, req.params.date);
    redirectInTool(res, CALENDAR, { query: { done: 'removed' } });
  });
  return r;
}
