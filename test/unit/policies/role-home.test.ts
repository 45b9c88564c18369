import { expect } from 'chai';
import { roleHomePolicy } from '../../../src/policies/role-home.js';
import { contentItemPolicy } from '../../../src/policies/content-item.js';
import type { AppUser, ToolRole } from '../../../src/auth/user.js';

const user = (role: ToolRole, tenantId = 't1'): AppUser => ({ tenantId, personId: 'p1', name: 'X', role, contextId: 'c1', contextTitle: 'Advisory', contextKind: null, menteeIds: [] });

describe('role home policy', () => {
  it('lets each role see only its own home', () => {
    const pages = ['caseload', 'my-plan', 'family', 'admin'] as const;
    const owner = { caseload: 'advisor', 'my-plan': 'student', family: 'family', admin: 'admin' } as const;
    for (const role of ['advisor', 'student', 'family', 'admin', 'guest'] as const) {
      for (const page of pages) {
        expect(roleHomePolicy(user(role), 'view', { tenantId: 't1', page }), `${role} ${page}`).to.equal(owner[page] === role);
      }
    }
  });
  it('never crosses tenants', () => {
    expect(roleHomePolicy(user('advisor', 't2'), 'view', { tenantId: 't1', page: 'caseload' })).to.equal(false);
  });
});

describe('content item (deep linking) policy', () => {
  it('lets advisors and admins place the tool, nobody else', () => {
    expect(contentItemPolicy(user('advisor'), 'create', { tenantId: 't1' })).to.equal(true);
    expect(contentItemPolicy(user('admin'), 'create', { tenantId: 't1' })).to.equal(true);
    for (const role of ['student', 'family', 'guest'] as const) expect(contentItemPolicy(user(role), 'create', { tenantId: 't1' })).to.equal(false);
    expect(contentItemPolicy(user('advisor', 't2'), 'create', { tenantId: 't1' })).to.equal(false);
  });
});
