import { closeTestDatabase } from './db.js';

// Mocha root hooks: close the shared database once every file has run.
export const mochaHooks = {
  async afterAll() {
    await closeTestDatabase();
  },
};
