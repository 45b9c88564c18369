import { expect } from 'chai';
import { jobPolicy, jobActions } from '../../../src/policies/job.js';
import type { AppUser } from '../../../src/auth/user.js';
import { toolRoles } from '../../../src/auth/user.js';

const user = (role: AppUser['role'], tenantId = 't1'): AppUser => ({ tenantId, personId: 'p1', name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [] });

/** Every role against every action, written out: only the school's own admins see and retry its jobs. */
const table: Record<AppUser['role'], Record<(typeof jobActions)[number], boolean>> = {
  student: { list: false, retry: false },
  family: { list: false, retry: false },
  advisor: { list: false, retry: false },
  admin: { list: true, retry: true },
  guest: { list: false, retry: false },
};

describe('job policy (/admin/jobs)', () => {
  it('covers every tool role', () => expect(Object.keys(table).sort()).to.deep.equal([...toolRoles].sort()));
  for (const role of toolRoles) {
    for (const action of jobActions) {
      it(`${role} ${table[role][action] ? 'may' : 'may not'} ${action} their school's jobs`, () => expect(jobPolicy(user(role), action, { tenantId: 't1' })).to.equal(table[role][action]));
      it(`${role} may not ${action} another school's jobs`, () => expect(jobPolicy(user(role, 't2'), action, { tenantId: 't1' })).to.equal(false));
    }
  }
});
