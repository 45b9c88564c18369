import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/web/app.js';
import { loadConfig, type Config } from '../../src/web/config.js';
import { createLogger } from '../../src/web/logger.js';
import { testDatabase } from './db.js';
import type { Database } from '../../src/db/client.js';
import { TestClock } from './clock.js';

/** Log lines a test can inspect (for example, to prove a refusal was logged without student data). */
export class LogCapture extends Writable {
  lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    cb();
  }
  text(): string {
    return this.lines.map((l) => JSON.stringify(l)).join('\n');
  }
}

export interface TestApp extends App {
  clock: TestClock;
  logs: LogCapture;
  config: Config;
}

// One key per test process, as one installation has one: ltijs's stored key pairs (shared test database) decrypt with it.
const testEncryptionKey = randomBytes(32).toString('hex');

export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: path.join(os.tmpdir(), 'success-plans-test'),
    ENCRYPTION_KEY: testEncryptionKey,
    LOG_LEVEL: 'info',
    SANDBOX_LMS: 'off',
  });
  return { ...base, ...overrides };
}

/** The real app, in-process, on the shared test database. */
export async function createTestApp(overrides: Partial<Config> = {}, opts: { database?: Database; now?: Date; wiring?: Parameters<typeof createApp>[1] } = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  // `now`: for what the app does while it starts (the sandbox seeds "today").
  const clock = new TestClock(opts.now);
  const logs = new LogCapture();
  // A database of its own for tests whose background work walks every tenant (the shared one holds other tests' tenants).
  const database = opts.database ?? (await testDatabase());
  const app = await createApp({ config, database, clock, logger: createLogger('info', logs) }, opts.wiring);
  return { ...app, clock, logs, config };
}
