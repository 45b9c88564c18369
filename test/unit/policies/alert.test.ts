import { expect } from 'chai';
import type { AppUser, StaffRole } from '../../../src/auth/user.js';
import { toolRoles } from '../../../src/auth/user.js';
import { alertPolicy, alertActions, type AlertAction } from '../../../src/policies/alert.js';

/** Alerts, as a table over every role, as a recipient or not, with and without a support staff role. */
describe('alert policy', () => {
  const T = '10000000-0000-4000-8000-000000000001';
  const u = (role: AppUser['role'], personId: string, staffRoles: StaffRole[] = [], tenantId = T): AppUser => ({ tenantId, personId, name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [], staffRoles });
  const resource = { tenantId: T, recipientIds: ['r1'] };
  const all: AlertAction[] = [...alertActions];
  const cases: [string, AppUser, AlertAction[]][] = [
    ['advisor, a recipient', u('advisor', 'r1'), all],
    ['advisor, not a recipient', u('advisor', 'a2'), ['list']],
    ['counsellor, not a recipient', u('advisor', 'c1', ['counsellor']), all],
    ['social worker launched as guest', u('guest', 'c2', ['social_worker']), all],
    ['school leader, not a recipient', u('advisor', 'l1', ['school_leader']), ['list']],
    ['admin, not a recipient', u('admin', 'x1'), ['list', 'view']],
    ['admin, a recipient', u('admin', 'r1'), all],
    ['guest without a staff role', u('guest', 'g1'), []],
    ['student named as a recipient (never)', u('student', 'r1', ['counsellor']), []],
    ['family member', u('family', 'm1'), []],
    ['recipient of another tenant', u('advisor', 'r1', [], '20000000-0000-4000-8000-000000000002'), []],
  ];
  for (const [name, user, allowed] of cases) {
    for (const action of alertActions) {
      const want = allowed.includes(action);
      it(`${name} ${want ? 'may' : 'may not'} ${action}`, () => expect(alertPolicy(user, action, resource)).to.equal(want));
    }
  }
  it('covers every tool role', () => expect(new Set(cases.map(([, user]) => user.role))).to.have.length(toolRoles.length));
});
