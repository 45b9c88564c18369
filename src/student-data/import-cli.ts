import { loadConfig, ConfigError } from '../web/config.js';
import { openDatabase } from '../db/client.js';
import { createLogger } from '../web/logger.js';
import { systemClock } from '../web/clock.js';
import { buildContext } from '../web/app.js';
import { parseImportArgs, runImport, usage, UsageError } from './import-command.js';

/** `npm run import -- --tenant ID --kind attendance FILE` (see import-command.ts). */
async function main(): Promise<number> {
  const args = await parseImportArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'silent' ? 'silent' : 'warn', process.stderr);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, max: 2, applicationName: 'success-plans-import' });
  const ctx = buildContext({ config, database, clock: systemClock, logger });
  try {
    await database.migrate();
    return await runImport(ctx.dataImports, args, (line) => process.stdout.write(`${line}\n`));
  } finally {
    await ctx.shutdown?.();
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`import: ${err.message}\n\n${usage}\n`);
    else if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    // The class only: a message could carry what the file held.
    else process.stderr.write(`import: failed (${err instanceof Error ? err.name : 'error'})\n`);
    process.exit(err instanceof UsageError || err instanceof ConfigError ? 2 : 1);
  },
);
