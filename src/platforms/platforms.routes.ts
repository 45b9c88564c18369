import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { AppContext } from '../web/context.js';
import { badRequest, notFound } from '../web/errors.js';
import { authorize } from '../policies/policy.js';
import { platformPolicy } from '../policies/platform.js';
import { familyCodes, installGuideView, lmsFamilies, toolUrls } from '../lti/families/index.js';
import { deploymentApproval, deploymentsSetting, platformForm, issuesOf, timeZoneForm, type PlatformProblem } from './platforms.schemas.js';
import { PlatformInputError, type Tenant } from './platforms.service.js';
import { redirectInTool } from '../web/forms.js';
import { asSystem } from '../db/tenant-scope.js';
import { schoolTimeZone } from '../web/time-zone.js';

/** Every zone the runtime knows, offered as suggestions while typing (the input still takes any valid name). */
const zoneNames = Intl.supportedValuesOf('timeZone');

/** The registration form's inputs by field name, for the error summary's links. */
const inputIds: Record<string, string> = { name: 'p-name', family: 'p-family', issuer: 'p-issuer', clientId: 'p-client', authLoginUrl: 'p-auth', accessTokenUrl: 'p-token', jwksUrl: 'p-jwks', deploymentIds: 'p-deployments', timeZone: 'p-time-zone' };

const PAGE = '/admin/platforms';

/** Admin area: registered LMS platforms, manual registration, and the "accept new deployments" switch. */
export function platformsRoutes(ctx: AppContext): Router {
  const r = Router();
  // The page lists and registers every LMS platform (each a tenant); who may change which is the policy's call.
  const acrossTenants: RequestHandler = (_req, _res, next) => asSystem('platform-admin', () => next());

  const platformOf = async (id: string) => {
    const tenant = /^[0-9a-f-]{36}$/i.test(id) ? await ctx.platforms.find(id) : undefined;
    if (!tenant) throw notFound('That platform is not registered.');
    return tenant;
  };

  const render = async (req: Request, res: Response, form: Record<string, unknown> = {}, problems: PlatformProblem[] = []) => {
    const user = req.user!;
    // Only the admin's own registration: other schools' names, issuers, client ids and deployments are theirs.
    const own = await ctx.platforms.find(user.tenantId);
    const platforms = await Promise.all(
      (own ? [own] : []).map(async (t) => ({
        ...t,
        familyLabel: t.lms.label,
        deployments: await ctx.platforms.listDeployments(t.id),
        pendingDeployments: await ctx.platforms.listPendingDeployments(t.id),
        canUpdate: platformPolicy(user, 'update', { tenantId: t.id }),
        updateUrl: `${PAGE}/${t.id}/deployments`,
        approveUrl: `${PAGE}/${t.id}/deployments/approve`,
        timeZoneUrl: `${PAGE}/${t.id}/time-zone`,
        timeZoneShown: t.timeZone ?? schoolTimeZone,
        zoneFromLaunch: Boolean(t.lms.timeZoneFrom),
        timeZoneValue: typeof form.timeZone === 'string' ? form.timeZone : (t.timeZone ?? ''),
        // A refused name the admin sent stays shown (selected) so they see what was refused.
        timeZoneUnlisted: typeof form.timeZone === 'string' && form.timeZone !== '' && !zoneNames.includes(form.timeZone),
      })),
    );
    res.render('platforms/index', {
      title: 'LMS platforms',
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
    authorize(platformPolicy, req.user!, 'list', { tenantId: req.user!.tenantId });
    await render(req, res);
  });

  r.post(PAGE, ctx.requireUser, acrossTenants, async (req, res) => {
    authorize(platformPolicy, req.user!, 'add', { tenantId: req.user!.tenantId });
    const parsed = platformForm.safeParse(req.body);
    if (!parsed.success) {
      res.status(400);
      await render(req, res, {}, issuesOf(parsed.error));
      return;
    }
    const f = parsed.data;
    // Re-registering an existing (issuer, client id) rewrites its endpoints and keyset URL: that is
    // changing that platform, allowed only to its own admins (else one school could hijack another's launches).
    const existing = f.issuer && f.clientId ? await ctx.platforms.findByIssuer(f.issuer.trim(), f.clientId.trim()) : undefined;
    if (existing) authorize(platformPolicy, req.user!, 'update', { tenantId: existing.id });
    let added: Tenant;
    try {
      added = await ctx.platforms.addManual({
        name: f.name ?? '',
        issuer: f.issuer ?? '',
        clientId: f.clientId ?? '',
        authLoginUrl: f.authLoginUrl ?? '',
        accessTokenUrl: f.accessTokenUrl ?? '',
        jwksUrl: f.jwksUrl ?? '',
        family: (familyCodes as readonly string[]).includes(f.family ?? '') ? (f.family as (typeof familyCodes)[number]) : undefined,
        deploymentIds: (f.deploymentIds ?? '').split(/[\r\n,]+/).map((d) => d.trim()).filter(Boolean),
        acceptNewDeployments: f.acceptNewDeployments === 'on',
      });
    } catch (err) {
      if (!(err instanceof PlatformInputError)) throw err;
      res.status(400);
      await render(req, res, f, err.issues);
      return;
    }
    // Another LMS is managed from its own launches, so this page will not list it: say it was registered.
    redirectInTool(res, PAGE, { query: { registered: added.id === req.user!.tenantId ? undefined : 'another' } });
  });

  r.post(`${PAGE}/:id/deployments`, ctx.requireUser, acrossTenants, async (req, res) => {
    const tenant = await platformOf(String(req.params.id));
    authorize(platformPolicy, req.user!, 'update', { tenantId: tenant.id });
    const setting = deploymentsSetting.safeParse(req.body);
    if (!setting.success) throw badRequest('Choose whether new deployments are accepted.');
    await ctx.platforms.setAcceptNewDeployments(tenant.id, setting.data.acceptNewDeployments === 'on');
    redirectInTool(res, PAGE);
  });

  // The school's own row only: no cross-tenant scope, and the service gates it (platform policy).
  r.post(`${PAGE}/:id/time-zone`, ctx.requireUser, async (req, res) => {
    const tenant = await platformOf(String(req.params.id));
    const form = timeZoneForm.safeParse(req.body);
    const typed = form.success ? (form.data.timeZone ?? '') : '';
    try {
      await ctx.platforms.setTimeZone(req.user!, tenant.id, typed);
    } catch (err) {
      if (!(err instanceof PlatformInputError)) throw err;
      res.status(400);
      await render(req, res, { timeZone: typed }, err.issues);
      return;
    }
    redirectInTool(res, PAGE, { hash: 'time-zone' });
  });

  r.post(`${PAGE}/:id/deployments/approve`, ctx.requireUser, acrossTenants, async (req, res) => {
    const tenant = await platformOf(String(req.params.id));
    authorize(platformPolicy, req.user!, 'update', { tenantId: tenant.id });
    const approval = deploymentApproval.safeParse(req.body);
    if (!approval.success) throw badRequest('Name the deployment to approve.');
    await ctx.platforms.approveDeployment(req.user!, tenant.id, approval.data.deploymentId);
    res.locals.log.info({ tenantId: tenant.id, deploymentId: approval.data.deploymentId }, 'deployment approved');
    redirectInTool(res, PAGE);
  });
  return r;
}
