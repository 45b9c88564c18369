import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createCanvasApi, type CanvasApi, type CanvasApiOptions } from '../../src/sandbox/canvas-api/index.js';
import { liveEventsPath } from '../../src/connectors/canvas/canvas.routes.js';
import type { AppContext } from '../../src/web/context.js';
import type { AppUser } from '../../src/auth/user.js';

export interface RunningCanvas {
  canvas: CanvasApi;
  baseUrl: string;
  close(): Promise<void>;
}

/** The simulated Canvas on its own loopback port, a separate site from the tool under test. */
export async function startCanvas(opts: Omit<CanvasApiOptions, 'baseUrl'> = {}): Promise<RunningCanvas> {
  const app = express();
  const ref: { handler?: express.Router } = {};
  app.use((req, res, next) => (ref.handler ? ref.handler(req, res, next) : next()));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const canvas = await createCanvasApi({ baseUrl, ...opts });
  ref.handler = canvas.router;
  return {
    canvas,
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Connects a school to the simulated Canvas as its admin would: an admin token saved in the school's
 * Canvas connector settings (the simulator's Live Events key set as the JWKS URL), and a Live Events
 * subscription to the tool's endpoint for that school. Returns the token.
 */
export async function connectCanvas(
  ctx: Pick<AppContext, 'connectors'>,
  admin: AppUser,
  running: RunningCanvas,
  toolBaseUrl: string,
  opts: { accountId?: string } = {},
): Promise<string> {
  const token = running.canvas.issueToken();
  await ctx.connectors.save(admin, 'canvas', {
    config: { baseUrl: running.baseUrl, accountId: opts.accountId ?? '1', liveEventsJwksUrl: running.canvas.jwksUrl },
    secret: token,
    enabled: true,
  });
  running.canvas.subscribe(new URL(liveEventsPath(admin.tenantId), toolBaseUrl).toString());
  return token;
}
