import { Router } from 'express';
import type { JSONWebKeySet } from 'jose';
import type { AppContext } from '../web/context.js';
import { ALL_SERVICE_SCOPES, createSimulator } from './simulator/index.js';
import { ADVISORY, launchers, SCHOOL_TIME_ZONE, seedSampleSchool } from './sample-school.js';
import { resetSchool, seedIfEmpty, type SandboxCanvas } from './seed.js';
import { createCanvasApi } from './canvas-api/index.js';
import { CANVAS_PATH, seedSampleCanvas } from './sample-canvas.js';
import { safeError } from '../web/logger.js';
import { OUTBOX_PATH } from '../mail/mail.routes.js';
import { toolUrls } from '../lti/families/family.js';

const MOUNT = '/sandbox';
/** The reset button's target: a tool URL, never in the LMS simulator's own paths. */
export const RESET_PATH = '/sandbox-school/reset';
// Fixed ids: the tenant registered on the first start is reused on every later one.
const CLIENT_ID = '10000000000001';
const DEPLOYMENT_ID = '1:sandbox-deployment';

/**
 * The sandbox LMS sits on another site than the tool (127.0.0.1 vs localhost, same port), so the
 * tool runs in a cross-site iframe exactly as inside a real LMS.
 */
export function sandboxBaseUrl(toolBaseUrl: string): string {
  const u = new URL(toolBaseUrl);
  if (u.hostname === 'localhost') u.hostname = '127.0.0.1';
  else if (u.hostname === '127.0.0.1') u.hostname = 'localhost';
  return `${u.origin}${MOUNT}`;
}

/**
 * Unless disabled (production, SANDBOX_LMS=off): the LMS simulator mounted at /sandbox with a
 * sample school, registered with the tool, a term of the school's history in the tool, and the
 * "Launch as …" buttons and the reset button on the home page.
 */
export async function sandboxRoutes(ctx: AppContext): Promise<Router> {
  const r = Router();
  if (!ctx.config.sandbox) return r;
  const base = ctx.config.baseUrl;
  const jwksUri = `${base}/lti/keys`;
  const sim = await createSimulator({
    profile: 'canvas',
    baseUrl: sandboxBaseUrl(base),
    clock: ctx.clock,
    // The tool is this process: its keys are read directly (the seed runs before it listens).
    localToolKeys: async (uri) => (uri === jwksUri ? ((await ctx.lti.jwks()) as JSONWebKeySet) : null),
  });
  seedSampleSchool(sim);
  // The school's Canvas REST API beside its LMS (same process, /sandbox/canvas): the Canvas connector reads grades from it.
  const canvasBaseUrl = new URL(`${new URL(sim.baseUrl).pathname}${CANVAS_PATH}`, sim.baseUrl).toString();
  const canvasApi = await createCanvasApi({ baseUrl: canvasBaseUrl, clock: ctx.clock });
  seedSampleCanvas(canvasApi);
  const canvas: SandboxCanvas = { baseUrl: canvasBaseUrl, path: CANVAS_PATH, router: canvasApi.router };
  const { clientId, deploymentId } = sim.registerTool({
    name: 'Success Plans',
    initiateLoginUri: `${base}/lti/login`,
    redirectUris: [`${base}/lti/launch`],
    jwksUri,
    targetLinkUri: `${base}/lti/launch`,
    clientId: CLIENT_ID,
    deploymentId: DEPLOYMENT_ID,
  });
  const register = async () => {
    const tenant = await ctx.platforms.addManual({
      name: 'Sandbox LMS',
      issuer: sim.issuer,
      clientId,
      authLoginUrl: sim.endpoints.authLoginUrl,
      accessTokenUrl: sim.endpoints.accessTokenUrl,
      jwksUrl: sim.endpoints.jwksUrl,
      family: 'canvas',
      deploymentIds: [deploymentId],
      grantedScopes: [...ALL_SERVICE_SCOPES],
    });
    // The zone the first launch would bring (every sample person's profile has it), set now so the seed writes history in the school's days.
    await ctx.platforms.adoptTimeZone(tenant, SCHOOL_TIME_ZONE);
    return { tenant, clientId, deploymentId };
  };
  let tenantId: string;
  try {
    const registered = await register();
    tenantId = registered.tenant.id;
    try {
      await seedIfEmpty(ctx, sim, registered, register, canvas);
    } catch (err) {
      // The sandbox still launches; the school is just empty until the reset button is used.
      ctx.logger.error({ err: safeError(err) }, 'sandbox sample school could not be seeded');
    }
    tenantId = (await ctx.platforms.findByIssuer(sim.issuer, clientId))?.id ?? tenantId;
  } catch (err) {
    // The tool still serves real LMSs; only the sandbox buttons are left out.
    ctx.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'sandbox LMS registration failed');
    return r;
  }
  ctx.logger.info({ sandbox: sim.baseUrl }, 'sandbox LMS mounted');

  const view = {
    course: ADVISORY.title,
    url: sim.baseUrl,
    resetPath: RESET_PATH,
    /** E-mail kept instead of sent (no SMTP_URL): src/mail's page. */
    outboxPath: ctx.mail.keepsMail ? OUTBOX_PATH : null,
    // A launcher with no course opens the tool from the account's navigation (its marked launch URL).
    launchers: launchers.map((l) => ({ ...l, href: sim.courseFrameUrl(l.course ? { clientId, userSub: l.sub, courseId: l.course } : { clientId, userSub: l.sub, targetLinkUri: toolUrls(base).accountLaunch }) })),
  };
  r.get('/', (req, res, next) => {
    res.locals.sandbox = { ...view, notice: req.query.sandbox === 'reset' ? 'The sample school was reset: a fresh term of history is loaded.' : null };
    next();
  });

  // One reset at a time: a second click waits for the first instead of wiping it halfway.
  let resetting: Promise<unknown> = Promise.resolve();
  r.post(RESET_PATH, async (req, res, next) => {
    // Only the tool's own home page may ask (a form elsewhere must not wipe the sandbox).
    const site = req.get('sec-fetch-site');
    if (site && site !== 'same-origin') {
      res.status(403).render('error', { title: 'Not allowed', status: 403, detail: 'Reset the sample school from the tool\'s home page.' });
      return;
    }
    const run = resetting.then(async () => {
      tenantId = await resetSchool(ctx, sim, tenantId, register, canvas);
    });
    resetting = run.catch(() => undefined);
    try {
      await run;
    } catch (err) {
      next(err);
      return;
    }
    const done = new URL('/', base);
    done.searchParams.set('sandbox', 'reset');
    res.redirect(303, `${done.pathname}${done.search}`);
  });
  r.use(`${MOUNT}${CANVAS_PATH}`, canvas.router);
  r.use(MOUNT, sim.router);
  return r;
}
