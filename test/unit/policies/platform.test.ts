import { expect } from 'chai';
import { platformPolicy, platformActions } from '../../../src/policies/platform.js';
import type { AppUser } from '../../../src/auth/user.js';

const user = (role: AppUser['role'], tenantId = 't1'): AppUser => ({ tenantId, personId: 'p1', name: 'X', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [] });

describe('platform policy', () => {
  it('admins list, add from and update only the platform they launched from', () => {
    for (const action of platformActions) {
      expect(platformPolicy(user('admin'), action, { tenantId: 't1' }), action).to.equal(true);
      expect(platformPolicy(user('admin'), action, { tenantId: 't2' }), `${action} of another school`).to.equal(false);
    }
  });
  it('nobody else does anything', () => {
    for (const role of ['advisor', 'student', 'family', 'guest'] as const) {
      for (const action of platformActions) expect(platformPolicy(user(role), action, { tenantId: 't1' }), `${role} ${action}`).to.equal(false);
    }
  });
});
