import { expect } from 'chai';
import { scoresPolicy } from '../../../src/policies/scores.js';
import type { AppUser } from '../../../src/auth/user.js';
import { toolRoles } from '../../../src/auth/user.js';

const user = (role: AppUser['role'], tenantId = 't1'): AppUser => ({ tenantId, personId: 'p1', name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [] });

describe('scores policy', () => {
  it('lets an admin of the tenant view, configure and publish', () => {
    for (const action of ['view', 'configure', 'publish'] as const) expect(scoresPolicy(user('admin'), action, { tenantId: 't1' })).to.equal(true);
  });

  it('refuses every other role', () => {
    for (const role of toolRoles.filter((r) => r !== 'admin')) {
      for (const action of ['view', 'configure', 'publish'] as const) expect(scoresPolicy(user(role), action, { tenantId: 't1' }), `${role} ${action}`).to.equal(false);
    }
  });

  it('refuses an admin of another tenant', () => {
    expect(scoresPolicy(user('admin', 't2'), 'view', { tenantId: 't1' })).to.equal(false);
  });
});
