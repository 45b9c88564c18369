import { expect } from 'chai';
import type { AppUser } from '../../../src/auth/user.js';
import { toolRoles } from '../../../src/auth/user.js';
import { indicatorActions, indicatorPolicy, indicatorSettingsActions, indicatorSettingsPolicy } from '../../../src/policies/indicator.js';
import type { StudentScope } from '../../../src/policies/student-record.js';
import { tierActions, tierPolicy } from '../../../src/policies/tier.js';
import { policySubject } from '../../../src/policies/policy.js';
import { hasText } from '../../../src/web/i18n.js';

/** Every role x relationship x action, written out by hand (not derived from the policies). */
const T = '10000000-0000-4000-8000-000000000001';
const OTHER_T = '20000000-0000-4000-8000-000000000002';
const scope: StudentScope = { tenantId: T, studentId: 's1', navigatorIds: ['a1'], advisorIds: ['a1', 'a2'], mentorIds: ['m1'], teacherIds: ['t1'], schoolIds: [] };
const u = (role: AppUser['role'], personId: string, extra: Partial<AppUser> = {}): AppUser => ({ tenantId: T, personId, name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [], ...extra });

const subjects: Record<string, AppUser> = {
  'student (own record)': u('student', 's1'),
  'student (another student)': u('student', 's2'),
  'advisor (navigator)': u('advisor', 'a1'),
  'advisor (another advisor of the student)': u('advisor', 'a2'),
  'advisor (other course)': u('advisor', 'a9'),
  'teacher (subject course of the student)': u('advisor', 't1'),
  'mentor (scoped to the student)': u('family', 'm1', { menteeIds: ['s1'] }),
  'mentor (named, but the launch scopes another student)': u('family', 'm1', { menteeIds: ['s2'] }),
  'mentor (not scoped)': u('family', 'm2', { menteeIds: ['s2'] }),
  guest: u('guest', 'g1'),
  admin: u('admin', 'x1'),
  'advisor of another tenant (guessed ids)': u('advisor', 'a1', { tenantId: OTHER_T }),
  'admin of another tenant': u('admin', 'x1', { tenantId: OTHER_T }),
};

const expected: Record<string, string[]> = {
  'student (own record)': ['indicator:viewOwn'],
  'student (another student)': [],
  'advisor (navigator)': ['indicator:view', 'tier:view', 'tier:decide', 'tier:viewHistory'],
  'advisor (another advisor of the student)': ['indicator:view', 'tier:view', 'tier:decide', 'tier:viewHistory'],
  'advisor (other course)': [],
  'teacher (subject course of the student)': [],
  'mentor (scoped to the student)': ['indicator:viewFamily'],
  'mentor (named, but the launch scopes another student)': [],
  'mentor (not scoped)': [],
  guest: [],
  admin: ['indicator:view', 'tier:view', 'tier:viewHistory', 'indicatorSettings:view', 'indicatorSettings:edit'],
  'advisor of another tenant (guessed ids)': [],
  'admin of another tenant': [],
};

describe('indicator, tier and indicator settings policies: every role', () => {
  it('covers every tool role', () => {
    expect(new Set(Object.values(subjects).map((s) => s.role))).to.deep.equal(new Set(toolRoles));
  });
  for (const [who, user] of Object.entries(subjects)) {
    it(who, () => {
      const allowed = [
        ...indicatorActions.filter((a) => indicatorPolicy(user, a, { scope })).map((a) => `indicator:${a}`),
        ...tierActions.filter((a) => tierPolicy(user, a, { scope })).map((a) => `tier:${a}`),
        ...indicatorSettingsActions.filter((a) => indicatorSettingsPolicy(user, a, { tenantId: T })).map((a) => `indicatorSettings:${a}`),
      ];
      expect(allowed).to.deep.equal(expected[who]);
    });
  }
});

describe('indicator policies: names in audited denials', () => {
  for (const [policy, subject] of [[indicatorPolicy, 'indicator'], [tierPolicy, 'tier'], [indicatorSettingsPolicy, 'indicatorSettings']] as const) {
    it(`${subject}: named, with a label for the audit page and a label for each action a denial names`, () => {
      expect(policySubject(policy)).to.equal(subject);
      expect(hasText(`audit.entities.${subject}`)).to.equal(true);
    });
  }
  it('every action has an audit label', () => {
    for (const a of [...indicatorActions, ...tierActions, ...indicatorSettingsActions]) expect(hasText(`audit.attempts.${a}`), a).to.equal(true);
  });
});
