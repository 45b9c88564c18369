import { parseArgs } from 'node:util';
import { loadConfig, ConfigError } from '../web/config.js';
import { asSystem } from '../db/tenant-scope.js';
import { openDatabase } from '../db/client.js';
import { createLogger } from '../web/logger.js';
import { systemClock } from '../web/clock.js';
import { createLtiService } from '../lti/lti.service.js';
import { familyCodes, familyFor, lmsFamilies, toolUrls } from '../lti/families/index.js';
import { createAuditService } from '../audit/audit.service.js';
import { createPlatformsService, PlatformInputError, type ManualPlatformInput } from './platforms.service.js';
import { issuesOf, manualPlatformInput } from './platforms.schemas.js';

const byHand = lmsFamilies.filter((f) => !f.supportsDynamicRegistration).map((f) => `${f.label}, `).join('');
const usage = `Register an LMS platform by hand (${byHand}or any LMS without Dynamic Registration).

Usage: npm run platform:add -- --issuer URL --client-id ID --auth-url URL --token-url URL --jwks-url URL
         --deployment ID [--deployment ID ...] [--name NAME] [--family ${familyCodes.join('|')}]
         [--auth-server AUDIENCE] [--accept-new-deployments]

Running it again with the same issuer and client id updates the platform and adds deployments.
With the embedded database (no DATABASE_URL), stop the server first: one process at a time may open DATA_DIR.`;

const options = {
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  'auth-url': { type: 'string' },
  'token-url': { type: 'string' },
  'jwks-url': { type: 'string' },
  deployment: { type: 'string', multiple: true },
  name: { type: 'string' },
  family: { type: 'string' },
  'auth-server': { type: 'string' },
  'accept-new-deployments': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function fail(lines: string[], code: number): never {
  process.stderr.write(`${lines.join('\n')}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
  try {
    args = parseArgs({ options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    fail([`platform:add: ${err instanceof Error ? err.message : String(err)}`, '', usage], 2);
  }
  if (args.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const missing = (['issuer', 'client-id', 'auth-url', 'token-url', 'jwks-url'] as const).filter((k) => !args[k]).map((k) => `--${k} is required`);
  if (!args.deployment?.length && !args['accept-new-deployments']) missing.push('--deployment is required (or --accept-new-deployments to record it at the first launch)');
  if (args.family !== undefined && !(familyCodes as readonly string[]).includes(args.family)) missing.push(`--family must be one of ${familyCodes.join(', ')}`);
  if (missing.length) fail([...missing.map((m) => `platform:add: ${m}`), '', usage], 2);

  const family = args.family as (typeof familyCodes)[number] | undefined;
  let host = String(args.issuer);
  try {
    host = new URL(host).host;
  } catch {
    // Validation below explains a bad issuer; the default name only needs some text.
  }
  const input: ManualPlatformInput = {
    name: args.name ?? `${familyFor(family).label} (${host})`,
    issuer: String(args.issuer),
    clientId: String(args['client-id']),
    authLoginUrl: String(args['auth-url']),
    accessTokenUrl: String(args['token-url']),
    jwksUrl: String(args['jwks-url']),
    authorizationServer: args['auth-server'],
    family,
    deploymentIds: args.deployment ?? [],
    acceptNewDeployments: args['accept-new-deployments'],
  };
  // Checked before the database opens so a typo is reported at once; addManual checks again.
  const valid = manualPlatformInput.safeParse(input);
  if (!valid.success) throw new PlatformInputError(issuesOf(valid.error));

  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'silent' ? 'silent' : 'warn', process.stderr);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, max: 2 });
  const lti = createLtiService({ db: database.db, clock: systemClock, logger, encryptionKey: config.encryptionKey, findTenant: (id) => platforms.find(id) });
  const platforms = createPlatformsService(database.db, lti, createAuditService(database.db, systemClock));
  try {
    await database.migrate();
    // A command-line tool registering a platform: no request, no tenant yet.
    const { tenant, kid, deployments } = await asSystem('tool', async () => {
      const added = await platforms.addManual(input);
      return { tenant: added, kid: (await lti.signingKey(added.id)).kid, deployments: await platforms.listDeployments(added.id) };
    });
    process.stdout.write(
      [
        `Registered ${tenant.name} (${tenant.lms.label})`,
        `  tenant id:    ${tenant.id}`,
        `  issuer:       ${tenant.issuer}`,
        `  client id:    ${tenant.clientId}`,
        `  deployments:  ${deployments.join(', ') || '(recorded at first launch)'}`,
        `  new deployments accepted: ${tenant.acceptNewDeployments ? 'yes' : 'no'}`,
        `  tool key id:  ${kid} (served at ${toolUrls(config.baseUrl).keys})`,
        '',
      ].join('\n'),
    );
  } finally {
    await lti.close();
    await database.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof PlatformInputError) fail(['platform:add: the platform was not registered:', ...err.problems.map((p) => `  - ${p}`)], 1);
  if (err instanceof ConfigError) fail([err.message], 2);
  fail([`platform:add: ${err instanceof Error ? err.message : String(err)}`], 1);
});
