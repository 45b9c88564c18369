import { expect } from 'chai';
import type { AppUser } from '../../../src/auth/user.js';
import { toolRoles } from '../../../src/auth/user.js';
import { providerAccountPolicy, providerAccountActions } from '../../../src/policies/provider-account.js';

/** Community providers' organisations and accounts, as a table over every role: only the school's admins manage them. */
describe('provider account policy', () => {
  const T = '10000000-0000-4000-8000-000000000001';
  const u = (role: AppUser['role'], tenantId = T): AppUser => ({ tenantId, personId: 'p1', name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [] });
  const expected: Record<AppUser['role'], string[]> = {
    advisor: [],
    admin: ['manage'],
    student: [],
    family: [],
    guest: [],
  };
  for (const role of toolRoles) {
    for (const action of providerAccountActions) {
      const want = expected[role].includes(action);
      it(`${role} ${want ? 'may' : 'may not'} ${action}`, () => expect(providerAccountPolicy(u(role), action, { tenantId: T })).to.equal(want));
      it(`${role} of another tenant may not ${action}`, () => expect(providerAccountPolicy(u(role, '20000000-0000-4000-8000-000000000002'), action, { tenantId: T })).to.equal(false));
    }
  }
});
