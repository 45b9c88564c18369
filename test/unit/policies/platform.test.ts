import { expect } from 'chai';
import { platformPolicy } from '../../../src/policies/platform.js';
import type { AppUser } from '../../../src/auth/user.js';

const user = (role: AppUser['role'], tenantId = 't1'): AppUser => ({ tenantId, personId: 'p1', name: 'X', role, contextId: null, contextTitle: '', menteeIds: [] });

describe('platform policy', () => {
  it('admins list and add platforms', () => {
    expect(platformPolicy(user('admin'), 'list', { tenantId: 't1' })).to.equal(true);
    expect(platformPolicy(user('admin'), 'add', { tenantId: 't1' })).to.equal(true);
  });
  it('admins update only the platform they launched from', () => {
    expect(platformPolicy(user('admin'), 'update', { tenantId: 't1' })).to.equal(true);
    expect(platformPolicy(user('admin'), 'update', { tenantId: 't2' })).to.equal(false);
  });
  it('nobody else does anything', () => {
    for (const role of ['advisor', 'student', 'family', 'guest'] as const) {
      for (const action of ['list', 'add', 'update'] as const) expect(platformPolicy(user(role), action, { tenantId: 't1' }), `${role} ${action}`).to.equal(false);
    }
  });
});
