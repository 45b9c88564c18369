import { closeTestDatabase } from './db.js';
import { enterSystemScopeForTests } from '../../src/db/tenant-scope.js';

// Mocha root hooks. Tests build their fixtures through services and tables directly, which row-level
// security would hide from them: the test code itself runs as system. What it drives is not: every HTTP
// request and every queued job starts outside any scope and picks its own (src/web/app.ts, src/jobs).
// test/integration/db/row-level-security.test.ts proves the policies with explicit scopes.
export const mochaHooks = {
  beforeAll() {
    enterSystemScopeForTests();
  },
  beforeEach() {
    enterSystemScopeForTests();
  },
  async afterAll() {
    await closeTestDatabase();
  },
};
