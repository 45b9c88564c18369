import { expect } from 'chai';
import { goalPolicy, goalActions, goalStatuses, type GoalAction, type GoalStatus } from '../../../src/policies/goal.js';
import type { StudentScope } from '../../../src/policies/student-record.js';
import type { AppUser } from '../../../src/auth/user.js';

const T = '00000000-0000-4000-8000-000000000001';
const scope: StudentScope = { tenantId: T, studentId: 's1', navigatorIds: ['a1'], advisorIds: ['a1'], mentorIds: ['m1'], teacherIds: ['t1'], schoolIds: [] };
const user = (role: AppUser['role'], personId: string, extra: Partial<AppUser> = {}): AppUser => ({
  tenantId: T, personId, name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [], ...extra,
});
const allowed = (u: AppUser, status?: GoalStatus) => goalActions.filter((a) => goalPolicy(u, a, { scope, goal: status ? { status } : undefined }));

describe('goalPolicy', () => {
  it('the student proposes, revises and logs progress on their own goals, never approves', () => {
    expect(allowed(user('student', 's1'))).to.have.members(['list', 'view', 'propose', 'edit', 'addProgress', 'editSteps']);
  });
  it('the advisor creates, approves, suggests and closes, but does not propose as the student', () => {
    expect(allowed(user('advisor', 'a1'))).to.have.members(['list', 'view', 'create', 'edit', 'approve', 'suggest', 'setStatus', 'addProgress', 'editSteps']);
  });
  it('family and admin read only', () => {
    expect(allowed(user('family', 'm1', { menteeIds: ['s1'] }))).to.have.members(['list', 'view']);
    expect(allowed(user('admin', 'x'))).to.have.members(['list', 'view']);
  });
  it('strangers, unscoped family and other tenants get nothing', () => {
    for (const u of [user('student', 's2'), user('advisor', 'a9'), user('family', 'm2', { menteeIds: ['s1'] }), user('guest', 'g'), user('advisor', 'a1', { tenantId: 'other' })]) {
      for (const st of [undefined, ...goalStatuses]) expect(allowed(u, st), `${u.role} ${u.personId} ${st}`).to.deep.equal([]);
    }
  });
  it('approval is for drafts and revisions; closed goals are not edited', () => {
    const a = user('advisor', 'a1');
    const cases: [GoalAction, GoalStatus, boolean][] = [
      ['approve', 'draft', true], ['approve', 'revised', true], ['approve', 'active', false], ['approve', 'achieved', false],
      ['edit', 'active', true], ['edit', 'achieved', false], ['edit', 'dropped', false], ['suggest', 'dropped', false],
      ['editSteps', 'achieved', false], ['addProgress', 'achieved', true], ['addProgress', 'dropped', false], ['setStatus', 'dropped', true],
    ];
    for (const [action, status, want] of cases) expect(goalPolicy(a, action, { scope, goal: { status } }), `${action} on ${status}`).to.equal(want);
  });
});
