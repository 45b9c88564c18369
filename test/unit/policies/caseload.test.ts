import { expect } from 'chai';
import { caseloadPolicy, navigatorPolicy } from '../../../src/policies/caseload.js';
import type { StudentScope } from '../../../src/policies/student-record.js';
import type { AppUser } from '../../../src/auth/user.js';

const T = '00000000-0000-4000-8000-000000000001';
const scope: StudentScope = { tenantId: T, studentId: 's1', navigatorIds: ['a1'], advisorIds: ['a1'], mentorIds: ['m1'], teacherIds: ['t1'], schoolIds: [] };
const user = (role: AppUser['role'], personId: string, extra: Partial<AppUser> = {}): AppUser => ({
  tenantId: T, personId, name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [], ...extra,
});

describe('caseloadPolicy and navigatorPolicy', () => {
  it('the caseload belongs to advisors of the tenant', () => {
    expect(caseloadPolicy(user('advisor', 'a9'), 'view', { tenantId: T })).to.equal(true);
    expect(caseloadPolicy(user('advisor', 'a1'), 'recordAll', { tenantId: T })).to.equal(true);
    for (const role of ['student', 'family', 'admin', 'guest'] as const) expect(caseloadPolicy(user(role, 'x'), 'view', { tenantId: T }), role).to.equal(false);
    expect(caseloadPolicy(user('advisor', 'a1', { tenantId: 'other' }), 'view', { tenantId: T })).to.equal(false);
  });
  it('reassigning: the student\'s advisors and admins; the preferred adult: advisors', () => {
    expect(navigatorPolicy(user('advisor', 'a1'), 'reassign', { scope })).to.equal(true);
    expect(navigatorPolicy(user('admin', 'x'), 'reassign', { scope })).to.equal(true);
    expect(navigatorPolicy(user('advisor', 'a1'), 'setPreferredAdult', { scope })).to.equal(true);
    expect(navigatorPolicy(user('admin', 'x'), 'setPreferredAdult', { scope })).to.equal(false);
    for (const u of [user('advisor', 'a9'), user('student', 's1'), user('family', 'm1', { menteeIds: ['s1'] }), user('admin', 'x', { tenantId: 'other' })]) {
      expect(navigatorPolicy(u, 'reassign', { scope }), `${u.role} ${u.personId}`).to.equal(false);
      expect(navigatorPolicy(u, 'setPreferredAdult', { scope })).to.equal(false);
    }
  });
});
