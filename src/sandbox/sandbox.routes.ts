import { Router } from 'express';
import type { AppContext } from '../web/context.js';
import { ALL_SERVICE_SCOPES, createSimulator } from './simulator/index.js';
import { ADVISORY, launchers, seedSampleSchool } from './sample-school.js';

const MOUNT = '/sandbox';
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
 * sample school, registered with the tool, and the "Launch as …" buttons on the home page.
 */
export async function sandboxRoutes(ctx: AppContext): Promise<Router> {
  const r = Router();
  if (!ctx.config.sandbox) return r;
  const base = ctx.config.baseUrl;
  const sim = await createSimulator({ profile: 'canvas', baseUrl: sandboxBaseUrl(base), clock: ctx.clock });
  seedSampleSchool(sim);
  const { clientId, deploymentId } = sim.registerTool({
    name: 'Success Plans',
    initiateLoginUri: `${base}/lti/login`,
    redirectUris: [`${base}/lti/launch`],
    jwksUri: `${base}/lti/keys`,
    targetLinkUri: `${base}/lti/launch`,
    clientId: CLIENT_ID,
    deploymentId: DEPLOYMENT_ID,
  });
  try {
    await ctx.platforms.addManual({
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
  } catch (err) {
    // The tool still serves real LMSs; only the sandbox buttons are left out.
    ctx.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'sandbox LMS registration failed');
    return r;
  }
  ctx.logger.info({ sandbox: sim.baseUrl }, 'sandbox LMS mounted');

  const view = {
    course: ADVISORY.title,
    url: sim.baseUrl,
    launchers: launchers.map((l) => ({ ...l, href: sim.courseFrameUrl({ clientId, userSub: l.sub, courseId: ADVISORY.id }) })),
  };
  r.get('/', (_req, res, next) => {
    res.locals.sandbox = view;
    next();
  });
  r.use(MOUNT, sim.router);
  return r;
}
