import type { Server } from 'node:http';
import { loadConfig, type Config } from './config.js';
import { openDatabase, type Database } from '../db/client.js';
import { createLogger, type Logger } from './logger.js';
import { systemClock } from './clock.js';
import { createApp, type App } from './app.js';

export interface Running {
  server: Server;
  app: App;
  config: Config;
  database: Database;
  logger: Logger;
  stop(): Promise<void>;
}

/** Loads config, opens and migrates the database, listens. Shared by `npm start` and the browser tests. */
export async function startServer(env: NodeJS.ProcessEnv = process.env): Promise<Running> {
  const config = loadConfig(env);
  const logger = createLogger(config.logLevel);
  if (config.encryptionKeyGenerated) logger.warn({ dataDir: config.dataDir }, 'generated a new ENCRYPTION_KEY and kept it in DATA_DIR; set ENCRYPTION_KEY in production');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await database.migrate();
  const app = await createApp({ config, database, clock: systemClock, logger });
  const server = await new Promise<Server>((resolve) => {
    const s = app.app.listen(config.port, () => resolve(s));
  });
  logger.info({ port: config.port, baseUrl: config.baseUrl, database: database.driver }, 'listening');
  // Only a real server syncs rosters on a schedule and works the job queue; tests and tools build the app
  // without them. ctx.shutdown stops both.
  app.ctx.rosterSync.startScheduler();
  await app.ctx.scores.startSchedule();
  await app.ctx.indicators.startSchedule();
  await app.ctx.digest.startSchedule();
  await app.ctx.connectors.startSchedule();
  await app.ctx.referrals.startSchedule();
  await app.ctx.dashboards.startSchedule();
  await app.ctx.retention.startSchedule();
  await app.ctx.automations.startSchedule();
  await app.ctx.mail.resumeHeld();
  app.ctx.jobs.start();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.ctx.shutdown?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await database.close();
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
  return { server, app, config, database, logger, stop };
}
