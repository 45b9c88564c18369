import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../../../src/db/client.js';
import { tenants, deployments } from '../../../src/platforms/platforms.tables.js';
import { ltiDocuments } from '../../../src/lti/lti.tables.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run platform:add` without the build step: the same entry run through tsx, on an embedded database of its own. */
function platformAdd(dataDir: string, args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'development', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.ENCRYPTION_KEY;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/platforms/platform-add.ts', ...args], { env, cwd: process.cwd() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const schoology = [
  '--issuer', 'https://schoology.schoology.com',
  '--client-id', '7000001',
  '--auth-url', 'https://lti-service.svc.schoology.com/lti-service/authorize-redirect',
  '--token-url', 'https://lti-service.svc.schoology.com/lti-service/access-token',
  '--jwks-url', 'https://lti-service.svc.schoology.com/lti-service/.well-known/jwks',
  '--family', 'schoology',
];

describe('npm run platform:add', function () {
  this.timeout(90_000);
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'platform-add-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('registers a platform with its deployment and key pair; a second run updates it and adds a deployment', async () => {
    const first = await platformAdd(dataDir, [...schoology, '--deployment', '11-aa', '--name', 'District Schoology']);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.contain('Registered District Schoology');
    expect(first.stdout).to.match(/tool key id: +[0-9a-f]{32}/);

    const second = await platformAdd(dataDir, [...schoology, '--deployment', '22-bb']);
    expect(second.code, second.stderr).to.equal(0);

    const database = await openDatabase({ dataDir });
    try {
      const rows = await database.db.select().from(tenants);
      expect(rows).to.have.length(1);
      expect(rows[0]).to.include({ issuer: 'https://schoology.schoology.com', clientId: '7000001', family: 'schoology', registeredBy: 'manual', acceptNewDeployments: false });
      const deps = await database.db.select().from(deployments).where(eq(deployments.tenantId, rows[0]!.id));
      expect(deps.map((d) => d.deploymentId).sort()).to.deep.equal(['11-aa', '22-bb']);
      const keys = await database.db.select().from(ltiDocuments).where(eq(ltiDocuments.collection, 'privatekey'));
      expect(keys, 'one key pair, kept across runs').to.have.length(1);
    } finally {
      await database.close();
    }
  });

  it('bad values: says what is wrong, exits non-zero, stores nothing', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'platform-add-bad-'));
    try {
      const run = await platformAdd(dir, ['--issuer', 'not a url', '--client-id', 'x', '--auth-url', 'ftp://x', '--token-url', 'https://t.example', '--jwks-url', 'https://j.example', '--deployment', '1']);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.contain('Issuer must be a full http(s) URL');
      expect(run.stderr).to.contain('Authorization (OIDC auth) URL must be a full http(s) URL');
      // Refused before the database was opened: no embedded database was even created.
      expect(existsSync(path.join(dir, 'pglite'))).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('missing or unknown options: lists every problem with the usage, exit code 2', async () => {
    const missing = await platformAdd(dataDir, ['--issuer', 'https://x.example', '--family', 'blackboard']);
    expect(missing.code).to.equal(2);
    for (const m of ['--client-id is required', '--auth-url is required', '--token-url is required', '--jwks-url is required', '--deployment is required', '--family must be one of']) {
      expect(missing.stderr).to.contain(m);
    }
    expect(missing.stderr).to.contain('Usage: npm run platform:add');
    const unknown = await platformAdd(dataDir, ['--colour', 'blue']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain("Unknown option '--colour'");
  });
});
