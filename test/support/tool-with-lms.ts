import { openDatabase, type Database } from '../../src/db/client.js';
import type { Config } from '../../src/web/config.js';
import { startTool, type RunningTool } from './tool-server.js';
import { startSimulator, connectTool, type RunningSimulator } from './simulator.js';

export interface ToolWithLms {
  database: Database;
  tool: RunningTool;
  sim: RunningSimulator;
  clientId: string;
  tenantId: string;
  close(): Promise<void>;
}

/**
 * The tool on a database of its own (runDue runs every due job in it, and schedules walk every
 * tenant), with a Canvas simulator on the tool's clock (token assertions and launches stay in date
 * when a test moves time), registered with each other.
 */
export async function startToolWithLms(overrides: Partial<Config>): Promise<ToolWithLms> {
  const database = await openDatabase({});
  await database.migrate();
  const tool = await startTool(overrides, { database });
  const sim = await startSimulator('canvas', { clock: tool.t.clock });
  const conn = await connectTool(sim.sim, { baseUrl: tool.baseUrl, platforms: tool.t.ctx.platforms }, { family: 'canvas' });
  return {
    database,
    tool,
    sim,
    clientId: conn.clientId,
    tenantId: conn.tenant.id,
    close: async () => {
      await tool.close();
      await sim.close();
      await database.close();
    },
  };
}
