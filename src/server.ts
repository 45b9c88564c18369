import cluster from 'node:cluster';
import { ConfigError, loadConfig } from './web/config.js';
import { runPrimary } from './web/cluster.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // Several web processes share the port (node:cluster) on a PostgreSQL server; the job queue and the
  // leases in the database coordinate them. Otherwise this process runs the app itself.
  if (cluster.isPrimary && config.webConcurrency > 1) {
    runPrimary(config);
    return;
  }
  // Imported here, not above: the cluster primary never loads the app, so it stays small.
  const { startServer } = await import('./web/start.js');
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
