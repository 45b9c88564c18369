import { expect } from 'chai';
import { planAudience } from '../../../src/policies/plan.js';
import { auditPolicy } from '../../../src/policies/audit.js';
import type { AppUser } from '../../../src/auth/user.js';

// The allow/deny cells of planPolicy are walked in permissions-table.test.ts.
describe('plan policy helpers', () => {
  it('reads plan fields as the audience of the relationship', () => {
    expect(planAudience('self')).to.equal('student');
    expect(planAudience('advisor')).to.equal('adult');
    expect(planAudience('admin')).to.equal('adult');
    expect(planAudience('mentor')).to.equal('family');
    expect(planAudience('none')).to.equal(null);
  });
  it('opens the audit log to admins of the same tenant only', () => {
    const admin = { tenantId: 't1', personId: 'p', name: '', role: 'admin', contextId: null, contextTitle: '', contextKind: null, menteeIds: [] } as AppUser;
    expect(auditPolicy(admin, 'list', { tenantId: 't1' })).to.equal(true);
    expect(auditPolicy(admin, 'list', { tenantId: 't2' })).to.equal(false);
    expect(auditPolicy({ ...admin, role: 'advisor' }, 'list', { tenantId: 't1' })).to.equal(false);
  });
});
