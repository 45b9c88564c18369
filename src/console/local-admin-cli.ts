import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { loadConfig, ConfigError } from '../web/config.js';
import { openDatabase } from '../db/client.js';
import { systemClock } from '../web/clock.js';
import { createAuditService } from '../audit/audit.service.js';
import { createRosterService } from '../roster/roster.service.js';
import { createConsoleService, LOCAL_PASSWORD_MIN } from './console.service.js';

const usage = `Create a break-glass administrator of one school for the admin console, or reset their password.

Usage: npm run console:admin -- --school TENANT_ID --email ADDRESS [--name NAME] [--password-stdin]

Without --password-stdin a password is generated and printed once; with it, the first line of standard
input is the password (at least ${LOCAL_PASSWORD_MIN} characters). They sign in at /console/sign-in?school=TENANT_ID.
With the embedded database (no DATABASE_URL), stop the server first: one process at a time may open DATA_DIR.`;

const options = {
  school: { type: 'string' },
  email: { type: 'string' },
  name: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function fail(lines: string[], code: number): never {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(code);
}

async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split('\n')[0]!.replace(/\r$/, '');
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
  try {
    args = parseArgs({ options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    fail([`console:admin: ${err instanceof Error ? err.message : String(err)}`, '', usage], 2);
  }
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const missing: string[] = (['school', 'email'] as const).filter((k) => !args[k]).map((k) => `console:admin: --${k} is required`);
  if (args.school && !z.uuid().safeParse(args.school).success) missing.push('console:admin: --school is a tenant id (a UUID, as npm run platform:add printed it)');
  if (missing.length) fail([...missing, '', usage], 2);
  const generated = !args['password-stdin'];
  const password = generated ? randomBytes(18).toString('base64url') : await firstLineOfStdin();

  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, max: 2 });
  try {
    await database.migrate();
    const service = createConsoleService({ db: database.db, clock: systemClock, audit: createAuditService(database.db, systemClock), roster: createRosterService(database.db), permissionsOf: () => Promise.resolve(undefined), schoolExists: () => Promise.resolve(true) });
    await service.createLocalAdmin(String(args.school), { email: String(args.email), name: args.name ?? String(args.email), password });
    const signIn = new URL('/console/sign-in', config.baseUrl);
    signIn.searchParams.set('school', String(args.school));
    const lines = [`Administrator ${String(args.email).trim().toLowerCase()} of school ${String(args.school)} is ready.`, `Sign in at ${signIn.toString()}`];
    if (generated) lines.push(`Password (shown once, keep it somewhere safe): ${password}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) fail([err.message], 2);
  fail([`console:admin: ${err instanceof Error ? err.message : String(err)}`], 1);
});
