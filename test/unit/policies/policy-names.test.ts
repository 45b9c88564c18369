import { expect } from 'chai';
import { authorize, policySubject } from '../../../src/policies/policy.js';
import { HttpError } from '../../../src/web/errors.js';
import { planPolicy } from '../../../src/policies/plan.js';
import { goalPolicy } from '../../../src/policies/goal.js';
import { checkinPolicy } from '../../../src/policies/checkin.js';
import { caseloadPolicy, navigatorPolicy } from '../../../src/policies/caseload.js';
import { auditPolicy } from '../../../src/policies/audit.js';
import { coursePolicy } from '../../../src/policies/course.js';
import { scoresPolicy } from '../../../src/policies/scores.js';
import { platformPolicy } from '../../../src/policies/platform.js';
import { roleHomePolicy } from '../../../src/policies/role-home.js';
import { contentItemPolicy } from '../../../src/policies/content-item.js';
import { recordViewsPolicy } from '../../../src/policies/record-views.js';
import { dataImportPolicy } from '../../../src/policies/data-import.js';
import { studentDataEntryPolicy } from '../../../src/policies/student-data-entry.js';
import { connectorPolicy } from '../../../src/policies/connector.js';
import { supportPolicy } from '../../../src/policies/support.js';
import { providerAccountPolicy } from '../../../src/policies/provider-account.js';
import { referralPolicy, referralQueuePolicy } from '../../../src/policies/referral.js';
import { calendarPolicy } from '../../../src/policies/calendar.js';
import { reportSettingsPolicy } from '../../../src/policies/report-settings.js';
import { configurationPolicy } from '../../../src/policies/configuration.js';
import { automationPolicy } from '../../../src/policies/automation.js';
import { alertPolicy } from '../../../src/policies/alert.js';
import { navigatorViewPolicy } from '../../../src/policies/navigator-view.js';
import { surveyAnswerPolicy, surveyPolicy } from '../../../src/policies/survey.js';
import { schoolViewPolicy } from '../../../src/policies/school-view.js';
import { schoolPolicy } from '../../../src/policies/school.js';
import { teamMapPolicy } from '../../../src/policies/team-map.js';
import { recordsRequestPolicy } from '../../../src/policies/records-request.js';
import { recordsBundlePolicy } from '../../../src/policies/records-bundle.js';
import { reflectionPolicy } from '../../../src/policies/reflection.js';
import { riskReviewPolicy } from '../../../src/policies/risk-review.js';
import { hasText } from '../../../src/web/i18n.js';
import type { AppUser } from '../../../src/auth/user.js';

/** A denial is audited under its policy's name: the names are stored, so renaming a policy must show here. */
describe('policy names in audited denials', () => {
  const policies: [{ name: string }, string][] = [
    [planPolicy, 'plan'], [goalPolicy, 'goal'], [checkinPolicy, 'checkin'], [caseloadPolicy, 'caseload'], [navigatorPolicy, 'navigator'],
    [auditPolicy, 'audit'], [coursePolicy, 'course'], [scoresPolicy, 'scores'], [platformPolicy, 'platform'], [roleHomePolicy, 'roleHome'],
    [contentItemPolicy, 'contentItem'], [recordViewsPolicy, 'recordViews'], [dataImportPolicy, 'dataImport'], [studentDataEntryPolicy, 'studentDataEntry'], [connectorPolicy, 'connector'], [supportPolicy, 'support'], [providerAccountPolicy, 'providerAccount'],
    [referralPolicy, 'referral'], [referralQueuePolicy, 'referralQueue'], [calendarPolicy, 'calendar'], [alertPolicy, 'alert'], [navigatorViewPolicy, 'navigatorView'], [surveyPolicy, 'survey'], [surveyAnswerPolicy, 'surveyAnswer'], [schoolViewPolicy, 'schoolView'], [schoolPolicy, 'school'], [reportSettingsPolicy, 'reportSettings'], [teamMapPolicy, 'teamMap'], [configurationPolicy, 'configuration'],
    [referralPolicy, 'referral'], [referralQueuePolicy, 'referralQueue'], [calendarPolicy, 'calendar'], [alertPolicy, 'alert'], [navigatorViewPolicy, 'navigatorView'], [surveyPolicy, 'survey'], [surveyAnswerPolicy, 'surveyAnswer'], [schoolViewPolicy, 'schoolView'], [schoolPolicy, 'school'], [reportSettingsPolicy, 'reportSettings'], [teamMapPolicy, 'teamMap'], [recordsRequestPolicy, 'recordsRequest'],
    [referralPolicy, 'referral'], [referralQueuePolicy, 'referralQueue'], [calendarPolicy, 'calendar'], [alertPolicy, 'alert'], [navigatorViewPolicy, 'navigatorView'], [surveyPolicy, 'survey'], [surveyAnswerPolicy, 'surveyAnswer'], [schoolViewPolicy, 'schoolView'], [schoolPolicy, 'school'], [reportSettingsPolicy, 'reportSettings'], [teamMapPolicy, 'teamMap'], [reflectionPolicy, 'reflection'],
    [referralPolicy, 'referral'], [referralQueuePolicy, 'referralQueue'], [calendarPolicy, 'calendar'], [alertPolicy, 'alert'], [navigatorViewPolicy, 'navigatorView'], [surveyPolicy, 'survey'], [surveyAnswerPolicy, 'surveyAnswer'], [schoolViewPolicy, 'schoolView'], [schoolPolicy, 'school'], [reportSettingsPolicy, 'reportSettings'], [teamMapPolicy, 'teamMap'], [riskReviewPolicy, 'riskReview'], [automationPolicy, 'automation'], [recordsBundlePolicy, 'recordsBundle'],
  ];
  for (const [policy, subject] of policies) {
    it(`${subject}: named, with a label for the audit page`, () => {
      expect(policySubject(policy)).to.equal(subject);
      expect(hasText(`audit.entities.${subject}`), subject).to.equal(true);
    });
  }

  it('authorize refuses with the policy, the action and the student', () => {
    const student: AppUser = { tenantId: 't1', personId: 's2', name: 'x', role: 'student', contextId: null, contextTitle: '', contextKind: null, menteeIds: [] };
    const scope = { tenantId: 't1', studentId: 's1', navigatorIds: [], advisorIds: [], mentorIds: [], teacherIds: [], schoolIds: [] };
    try {
      authorize(planPolicy, student, 'view', { scope });
      expect.fail('authorize should refuse');
    } catch (err) {
      expect(err).to.be.instanceOf(HttpError);
      expect((err as HttpError).status).to.equal(403);
      expect((err as HttpError).denial).to.deep.equal({ subject: 'plan', attempt: 'view', studentId: 's1' });
    }
  });
});
