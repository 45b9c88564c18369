import { expect } from 'chai';
import type { AppUser } from '../../../src/auth/user.js';
import { toolRoles } from '../../../src/auth/user.js';
import { supportPolicy, supportActions } from '../../../src/policies/support.js';

/** The supports catalogue, as a table over every role: who may browse it, who may manage it. */
describe('support policy', () => {
  const T = '10000000-0000-4000-8000-000000000001';
  const u = (role: AppUser['role'], tenantId = T): AppUser => ({ tenantId, personId: 'p1', name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [] });
  const expected: Record<AppUser['role'], string[]> = {
    advisor: ['browse'],
    admin: ['browse', 'manage'],
    student: [],
    family: [],
    guest: [],
  };
  for (const role of toolRoles) {
    for (const action of supportActions) {
      const want = expected[role].includes(action);
      it(`${role} ${want ? 'may' : 'may not'} ${action}`, () => expect(supportPolicy(u(role), action, { tenantId: T })).to.equal(want));
      it(`${role} of another tenant may not ${action}`, () => expect(supportPolicy(u(role, '20000000-0000-4000-8000-000000000002'), action, { tenantId: T })).to.equal(false));
    }
  }
});
