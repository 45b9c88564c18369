import { expect } from 'chai';
import { mapRole, roleHome } from '../../../src/lti/roles.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';
const m = (r: string) => `${LIS}membership#${r}`;

describe('LTI role mapping', () => {
  it('maps Instructor and TeachingAssistant (Canvas sends both for a TA) to advisor', () => {
    expect(mapRole({ roles: [m('Instructor')] })).to.equal('advisor');
    expect(mapRole({ roles: [`${LIS}membership/Instructor#TeachingAssistant`, m('Instructor')] })).to.equal('advisor');
    expect(mapRole({ roles: [`${LIS}membership/Instructor#TeachingAssistant`] })).to.equal('advisor');
    expect(mapRole({ roles: ['Instructor'] })).to.equal('advisor');
  });

  it('maps Learner to student, also with Canvas Student View extras', () => {
    expect(mapRole({ roles: [m('Learner'), `${LIS}institution/person#Student`, `${LIS}system/person#User`] })).to.equal('student');
    expect(mapRole({ roles: [m('Learner'), 'http://purl.imsglobal.org/vocab/lti/system/person#TestUser'] })).to.equal('student');
  });

  it('maps Mentor to family only when role_scope_mentor names someone', () => {
    expect(mapRole({ roles: [m('Mentor')], mentees: ['s1'] })).to.equal('family');
    expect(mapRole({ roles: [m('Mentor')] })).to.equal('guest');
    expect(mapRole({ roles: [m('Mentor')], mentees: [] })).to.equal('guest');
  });

  it('maps institution, system and context Administrator to admin, even with a course role', () => {
    expect(mapRole({ roles: [`${LIS}institution/person#Administrator`] })).to.equal('admin');
    expect(mapRole({ roles: [`${LIS}system/person#SysAdmin`] })).to.equal('admin');
    expect(mapRole({ roles: [`${LIS}system/person#Administrator`] })).to.equal('admin');
    expect(mapRole({ roles: [m('Administrator')] })).to.equal('admin');
    expect(mapRole({ roles: [m('Instructor'), `${LIS}institution/person#Administrator`] })).to.equal('admin');
  });

  it('gives anything else least privilege (guest)', () => {
    for (const roles of [[], [m('ContentDeveloper')], [`${LIS}institution/person#Student`], [`${LIS}system/person#User`], [m('Member')], ['https://evil.example/membership#Instructor']]) {
      expect(mapRole({ roles }), JSON.stringify(roles)).to.equal('guest');
    }
  });

  it('does not read a look-alike URI as a context role', () => {
    expect(mapRole({ roles: [`${LIS}institution/person#Instructor`] })).to.equal('guest');
    expect(mapRole({ roles: [`${LIS}institution/person#Learner`] })).to.equal('guest');
  });

  it('sends each role to its home', () => {
    expect(roleHome).to.deep.equal({ advisor: '/caseload', student: '/my-plan', family: '/family', admin: '/admin', guest: '/home' });
  });
});
