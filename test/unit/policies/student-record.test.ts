import { expect } from 'chai';
import { relationshipTo, type StudentScope } from '../../../src/policies/student-record.js';
import type { AppUser } from '../../../src/auth/user.js';

const T = '00000000-0000-4000-8000-000000000001';
const scope: StudentScope = { tenantId: T, studentId: 's1', navigatorIds: ['a1'], advisorIds: ['a1', 'a2'], mentorIds: ['m1'], teacherIds: ['t1'], schoolIds: [] };
const user = (role: AppUser['role'], personId: string, extra: Partial<AppUser> = {}): AppUser => ({
  tenantId: T, personId, name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [], ...extra,
});

describe('relationshipTo', () => {
  const cases: [string, AppUser, string][] = [
    ['student, own record', user('student', 's1'), 'self'],
    ['student, another student', user('student', 's2'), 'none'],
    ['navigator', user('advisor', 'a1'), 'advisor'],
    ['advisory teacher who is not navigator', user('advisor', 'a2'), 'advisor'],
    ['advisor of another course', user('advisor', 'a9'), 'none'],
    ['mentor scoped to the student', user('family', 'm1', { menteeIds: ['s1'] }), 'mentor'],
    ['mentor not scoped to the student', user('family', 'm2', { menteeIds: ['s2'] }), 'none'],
    ['admin of the tenant', user('admin', 'x1'), 'admin'],
    ['admin of another tenant', user('admin', 'x1', { tenantId: '00000000-0000-4000-8000-000000000002' }), 'none'],
    ['navigator id guessed from another tenant', user('advisor', 'a1', { tenantId: '00000000-0000-4000-8000-000000000002' }), 'none'],
    ['guest', user('guest', 'g1'), 'none'],
  ];
  for (const [name, u, want] of cases) it(name, () => expect(relationshipTo(u, scope)).to.equal(want));
});
