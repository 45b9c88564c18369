import { loadConfig, ConfigError } from '../web/config.js';
import { openDatabase } from './client.js';

/** `npm run migrate`: the Procfile's release phase. */
async function main() {
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await database.migrate();
    process.stdout.write(`migrations applied (${database.driver})\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : `migration failed: ${err instanceof Error ? err.message : String(err)}`}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
