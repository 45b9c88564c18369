import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express, Request, Response } from 'express';
import { createLtijsPlugin, type LtijsDatabase } from '../../src/lti/ltijs-plugin.js';
import { systemClock } from '../../src/web/clock.js';
import type { BenchEnv } from './bench.js';
import type { SimulatorHandle } from './platform.js';

/** The parts of an ltijs Provider a bare tool uses (its published types are stale, see src/lti/ltijs.ts). */
interface BareProvider {
  app: Express;
  setup(encryptionKey: string, database: { plugin: LtijsDatabase }, options: { cookies: { secure: boolean; sameSite: string } }): BareProvider;
  deploy(options: { serverless: true; silent: true }): Promise<true>;
  onConnect(handler: (token: unknown, req: Request, res: Response) => void): void;
  registerPlatform(platform: { url: string; name: string; clientId: string; authenticationEndpoint: string; accesstokenEndpoint: string; authConfig: { method: 'JWK_SET'; key: string } }): Promise<unknown>;
}

const require = createRequire(import.meta.url);

/**
 * ltijs exports one Provider per process and the app already holds it; a second, independent one
 * comes from loading ltijs's files afresh, after which the module cache is put back as it was.
 */
function freshProvider(): BareProvider {
  const dist = require.resolve('ltijs/dist/Provider/Provider').replace(/Provider[/\\]Provider\.js$/, '');
  const saved = Object.entries(require.cache).filter(([k]) => k.startsWith(dist));
  for (const [k] of saved) delete require.cache[k];
  try {
    return require('ltijs/dist/Provider/Provider') as BareProvider;
  } finally {
    for (const [k, m] of saved) require.cache[k] = m;
  }
}

export interface BareTool {
  clientId: string;
  close(): Promise<void>;
}

/** The page a bare tool shows on launch. */
export const BARE_PAGE = 'Hello from a bare ltijs tool';

/**
 * A bare ltijs tool as its README sets one up: OIDC login, id_token checked against the platform's
 * JWKS, a one-line page on launch. It stores state, nonces and keys through the project's plugin on
 * the bench's own database, so both tools pay the same database; registered with the same simulator.
 */
export async function startBareLtijs(env: BenchEnv, platform: SimulatorHandle): Promise<BareTool> {
  const provider = freshProvider();
  const plugin = createLtijsPlugin({ db: env.app.ctx.db, clock: systemClock });
  // The app's key: both tools share lti_documents, and the app reads every public key there for its JWKS.
  provider.setup(env.app.ctx.config.encryptionKey, { plugin }, { cookies: { secure: false, sameSite: 'Lax' } });
  const before = new Set(process.listeners('SIGINT'));
  await provider.deploy({ serverless: true, silent: true });
  // As in src/lti/ltijs.ts: deploy() adds a SIGINT handler that exits the process.
  for (const l of process.listeners('SIGINT')) if (!before.has(l)) process.removeListener('SIGINT', l);
  provider.onConnect((_token, _req, res) => {
    res.send(`<!doctype html><p>${BARE_PAGE}</p>`);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = provider.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { sim } = platform;
  const { clientId } = sim.registerTool({
    name: 'Bare ltijs',
    initiateLoginUri: `${baseUrl}/login`,
    redirectUris: [`${baseUrl}/`],
    jwksUri: `${baseUrl}/keys`,
    targetLinkUri: `${baseUrl}/`,
    scopes: [],
  });
  await provider.registerPlatform({
    url: sim.issuer,
    name: 'Bench simulator',
    clientId,
    authenticationEndpoint: sim.endpoints.authLoginUrl,
    accesstokenEndpoint: sim.endpoints.accessTokenUrl,
    authConfig: { method: 'JWK_SET', key: sim.endpoints.jwksUrl },
  });
  return {
    clientId,
    close: async () => {
      await plugin.Close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
