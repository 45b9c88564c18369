import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { installGuideView, lmsFamilies, toolUrls } from '../lti/families/index.js';
import type { PlatformProblem } from './platforms.schemas.js';
import { PlatformInputError, type Tenant } from './platforms.service.js';
import { redirectInTool } from '../web/forms.js';
import { asSystem } from '../db/tenant-scope.js';
import { schoolTimeZone } from '../web/time-zone.js';
import { t, type Locale } from '../web/i18n.js';

/** Every zone the runtime knows, offered as suggestions while typing (the input still takes any valid name). */
const zoneNames = Intl.supportedValuesOf('timeZone');

/** The registration form's inputs by field name, for the error summary's links. */
const inputIds: Record<string, string> = { name: 'p-name', family: 'p-family', issuer: 'p-issuer', clientId: 'p-client', authLoginUrl: 'p-auth', accessTokenUrl: 'p-token', jwksUrl: 'p-jwks', deploymentIds: 'p-deployments', timeZone: 'p-time-zone', schoolYearStart: 'p-year-month' };

const PAGE = '/admin/platforms';

/** The twelve months in the reader's language (Intl's names, with the language's own Intl tag), for the school year's first day. */
function monthsIn(locale: Locale | undefined, selected: number): { value: number; label: string; selected: boolean }[] {
  const f = new Intl.DateTimeFormat(t('language.intl', {}, locale), { month: 'long', timeZone: 'UTC' });
  return Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: f.format(Date.UTC(2001, i, 1)), selected: i + 1 === selected }));
}

/** A first day (MM-DD) as a reader reads it: "August 1", "1 de agosto". */
function startDayIn(locale: Locale | undefined, start: string): string {
  const [m, d] = start.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(t('language.intl', {}, locale), { month: 'long', day: 'numeric', timeZone: 'UTC' }).format(Date.UTC(2001, m - 1, d));
}

/** Admin area: registered LMS platforms, manual registration, and the "accept new deployments" switch. */
export function platformsRoutes(ctx: AppContext): Router {
  const r = Router();
  // The page lists and registers every LMS platform (each a tenant); who may change which is the policy's call.
  const acrossTenants: RequestHandler = (_req, _res, next) => asSystem('platform-admin', () => next());

  /** The school year's first day, shown and in its form: what the admin sent when it was refused, else what is stored. */
  const yearStartView = (locale: Locale | undefined, stored: string, form: Record<string, unknown>) => {
    const [m, d] = stored.split('-').map(Number) as [number, number];
    const sent = typeof form.month === 'string' || typeof form.day === 'string';
    return {
      schoolYearShown: startDayIn(locale, stored),
      yearMonths: monthsIn(locale, sent ? Number(form.month) : m),
      yearDayValue: sent ? String(form.day ?? '') : String(d),
    };
  };

  const render = async (req: Request, res: Response, form: Record<string, unknown> = {}, problems: PlatformProblem[] = []) => {
    const { own } = await ctx.platforms.adminPage(req.user!);
    const platforms = (own ? [own] : []).map((t) => ({
      ...t,
      familyLabel: t.lms.label,
      zoneFromLaunch: Boolean(t.lms.timeZoneFrom),
      updateUrl: `${PAGE}/${t.id}/deployments`,
      approveUrl: `${PAGE}/${t.id}/deployments/approve`,
      timeZoneUrl: `${PAGE}/${t.id}/time-zone`,
      // The zone and year start in force (the school calendar's), not the row's own columns.
      timeZone: t.calendar.timeZone,
      timeZoneShown: t.calendar.timeZone ?? schoolTimeZone,
      timeZoneValue: typeof form.timeZone === 'string' ? form.timeZone : (t.calendar.timeZone ?? ''),
      // A refused name the admin sent stays shown (selected) so they see what was refused.
      timeZoneUnlisted: typeof form.timeZone === 'string' && form.timeZone !== '' && !zoneNames.includes(form.timeZone),
      ...yearStartView(req.user!.locale, t.calendar.schoolYearStart, form),
      schoolYearUrl: `${PAGE}/${t.id}/school-year`,
    }));
    res.render('platforms/index', {
      titleKey: 'platforms.title',
      platforms,
      registeredAnother: req.query.registered === 'another',
      zoneNames,
      families: lmsFamilies.map((f) => ({ code: f.code, label: f.label, selected: form.family === f.code })),
      // How to add the tool in the admin's own LMS, e.g. to deploy it to more courses.
      guide: own && { lms: own.lms.label, ...installGuideView(own.lms.install, toolUrls(ctx.config.baseUrl)) },
      form,
      errors: Object.fromEntries(problems.map((p) => [p.field, p.text])),
      errorSummary: problems.map((p) => ({ href: `#${inputIds[p.field] ?? 'p-name'}`, text: p.text })),
    });
  };

  r.get(PAGE, ctx.requireUser, acrossTenants, async (req, res) => {
    await render(req, res);
  });

  /** A post the service may refuse with each field's problem: the page again, 400, with what was sent. */
  const orProblems = async (req: Request, res: Response, save: () => Promise<void>, form: Record<string, unknown>) => {
    try {
      await save();
    } catch (err) {
      if (!(err instanceof PlatformInputError)) throw err;
      res.status(400);
      await render(req, res, form, err.issues);
    }
  };

  r.post(PAGE, ctx.requireUser, acrossTenants, async (req, res) => {
    const posted = req.body as Record<string, unknown>;
    await orProblems(req, res, async () => {
      const added: Tenant = await ctx.platforms.addByAdmin(req.user!, posted);
      // Another LMS is managed from its own launches, so this page will not list it: say it was registered.
      redirectInTool(res, PAGE, { query: { registered: added.id === req.user!.tenantId ? undefined : 'another' } });
    }, posted);
  });

  r.post(`${PAGE}/:id/deployments`, ctx.requireUser, acrossTenants, async (req, res) => {
    await ctx.platforms.setAcceptNewDeployments(req.user!, String(req.params.id), req.body);
    redirectInTool(res, PAGE);
  });

  // The school's own row only: no cross-tenant scope, and the service gates it (platform policy).
  r.post(`${PAGE}/:id/time-zone`, ctx.requireUser, async (req, res) => {
    const typed = (req.body as Record<string, unknown>).timeZone;
    await orProblems(req, res, async () => {
      await ctx.platforms.setTimeZone(req.user!, String(req.params.id), req.body);
      redirectInTool(res, PAGE, { hash: 'time-zone' });
    }, { timeZone: typeof typed === 'string' ? typed : '' });
  });

  // Like the zone: the school's own row, gated by the service.
  r.post(`${PAGE}/:id/school-year`, ctx.requireUser, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    await orProblems(req, res, async () => {
      await ctx.platforms.setSchoolYearStart(req.user!, String(req.params.id), body);
      redirectInTool(res, PAGE, { hash: 'school-year' });
    }, { month: typeof body.month === 'string' ? body.month : '', day: typeof body.day === 'string' ? body.day : '' });
  });

  r.post(`${PAGE}/:id/deployments/approve`, ctx.requireUser, acrossTenants, async (req, res) => {
    const deploymentId = await ctx.platforms.approveDeployment(req.user!, String(req.params.id), req.body);
    res.locals.log.info({ tenantId: req.user!.tenantId, deploymentId }, 'deployment approved');
    redirectInTool(res, PAGE);
  });
  return r;
}
