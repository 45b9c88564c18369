import { startSimulator } from '../support/simulator.js';
import type { BenchEnv } from './bench.js';
import { scopes } from '../../src/lti/services/scopes.js';
import type { Tenant } from '../../src/platforms/platforms.service.js';

export const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

export type SimulatorHandle = Awaited<ReturnType<typeof startSimulator>>;

export interface BenchPlatform {
  handle: SimulatorHandle;
  clientId: string;
  tenant: Tenant;
  close(): Promise<void>;
}

/** The simulator on its own loopback port, with the tool registered on both sides, as an admin would. */
export async function simulatedPlatform(env: BenchEnv, profile: 'canvas' | 'schoology'): Promise<BenchPlatform> {
  const handle = await startSimulator(profile);
  const { sim } = handle;
  const granted = Object.values(scopes);
  const { clientId, deploymentId } = sim.registerTool({
    name: 'Success Plans',
    initiateLoginUri: `${env.baseUrl}/lti/login`,
    redirectUris: [`${env.baseUrl}/lti/launch`],
    jwksUri: `${env.baseUrl}/lti/keys`,
    targetLinkUri: `${env.baseUrl}/lti/launch`,
    scopes: granted,
  });
  const tenant = await env.app.ctx.platforms.addManual({
    name: `Bench ${profile}`,
    issuer: sim.issuer,
    clientId,
    authLoginUrl: sim.endpoints.authLoginUrl,
    accessTokenUrl: sim.endpoints.accessTokenUrl,
    jwksUrl: sim.endpoints.jwksUrl,
    family: profile,
    deploymentIds: [deploymentId],
    grantedScopes: granted,
  });
  return { handle, clientId, tenant, close: () => handle.close() };
}
