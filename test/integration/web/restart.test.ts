import { expect } from 'chai';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { startServer } from '../../../src/web/start.js';
import { freePort } from '../../support/net.js';

describe('embedded database across a restart', () => {
  it('keeps its data when the server stops and starts again', async function () {
    this.timeout(60_000);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sp-restart-'));
    const env = { NODE_ENV: 'test', PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent', SANDBOX_LMS: 'off' } as NodeJS.ProcessEnv;

    const first = await startServer(env);
    expect(first.database.driver).to.equal('pglite');
    const health = await fetch(`http://127.0.0.1:${first.config.port}/healthz`);
    expect(health.status).to.equal(200);
    await first.app.ctx.platforms.register({
      name: 'Restart test',
      issuer: 'https://restart.example',
      clientId: 'restart-client',
      authLoginUrl: 'https://restart.example/auth',
      accessTokenUrl: 'https://restart.example/token',
      jwksUrl: 'https://restart.example/jwks',
    });
    await first.stop();

    const second = await startServer(env);
    try {
      const found = await second.app.ctx.platforms.findByIssuer('https://restart.example', 'restart-client');
      expect(found?.name).to.equal('Restart test');
      expect(second.config.encryptionKey).to.equal(first.config.encryptionKey);
    } finally {
      await second.stop();
    }
  });
});
