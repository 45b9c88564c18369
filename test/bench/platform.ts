import { startSimulator, connectTool } from '../support/simulator.js';
import type { BenchEnv } from './bench.js';
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
  const { clientId, tenant } = await connectTool(sim, { baseUrl: env.baseUrl, platforms: env.app.ctx.platforms }, { name: `Bench ${profile}`, family: profile });
  return { handle, clientId, tenant, close: () => handle.close() };
}
