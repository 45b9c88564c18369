import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../../src/web/config.js';
import type { Database } from '../../src/db/client.js';
import { createTestApp, type TestApp } from './app.js';

export interface RunningTool {
  t: TestApp;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The real app listening on 127.0.0.1:0. The port is known only after listening, and BASE_URL must
 * name it (it is the redirect URI the platform posts to), so the server starts before the app exists.
 */
export async function startTool(overrides: Partial<Config> = {}, opts: { hostname?: string; database?: Database } = {}): Promise<RunningTool> {
  let handler: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // hostname 'localhost' puts the tool on another site than a simulator on 127.0.0.1 (a cross-site iframe, as in a real LMS).
  const baseUrl = `http://${opts.hostname ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  const t = await createTestApp({ baseUrl, ...overrides }, { database: opts.database });
  handler = t.app;
  return {
    t,
    baseUrl,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.ctx.shutdown?.();
    },
  };
}
