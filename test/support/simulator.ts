import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createSimulator, type ProfileName, type Simulator } from '../../src/sandbox/simulator/index.js';
import type { Clock } from '../../src/web/clock.js';
import type { PlatformsService, Tenant } from '../../src/platforms/platforms.service.js';
import { scopes } from '../../src/lti/services/scopes.js';

export interface RunningSimulator {
  sim: Simulator;
  baseUrl: string;
  close(): Promise<void>;
}

/** An LMS simulator on its own loopback port, as a separate site from the tool under test. */
export async function startSimulator(profile: ProfileName, opts: { issuer?: string; clock?: Clock; registrationReturnsDeploymentId?: boolean } = {}): Promise<RunningSimulator> {
  const app = express();
  const ref: { handler?: express.Router } = {};
  app.use((req, res, next) => (ref.handler ? ref.handler(req, res, next) : next()));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sim = await createSimulator({ profile, baseUrl, ...opts });
  ref.handler = sim.router;
  return {
    sim,
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Connection {
  clientId: string;
  deploymentId: string;
  tenant: Tenant;
}

/**
 * Registers the tool with the simulator and the simulator with the tool, as an admin does on both
 * sides of a manual install. Grants every service scope unless told otherwise.
 */
export async function connectTool(
  sim: Simulator,
  tool: { baseUrl: string; platforms: Pick<PlatformsService, 'addManual'> },
  opts: { name?: string; family?: ProfileName; scopes?: string[]; grantedScopes?: string[]; customParameters?: Record<string, string> } = {},
): Promise<Connection> {
  const granted = opts.scopes ?? Object.values(scopes);
  const { clientId, deploymentId } = sim.registerTool({
    name: 'Success Plans',
    initiateLoginUri: `${tool.baseUrl}/lti/login`,
    redirectUris: [`${tool.baseUrl}/lti/launch`],
    jwksUri: `${tool.baseUrl}/lti/keys`,
    targetLinkUri: `${tool.baseUrl}/lti/launch`,
    scopes: granted,
    customParameters: opts.customParameters,
  });
  const tenant = await tool.platforms.addManual({
    name: opts.name ?? `Simulated ${sim.profile}`,
    issuer: sim.issuer,
    clientId,
    authLoginUrl: sim.endpoints.authLoginUrl,
    accessTokenUrl: sim.endpoints.accessTokenUrl,
    jwksUrl: sim.endpoints.jwksUrl,
    family: opts.family,
    deploymentIds: [deploymentId],
    grantedScopes: opts.grantedScopes ?? granted,
  });
  return { clientId, deploymentId, tenant };
}
