import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createCanvasApi, type CanvasApi, type CanvasApiOptions } from '../../src/sandbox/canvas-api/index.js';

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
