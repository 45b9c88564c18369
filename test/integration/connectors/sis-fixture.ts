import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Router } from 'express';

export interface Served<T> {
  api: T;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * An outside system's simulator on its own loopback port (a separate site from the tool), built once
 * the port is known because its links and signatures carry its own URL.
 */
export async function serve<T extends { router: Router }>(make: (baseUrl: string) => T): Promise<Served<T>> {
  const app = express();
  const ref: { router?: Router } = {};
  app.use((req, res, next) => (ref.router ? ref.router(req, res, next) : next()));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = make(baseUrl);
  ref.router = api.router;
  return {
    api,
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
