import { expect } from 'chai';
import { recordViewsPolicy } from '../../../src/policies/record-views.js';
import type { StudentScope } from '../../../src/policies/student-record.js';
import type { AppUser } from '../../../src/auth/user.js';
import { toolRoles } from '../../../src/auth/user.js';

const T = '00000000-0000-4000-8000-000000000001';
const scope: StudentScope = { tenantId: T, studentId: 's1', navigatorIds: ['a1'], advisorIds: ['a1'], mentorIds: ['m1'], teacherIds: ['t1'], schoolIds: [] };
const user = (role: AppUser['role'], personId: string, extra: Partial<AppUser> = {}): AppUser => ({
  tenantId: T, personId, name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [], ...extra,
});

/** Every role, as the record's own person (or family) and as anyone else, against a table written by hand. */
const table: [string, AppUser, boolean][] = [
  ['student, own record', user('student', 's1'), true],
  ['student, another student', user('student', 's2'), false],
  ['family, following the student', user('family', 'm1', { menteeIds: ['s1'] }), true],
  ['family, scoped by the LMS to another student', user('family', 'm1', { menteeIds: ['s2'] }), false],
  ['family, not a mentor of the student', user('family', 'm2', { menteeIds: ['s1'] }), false],
  ["advisor, the student's navigator", user('advisor', 'a1'), false],
  ['advisor, teaching the student a subject', user('advisor', 't1'), false],
  ['advisor, a stranger', user('advisor', 'a9'), false],
  ['admin (reads the whole audit log instead)', user('admin', 'x1'), false],
  ['guest', user('guest', 's1'), false],
  ['student of another tenant with the same id', user('student', 's1', { tenantId: 'other' }), false],
  ['family of another tenant', user('family', 'm1', { tenantId: 'other', menteeIds: ['s1'] }), false],
];

describe('recordViewsPolicy ("who viewed my record")', () => {
  for (const [who, u, want] of table) it(`${want ? 'opens' : 'refuses'} for ${who}`, () => expect(recordViewsPolicy(u, 'view', { scope })).to.equal(want));
  it('the table covers every role', () => {
    expect(new Set(table.map(([, u]) => u.role))).to.have.all.keys(...toolRoles);
  });
});
