import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import type { AppUser } from '../auth/user.js';
import { orInvalid, redirectInTool, summaryOf } from '../web/forms.js';
import { t, type Locale } from '../web/i18n.js';
import { caseloadFilters, caseloadPageQuery, caseloadSorts, planStatusFilters } from './caseload.schemas.js';
import { indicatorBadges, layoutChoices, layoutOf, pagerOf, tableColumns } from './caseload.presenter.js';

/**
 * The caseload's sort, show and plan-status choices, labelled in the reader's language from
 * `caseload.<list>.<value>` (the empty status, any, is `statuses.any`).
 */
const options = (list: 'sorts' | 'shows' | 'statuses', values: readonly string[], selected: string, locale?: Locale) =>
  values.map((value) => ({ value, label: t(`caseload.${list}.${value || 'any'}`, {}, locale), selected: value === selected }));

/** The navigator page's inputs by field name, for the error summary's links. */
const navigatorFieldIds: Record<string, string> = { navigatorId: 'navigator', preferredAdult: 'preferred' };

/** The advisor's home (/caseload) and navigator assignment. */
export function caseloadRoutes(ctx: AppContext): Router {
  const r = Router();

  r.get('/caseload', ctx.requireUser, async (req, res) => {
    const query = caseloadPageQuery.parse(req.query);
    const home = await ctx.caseload.home(req.user!, query);
    if (home.divert) return redirectInTool(res, `/courses/${home.courseId}/${home.divert === 'decide' ? 'kind' : 'students'}`);
    const { rows, total, matched } = home;
    const recorded = Number(req.query.recorded);
    // The layout asked for, else the one the reader chose last (the service keeps it), else by size.
    const layout = layoutOf({ ...query, layout: home.layout }, total);
    const withIndicators = rows.some((row) => row.indicators !== null);
    res.render('caseload/index', {
      titleKey: 'caseload.title',
      query,
      total,
      filtered: matched !== total,
      matched,
      pager: pagerOf(query, { ...home, shown: rows.length }, req.user!.locale),
      recorded: Number.isInteger(recorded) && recorded > 0 ? recorded : 0,
      cadenceDays: ctx.config.checkinCadenceDays,
      // Recording for the whole class only makes sense from the advisory itself.
      inAdvisory: home.inAdvisory,
      // The supports catalogue is one link away for whoever may refer.
      canBrowseSupports: ctx.supports.can(req.user!).browse,
      canQueueReferrals: ctx.referrals.canQueue(req.user!),
      // The navigator view gathers what waits across every student this adult navigates.
      canOpenNavigatorView: ctx.navigatorView.canOpen(req.user!, total > 0),
      // Alerts routed to this adult, with how many wait (null: alerts are not theirs).
      alertsOpen: await ctx.alerts.openCount(req.user!),
      sorts: options('sorts', caseloadSorts, query.sort, req.user!.locale),
      shows: options('shows', caseloadFilters, query.show, req.user!.locale),
      statuses: options('statuses', planStatusFilters, query.status, req.user!.locale),
      shownLayout: layout,
      asTable: layout === 'table',
      layouts: layoutChoices(query, layout, req.user!.locale),
      columns: tableColumns(query, req.user!.locale, withIndicators),
      withIndicators,
      sortLabel: t(`caseload.sorts.${query.sort}`, {}, req.user!.locale),
      students: rows.map((row) => ({
        ...row,
        planUrl: `/students/${row.id}/plan`,
        goalsUrl: `/students/${row.id}/goals`,
        checkinsUrl: `/students/${row.id}/checkins`,
        newCheckinUrl: `/students/${row.id}/checkins/new`,
        navigatorUrl: `/caseload/students/${row.id}/navigator`,
        shownIndicators: indicatorBadges(row.indicators, req.user!.locale, withIndicators),
      })),
    });
  });

  const renderNavigator = async (req: Request, res: Response, errors: Record<string, string> = {}, values: Record<string, unknown> = {}) => {
    const { record, current, advisors, can } = await ctx.caseload.navigatorPage(req.user!, String(req.params.studentId));
    const chosen = (values.navigatorId as string | undefined) ?? current.navigatorIds[0];
    const student = record.student;
    res.render('caseload/navigator', {
      title: t('caseload.navigatorOf', { name: student.name }, req.user!.locale),
      nav: [{ href: '/caseload', label: t('nav.caseload', {}, req.user!.locale), current: false }],
      student,
      current,
      advisors: advisors.map((p) => ({ id: p.id, name: p.name || t('common.nameNotShared', {}, req.user!.locale), selected: p.id === chosen })),
      can,
      reassignAction: `/caseload/students/${student.id}/navigator`,
      preferredAction: `/caseload/students/${student.id}/preferred-adult`,
      preferredAdult: (values.preferredAdult as string | undefined) ?? current.preferredAdult ?? '',
      saved: req.query.saved === '1',
      errors,
      errorSummary: Object.keys(errors).length > 0 ? summaryOf(errors, (field) => navigatorFieldIds[field]) : undefined,
    });
  };

  r.get('/caseload/students/:studentId/navigator', ctx.requireUser, async (req, res) => {
    await renderNavigator(req, res);
  });

  /** The navigator page's two forms: the service refuses what is not right (field errors next to the field), else back to the page. */
  const navigatorForm = (path: string, save: (user: AppUser, studentId: string, posted: unknown) => Promise<void>) =>
    r.post(`/caseload/students/:studentId/${path}`, ctx.requireUser, async (req, res) => {
      const studentId = String(req.params.studentId);
      await orInvalid(
        res,
        async () => {
          await save(req.user!, studentId, req.body);
          redirectInTool(res, `/caseload/students/${studentId}/navigator`, { query: { saved: 1 } });
        },
        (e) => renderNavigator(req, res, e.errors, req.body as Record<string, unknown>),
      );
    });
  navigatorForm('navigator', (user, id, posted) => ctx.caseload.reassign(user, id, posted));
  navigatorForm('preferred-adult', (user, id, posted) => ctx.caseload.setPreferredAdult(user, id, posted));
  return r;
}
