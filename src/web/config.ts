import { readFileSync, mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import type { OutboundPolicy } from '../lti/outbound.js';

/** Shipped defaults live in config/defaults.json so an operator can read them without reading code. */
const defaultsSchema = z.object({
  port: z.number().int(),
  dataDir: z.string(),
  logLevel: z.string(),
  rosterSyncMaxAgeMinutes: z.number().positive(),
  rosterSyncIntervalMinutes: z.number().positive(),
  /** Plan changes within this many seconds make one gradebook publish per course. */
  scorePublishDebounceSeconds: z.number().nonnegative(),
  /** Every advisory course with publishing on is published this often, changed or not. */
  scorePublishIntervalMinutes: z.number().positive(),
  /** Every enabled data connector (src/connectors) syncs this often; Live Events bring grade changes sooner. */
  connectorSyncIntervalMinutes: z.number().positive(),
  /** The background job worker (src/jobs): how often it looks for due jobs, how long it may hold one, retries. */
  jobPollSeconds: z.number().positive(),
  jobLeaseMinutes: z.number().positive(),
  jobMaxAttempts: z.number().int().positive(),
  jobRetryBaseSeconds: z.number().nonnegative(),
  firstSyncWaitMs: z.number().int().nonnegative().max(30_000),
  checkinCadenceDays: z.number().int().positive(),
  /** Days between an admin scheduling a student's deletion and the deletion (src/records-requests): they can cancel it meanwhile. */
  studentDeletionGraceDays: z.number().int().nonnegative(),
  caseloadPageSize: z.number().int().min(10).max(500),
  ltikTtlMinutes: z.number().int().positive(),
  clockSkewSeconds: z.number().int().nonnegative(),
  bodyLimit: z.string(),
  /** The sender of the tool's e-mail (src/mail) unless MAIL_FROM says otherwise. */
  mailFrom: z.string().min(3),
});

export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), findUp());

/** src/web when run with tsx, dist/src/web when compiled: climb to the folder holding package.json. */
function findUp(): string {
  let rel = '..';
  for (let i = 0; i < 5; i++) {
    const candidate = path.resolve(path.dirname(new URL(import.meta.url).pathname), rel);
    if (existsSync(path.join(candidate, 'package.json')) && existsSync(path.join(candidate, 'config'))) return rel;
    rel = path.join(rel, '..');
  }
  throw new Error('could not find the project root (package.json beside config/)');
}

const envSchema = (d: z.infer<typeof defaultsSchema>) =>
  z
    .object({
      NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
      PORT: z.coerce
        .number({ error: 'PORT must be a whole number between 1 and 65535' })
        .int('PORT must be a whole number between 1 and 65535')
        .min(1, 'PORT must be between 1 and 65535')
        .max(65535, 'PORT must be between 1 and 65535')
        .default(d.port),
      BASE_URL: z.url({ error: 'BASE_URL must be a full URL such as https://plans.example.edu' }).optional(),
      DATABASE_URL: z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must start with postgres:// or postgresql://')
        .optional(),
      DATA_DIR: z.string().min(1).default(d.dataDir),
      ENCRYPTION_KEY: z.string().min(32, 'ENCRYPTION_KEY must be at least 32 characters').optional(),
      LOG_LEVEL: z
        .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
          error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
        })
        .default(d.logLevel as 'info'),
      SANDBOX_LMS: z.enum(['on', 'off'], { error: 'SANDBOX_LMS must be on or off' }).optional(),
      METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
      SMTP_URL: z
        .string()
        .regex(/^smtps?:\/\/[^/\s]+/, 'SMTP_URL must look like smtp://user:password@mail.example.edu:587 or smtps://…')
        .optional(),
      MAIL_FROM: z.string().min(3, 'MAIL_FROM must be an address such as Success Plans <plans@example.edu>').default(d.mailFrom),
      WEB_CONCURRENCY: z.coerce
        .number({ error: 'WEB_CONCURRENCY must be a whole number from 1 to 64' })
        .int('WEB_CONCURRENCY must be a whole number from 1 to 64')
        .min(1, 'WEB_CONCURRENCY must be from 1 to 64')
        .max(64, 'WEB_CONCURRENCY must be from 1 to 64')
        .optional(),
      CASELOAD_PAGE_SIZE: z.coerce
        .number({ error: 'CASELOAD_PAGE_SIZE must be a whole number from 10 to 500' })
        .int('CASELOAD_PAGE_SIZE must be a whole number from 10 to 500')
        .min(10, 'CASELOAD_PAGE_SIZE must be from 10 to 500')
        .max(500, 'CASELOAD_PAGE_SIZE must be from 10 to 500')
        .default(d.caseloadPageSize),
    });

