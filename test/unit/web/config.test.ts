import { expect } from 'chai';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { loadConfig, ConfigError, projectRoot } from '../../../src/web/config.js';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'sp-config-'));

describe('configuration', () => {
  it('reports every problem at once', () => {
    try {
      loadConfig({ PORT: 'abc', NODE_ENV: 'production', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', DATA_DIR: tmp() });
      expect.fail('should have thrown');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).to.contain('PORT');
      expect(problems).to.contain('ENCRYPTION_KEY is required when NODE_ENV=production');
      expect(problems).to.contain('LOG_LEVEL');
      expect(problems).to.contain('DATABASE_URL');
      expect(problems).to.contain('BASE_URL is required');
    }
  });

  it('takes CASELOAD_PAGE_SIZE (50 by default) within 10 to 500', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).caseloadPageSize).to.equal(50);
    expect(loadConfig({ DATA_DIR: tmp(), CASELOAD_PAGE_SIZE: '10' }).caseloadPageSize).to.equal(10);
    expect(() => loadConfig({ DATA_DIR: tmp(), CASELOAD_PAGE_SIZE: '5' })).to.throw(ConfigError, 'CASELOAD_PAGE_SIZE must be from 10 to 500');
    expect(() => loadConfig({ DATA_DIR: tmp(), CASELOAD_PAGE_SIZE: 'ten' })).to.throw(ConfigError, 'CASELOAD_PAGE_SIZE must be a whole number');
  });

  it('takes METRICS_TOKEN (unset by default) and refuses a short one', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).metricsToken).to.equal(undefined);
    expect(loadConfig({ DATA_DIR: tmp(), METRICS_TOKEN: 'a-long-enough-scrape-token' }).metricsToken).to.equal('a-long-enough-scrape-token');
    expect(() => loadConfig({ DATA_DIR: tmp(), METRICS_TOKEN: 'short' })).to.throw(ConfigError, 'METRICS_TOKEN must be at least 16 characters');
  });

  it('takes SMTP_URL (unset by default) and MAIL_FROM (a shipped default), and refuses an SMTP_URL that is not one', () => {
    const plain = loadConfig({ DATA_DIR: tmp() });
    expect(plain.smtpUrl).to.equal(undefined);
    expect(plain.mailFrom).to.equal('Success Plans <no-reply@localhost>');
    const set = loadConfig({ DATA_DIR: tmp(), SMTP_URL: 'smtps://u:p@mail.example.edu:465', MAIL_FROM: 'Plans <plans@example.edu>' });
    expect(set).to.include({ smtpUrl: 'smtps://u:p@mail.example.edu:465', mailFrom: 'Plans <plans@example.edu>' });
    expect(() => loadConfig({ DATA_DIR: tmp(), SMTP_URL: 'mail.example.edu' })).to.throw(ConfigError, 'SMTP_URL must look like smtp://');
  });

  it('generates an encryption key once, keeps it in DATA_DIR and reuses it', () => {
    const dir = tmp();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.encryptionKeyGenerated).to.equal(true);
    expect(readFileSync(path.join(dir, 'encryption.key'), 'utf8')).to.equal(first.encryptionKey);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.encryptionKeyGenerated).to.equal(false);
    expect(second.encryptionKey).to.equal(first.encryptionKey);
  });

  it('treats an empty variable as unset and derives BASE_URL from PORT', () => {
    const c = loadConfig({ DATA_DIR: tmp(), DATABASE_URL: '', PORT: '4321' });
    expect(c.databaseUrl).to.equal(undefined);
    expect(c.baseUrl).to.equal('http://localhost:4321');
    expect(c.sandbox).to.equal(true);
  });

  it('turns the sandbox LMS off in production', () => {
    const c = loadConfig({ DATA_DIR: tmp(), NODE_ENV: 'production', ENCRYPTION_KEY: 'k'.repeat(40), BASE_URL: 'https://plans.example.edu' });
    expect(c.sandbox).to.equal(false);
  });

  it('runs one web process per core on a PostgreSQL server without the sandbox, WEB_CONCURRENCY when set, one on PGlite', () => {
    const pg = 'postgres://u@127.0.0.1:5432/db';
    expect(loadConfig({ DATA_DIR: tmp() }).webConcurrency).to.equal(1);
    expect(loadConfig({ DATA_DIR: tmp(), DATABASE_URL: pg }).webConcurrency, 'the sandbox keeps its state in one process').to.equal(1);
    expect(loadConfig({ DATA_DIR: tmp(), DATABASE_URL: pg, SANDBOX_LMS: 'off' }).webConcurrency).to.equal(os.availableParallelism());
    expect(loadConfig({ DATA_DIR: tmp(), DATABASE_URL: pg, SANDBOX_LMS: 'off', WEB_CONCURRENCY: '3' }).webConcurrency).to.equal(3);
    expect(loadConfig({ DATA_DIR: tmp(), WEB_CONCURRENCY: '1' }).webConcurrency).to.equal(1);
  });

  it('refuses more than one web process on PGlite or with the sandbox, and a WEB_CONCURRENCY that is not a count', () => {
    const problemsOf = (env: Record<string, string>) => {
      try {
        loadConfig({ DATA_DIR: tmp(), ...env });
        return '';
      } catch (err) {
        return (err as ConfigError).problems.join('\n');
      }
    };
    expect(problemsOf({ WEB_CONCURRENCY: '2', SANDBOX_LMS: 'off' })).to.contain('WEB_CONCURRENCY: more than one process needs DATABASE_URL');
    expect(problemsOf({ WEB_CONCURRENCY: '2', DATABASE_URL: 'postgres://u@h/db' })).to.contain('WEB_CONCURRENCY: the sandbox LMS keeps its state in one process');
    expect(problemsOf({ WEB_CONCURRENCY: 'many' })).to.contain('WEB_CONCURRENCY must be a whole number');
    expect(problemsOf({ WEB_CONCURRENCY: '0' })).to.contain('WEB_CONCURRENCY must be from 1 to 64');
  });

  it('the server process prints every problem and exits non-zero', function () {
    this.timeout(60_000);
    const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src', 'server.ts')], {
      env: { PATH: process.env.PATH, PORT: 'abc', NODE_ENV: 'production', DATA_DIR: tmp() },
      encoding: 'utf8',
    });
    expect(res.status).to.not.equal(0);
    expect(res.stderr).to.contain('Invalid configuration');
    expect(res.stderr).to.contain('PORT');
    expect(res.stderr).to.contain('ENCRYPTION_KEY');
  });
});
