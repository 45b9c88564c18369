import cluster from 'node:cluster';
import { startServer } from './web/start.js';
import { ConfigError, loadConfig } from './web/config.js';
import { runPrimary } from './web/cluster.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // Several web processes share the port (node:cluster) on a PostgreSQL server; the job queue and the
  // leases in the database coordinate them. One process runs the app itself.
  if (cluster.isPrimary && config.webConcurrency > 1) {
    await runPrimary(config);
    return;
  }
  await startServer();
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`Could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
