import type { Express, RequestHandler } from 'express';
import { asSystem, outsideScope, type SystemReason } from '../db/tenant-scope.js';
import type { AppContext } from './context.js';
import { homeRoutes } from './home.routes.js';
import { sandboxRoutes } from '../sandbox/sandbox.routes.js';
import { installRoutes } from '../lti/install.routes.js';
import { platformsRoutes } from '../platforms/platforms.routes.js';
import { scoresRoutes } from '../scores/scores.routes.js';
import { loginRoutes } from '../lti/login.routes.js';
import { launchRoutes } from '../lti/launch.routes.js';
import { deepLinkingRoutes } from '../lti/deep-linking.routes.js';
import { roleHomeRoutes } from '../home/home.routes.js';
import { leaderRoutes } from '../dashboards/leader.routes.js';
import { schoolViewRoutes } from '../dashboards/school.routes.js';
import { plansRoutes } from '../plans/plans.routes.js';
import { auditRoutes } from '../audit/audit.routes.js';
import { caseloadRoutes } from '../caseload/caseload.routes.js';
import { navigatorRoutes } from '../dashboards/navigator.routes.js';
import { coursesRoutes } from '../courses/courses.routes.js';
import { goalsRoutes } from '../goals/goals.routes.js';
import { checkinsRoutes } from '../checkins/checkins.routes.js';
import { rosterRoutes } from '../roster/roster.routes.js';
import { metricsRoutes } from '../metrics/metrics.routes.js';
import { jobsRoutes } from '../jobs/jobs.routes.js';
import { connectorsRoutes } from '../connectors/connectors.routes.js';
import { importsRoutes } from '../student-data/imports.routes.js';
import { indicatorsRoutes } from '../indicators/indicators.routes.js';
import { supportsRoutes } from '../supports/supports.routes.js';
import { formBodies } from './body.js';
import { canvasLiveEventsRoutes } from '../connectors/canvas/canvas.routes.js';
import { languageRoutes } from './locale.js';
import { mailRoutes } from '../mail/mail.routes.js';
import { staffRoutes } from '../roster/staff.routes.js';
import { providersRoutes } from '../providers/providers.routes.js';
import { providerPortalRoutes } from '../providers/provider-portal.routes.js';
import { providerReferralPages } from '../referrals/referrals.provider-routes.js';
import { calendarRoutes } from '../calendar/calendar.routes.js';
import { schoolsRoutes, schoolsUploadRoutes } from '../schools/schools.routes.js';
import { reportsRoutes } from '../reports/reports.routes.js';
import { referralsRoutes } from '../referrals/referrals.routes.js';
import { alertsRoutes } from '../alerts/alerts.routes.js';
import { surveysRoutes } from '../surveys/surveys.routes.js';
import { impactRoutes } from '../impact/impact.routes.js';
import { teamMapsRoutes } from '../team-maps/team-maps.routes.js';
import { reflectionsRoutes } from '../reflections/reflections.routes.js';
import { automationsRoutes } from '../automations/automations.routes.js';
import { configurationRoutes, configurationUploadRoutes } from '../configuration/configuration.routes.js';
import { consoleRoutes } from '../console/console.routes.js';
import { recordsRequestsRoutes } from '../records-requests/records-requests.routes.js';
import { recordsBundleRoutes } from '../records-requests/bundle.routes.js';
import { riskReviewsRoutes } from '../risk-reviews/risk-reviews.routes.js';

/**
 * Routes that run before any user (so any tenant) is known see every tenant's rows (row-level
 * security, src/db/tenant-scope.ts); a request they do not answer leaves that scope again.
 */
function beforeAnyTenant(reason: SystemReason, routes: RequestHandler): RequestHandler {
  return (req, res, next) => asSystem(reason, () => routes(req, res, (err?: unknown) => outsideScope(() => next(err))));
}

/**
 * Every feature mounts here, in one visible list. Routes behind ctx.requireUser see only the user's
 * tenant; the ones wrapped in beforeAnyTenant find the tenant (launch) or span tenants (install, sandbox).
 */
export async function mountFeatures(app: Express, ctx: AppContext): Promise<void> {
  app.use(beforeAnyTenant('metrics', metricsRoutes(ctx)));
  // Before the sandbox LMS, which answers every other path under /sandbox.
  app.use(beforeAnyTenant('sandbox', mailRoutes(ctx)));
  // The LMS simulator reads its own bodies (LTI media types, nested JSON); every tool route below takes flat forms.
  app.use(beforeAnyTenant('sandbox', await asSystem('sandbox', () => sandboxRoutes(ctx))));
  // Canvas Data Services posts signed JWTs, not forms: before the form-body guard.
  app.use(canvasLiveEventsRoutes(ctx));
  // File imports read their own bodies (a multipart upload, a pushed file), so they come before the form parser.
  app.use(importsRoutes(ctx));
  app.use(schoolsUploadRoutes(ctx));
  app.use(configurationUploadRoutes(ctx));
  app.use(formBodies());
  // Community providers' own pages: a top-level window with a session of its own, scoped to /provider (no ltik).
  app.use(providerPortalRoutes(ctx, [providerReferralPages(ctx)]));
  // The admin console: a top-level window with a session of its own, scoped to /console (no ltik), opened from an admin's launch.
  app.use(consoleRoutes(ctx));
  app.use(homeRoutes(ctx));
  app.use(beforeAnyTenant('install', installRoutes(ctx)));
  app.use(platformsRoutes(ctx));
  app.use(scoresRoutes(ctx));
  app.use(beforeAnyTenant('launch', loginRoutes(ctx)));
  app.use(beforeAnyTenant('launch', launchRoutes(ctx)));
  app.use(deepLinkingRoutes(ctx));
  app.use(roleHomeRoutes(ctx));
  app.use(leaderRoutes(ctx));
  app.use(schoolViewRoutes(ctx));
  app.use(languageRoutes(ctx));
  app.use(plansRoutes(ctx));
  app.use(auditRoutes(ctx));
  app.use(caseloadRoutes(ctx));
  app.use(navigatorRoutes(ctx));
  app.use(coursesRoutes(ctx));
  app.use(goalsRoutes(ctx));
  app.use(checkinsRoutes(ctx));
  app.use(rosterRoutes(ctx));
  app.use(jobsRoutes(ctx));
  app.use(connectorsRoutes(ctx));
  app.use(indicatorsRoutes(ctx));
  app.use(supportsRoutes(ctx));
  app.use(staffRoutes(ctx));
  app.use(providersRoutes(ctx));
  app.use(calendarRoutes(ctx));
  app.use(schoolsRoutes(ctx));
  app.use(reportsRoutes(ctx));
  app.use(referralsRoutes(ctx));
  app.use(alertsRoutes(ctx));
  app.use(surveysRoutes(ctx));
  app.use(impactRoutes(ctx));
  app.use(teamMapsRoutes(ctx));
  app.use(reflectionsRoutes(ctx));
  app.use(configurationRoutes(ctx));
  app.use(automationsRoutes(ctx));
  app.use(recordsRequestsRoutes(ctx));
  app.use(recordsBundleRoutes(ctx));
  app.use(riskReviewsRoutes(ctx));
}
