import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { createSimulator, type ProfileName, type Simulator } from '../../src/sandbox/simulator/index.js';
import type { Clock } from '../../src/web/clock.js';

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