/** Rules across variables, checked on the raw environment so they are reported alongside field errors. */
function crossChecks(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.NODE_ENV === 'production' && !env.ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY: ENCRYPTION_KEY is required when NODE_ENV=production');
  if (env.NODE_ENV === 'production' && !env.BASE_URL) problems.push('BASE_URL: BASE_URL is required when NODE_ENV=production');
  const workers = Number(env.WEB_CONCURRENCY ?? 1);
  if (workers > 1 && !env.DATABASE_URL) problems.push('WEB_CONCURRENCY: more than one process needs DATABASE_URL (the embedded database opens in one process only)');
  else if (workers > 1 && env.NODE_ENV !== 'production' && env.SANDBOX_LMS !== 'off') problems.push('WEB_CONCURRENCY: the sandbox LMS keeps its state in one process; set SANDBOX_LMS=off or WEB_CONCURRENCY=1');
  return problems;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  baseUrl: string;
  databaseUrl: string | undefined;
  dataDir: string;
  encryptionKey: string;
  /** True when the key was generated on this start (so the server can say so in its log). */
  encryptionKeyGenerated: boolean;
  logLevel: string;
  sandbox: boolean;
  /** Bearer token that opens /metrics to a scraper; unset: /metrics answers only loopback in development. */
  metricsToken: string | undefined;
  /** Where the tool's e-mail goes out (src/mail); unset: kept on /sandbox/outbox outside production, held queued in production. */
  smtpUrl: string | undefined;
  /** The From of the tool's e-mail. */
  mailFrom: string;
  /** Web processes `npm start` runs (node:cluster): WEB_CONCURRENCY, else one per core on a PostgreSQL server without the sandbox, else 1. */
  webConcurrency: number;
  rosterSyncMaxAgeMinutes: number;
  rosterSyncIntervalMinutes: number;
  scorePublishDebounceSeconds: number;
  scorePublishIntervalMinutes: number;
  connectorSyncIntervalMinutes: number;
  jobPollSeconds: number;
  jobLeaseMinutes: number;
  jobMaxAttempts: number;
  jobRetryBaseSeconds: number;
  /** How long a launch into a never-synced course waits for its first roster before showing a "roster on its way" page. */
  firstSyncWaitMs: number;
  checkinCadenceDays: number;
  studentDeletionGraceDays: number;
  /** Students on one page of the caseload (all of them are ranked; a page is what one reads, prints and loads in the LMS frame). */
  caseloadPageSize: number;
  ltikTtlMinutes: number;
  clockSkewSeconds: number;
  bodyLimit: string;
  /** What dynamic registration (an unauthenticated request) may make the tool fetch: see src/lti/outbound.ts. */
  outboundPolicy: OutboundPolicy;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadDefaults(): z.infer<typeof defaultsSchema> {
  const file = path.join(projectRoot, 'config', 'defaults.json');
  const parsed = defaultsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `config/defaults.json ${i.path.join('.')}: ${i.message}`));
  }
  return parsed.data;
}

/** Parses the environment; collects every problem before failing so an operator fixes them in one go. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const d = loadDefaults();
  // An empty variable (DATABASE_URL= npm test) means unset, as in most twelve-factor tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = envSchema(d).safeParse(cleaned);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`)), ...crossChecks(cleaned)];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  let encryptionKey = e.ENCRYPTION_KEY;
  let generated = false;
  if (!encryptionKey) {
    const keyFile = path.join(dataDir, 'encryption.key');
    mkdirSync(dataDir, { recursive: true });
    if (existsSync(keyFile)) {
      encryptionKey = readFileSync(keyFile, 'utf8').trim();
    } else {
      encryptionKey = randomBytes(32).toString('hex');
      writeFileSync(keyFile, encryptionKey, { mode: 0o600 });
      generated = true;
    }
  }
  const sandbox = e.NODE_ENV !== 'production' && e.SANDBOX_LMS !== 'off';
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    baseUrl: (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir,
    encryptionKey,
    encryptionKeyGenerated: generated,
    logLevel: e.LOG_LEVEL,
    sandbox,
    metricsToken: e.METRICS_TOKEN,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    webConcurrency: e.WEB_CONCURRENCY ?? (e.DATABASE_URL && !sandbox ? availableParallelism() : 1),
    rosterSyncMaxAgeMinutes: d.rosterSyncMaxAgeMinutes,
    rosterSyncIntervalMinutes: d.rosterSyncIntervalMinutes,
    scorePublishDebounceSeconds: d.scorePublishDebounceSeconds,
    scorePublishIntervalMinutes: d.scorePublishIntervalMinutes,
    connectorSyncIntervalMinutes: d.connectorSyncIntervalMinutes,
    jobPollSeconds: d.jobPollSeconds,
    jobLeaseMinutes: d.jobLeaseMinutes,
    jobMaxAttempts: d.jobMaxAttempts,
    jobRetryBaseSeconds: d.jobRetryBaseSeconds,
    firstSyncWaitMs: d.firstSyncWaitMs,
    checkinCadenceDays: d.checkinCadenceDays,
    studentDeletionGraceDays: d.studentDeletionGraceDays,
    caseloadPageSize: e.CASELOAD_PAGE_SIZE,
    ltikTtlMinutes: d.ltikTtlMinutes,
    clockSkewSeconds: d.clockSkewSeconds,
    bodyLimit: d.bodyLimit,
    // Development and tests register LMSs running on this machine (the sandbox, the simulator).
    outboundPolicy: e.NODE_ENV === 'production' ? 'public-https' : 'any',
  };
}
