import { expect } from 'chai';
import { checkinPolicy, checkinActions } from '../../../src/policies/checkin.js';
import type { StudentScope } from '../../../src/policies/student-record.js';
import type { AppUser } from '../../../src/auth/user.js';

const T = '00000000-0000-4000-8000-000000000001';
const scope: StudentScope = { tenantId: T, studentId: 's1', navigatorIds: ['a1'], advisorIds: ['a1', 'a2'], mentorIds: ['m1'], teacherIds: ['t1'], schoolIds: [] };
const user = (role: AppUser['role'], personId: string, extra: Partial<AppUser> = {}): AppUser => ({
  tenantId: T, personId, name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [], ...extra,
});
const allowed = (u: AppUser) => checkinActions.filter((a) => checkinPolicy(u, a, { scope }));

describe('checkinPolicy', () => {
  it('the student lists their check-ins and prepares, never sees adult notes or sensitive needs', () => {
    expect(allowed(user('student', 's1'))).to.have.members(['list', 'view', 'prep']);
  });
  it('every advisor of the student records and sees everything, but does not answer for the student', () => {
    for (const id of ['a1', 'a2']) expect(allowed(user('advisor', id))).to.have.members(['list', 'view', 'record', 'viewAdultNotes', 'viewSensitiveNeeds', 'resolveNeed']);
  });
  it('admins read everything and write nothing', () => {
    expect(allowed(user('admin', 'x'))).to.have.members(['list', 'view', 'viewAdultNotes', 'viewSensitiveNeeds']);
  });
  it('family, strangers and other tenants get nothing', () => {
    for (const u of [user('family', 'm1', { menteeIds: ['s1'] }), user('student', 's2'), user('advisor', 'a9'), user('guest', 'g'), user('admin', 'x', { tenantId: 'other' })]) {
      expect(allowed(u), `${u.role} ${u.personId}`).to.deep.equal([]);
    }
  });
});
