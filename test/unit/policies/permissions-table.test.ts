import { expect } from 'chai';
import type { AppUser } from '../../../src/auth/user.js';
import type { StudentScope } from '../../../src/policies/student-record.js';
import { planPolicy, planActions } from '../../../src/policies/plan.js';
import { goalPolicy, goalActions } from '../../../src/policies/goal.js';
import { checkinPolicy, checkinActions } from '../../../src/policies/checkin.js';
import { caseloadPolicy, caseloadActions, navigatorPolicy, navigatorActions } from '../../../src/policies/caseload.js';
import { auditPolicy, auditLogActions } from '../../../src/policies/audit.js';
import { recordViewsPolicy, recordViewsActions } from '../../../src/policies/record-views.js';
import { coursePolicy, courseActions, type CourseResource } from '../../../src/policies/course.js';
import { platformPolicy, platformActions } from '../../../src/policies/platform.js';
import { jobPolicy, jobActions } from '../../../src/policies/job.js';
import { connectorPolicy, connectorActions } from '../../../src/policies/connector.js';
import { dataImportPolicy, dataImportActions } from '../../../src/policies/data-import.js';
import { studentDataEntryPolicy, studentDataEntryActions } from '../../../src/policies/student-data-entry.js';
import { supportPolicy, supportActions } from '../../../src/policies/support.js';
import { staffRolePolicy, staffRoleActions } from '../../../src/policies/staff-role.js';
import { providerAccountPolicy, providerAccountActions } from '../../../src/policies/provider-account.js';
import { referralPolicy, referralActions, referralQueuePolicy, referralQueueActions, type ReferralFacts } from '../../../src/policies/referral.js';
import { calendarPolicy, calendarActions } from '../../../src/policies/calendar.js';
import { reportSettingsPolicy, reportSettingsActions } from '../../../src/policies/report-settings.js';
import { alertPolicy, alertActions } from '../../../src/policies/alert.js';
import { navigatorViewPolicy, navigatorViewActions } from '../../../src/policies/navigator-view.js';
import { surveyPolicy, surveyActions, surveyAnswerPolicy } from '../../../src/policies/survey.js';
import { impactPolicy, impactActions } from '../../../src/policies/impact.js';
import { schoolViewPolicy, schoolViewActions } from '../../../src/policies/school-view.js';
import { schoolPolicy, schoolActions } from '../../../src/policies/school.js';
import { teamMapPolicy, teamMapActions } from '../../../src/policies/team-map.js';
import { configurationPolicy, configurationActions } from '../../../src/policies/configuration.js';
import { recordsRequestPolicy, recordsRequestActions } from '../../../src/policies/records-request.js';
import { recordsBundlePolicy, recordsBundleActions } from '../../../src/policies/records-bundle.js';
import { reflectionPolicy, reflectionActions } from '../../../src/policies/reflection.js';
import { riskReviewPolicy, riskReviewActions } from '../../../src/policies/risk-review.js';
import { automationPolicy, automationActions } from '../../../src/policies/automation.js';
import type { PermissionSet } from '../../../src/policies/permission-set.js';
import { permissionSetSchema, shippedPermissionSet } from '../../../src/policies/permission-set.kind.js';

/**
 * Every role x action x relationship, against a table written out by hand (not derived from the
 * policies), so a policy change that widens or narrows access fails here cell by cell.
 */
const T = '10000000-0000-4000-8000-000000000001';
const OTHER_T = '20000000-0000-4000-8000-000000000002';
// The student is at school A; school B is another school of the same district.
const SA = '30000000-0000-4000-8000-00000000000a';
const SB = '30000000-0000-4000-8000-00000000000b';
const scope: StudentScope = { tenantId: T, studentId: 's1', navigatorIds: ['a1'], advisorIds: ['a1'], mentorIds: ['m1'], teacherIds: ['t1'], schoolIds: [SA] };
// a1 teaches a course nobody has decided on yet; t1 teaches the student in a subject course.
const undecidedCourse: CourseResource = { tenantId: T, kind: 'undecided', instructorIds: ['a1'] };
const subjectCourse: CourseResource = { tenantId: T, kind: 'subject', instructorIds: ['t1'] };
const u = (role: AppUser['role'], personId: string, extra: Partial<AppUser> = {}): AppUser => ({ tenantId: T, personId, name: 'x', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [], ...extra });

// A sensitive referral a1 (the student's advisor) made, owned by the coordinator c2; and one a stranger to both made and owns.
const referredByAdvisor: ReferralFacts = { sensitive: true, referredBy: 'a1', ownerId: 'c2' };
const referredByOthers: ReferralFacts = { sensitive: true, referredBy: 'z1', ownerId: 'z2' };

const subjects: Record<string, AppUser> = {
  'student (own record)': u('student', 's1'),
  'student (another student)': u('student', 's2'),
  'advisor (own caseload)': u('advisor', 'a1'),
  'advisor (other course)': u('advisor', 'a9'),
  'teacher (subject course of the student)': u('advisor', 't1'),
  'mentor (scoped to the student)': u('family', 'm1', { menteeIds: ['s1'] }),
  'mentor (not scoped)': u('family', 'm2', { menteeIds: ['s2'] }),
  'counsellor (staff role, not the student\'s advisor)': u('advisor', 'c1', { staffRoles: ['counsellor'] }),
  'support coordinator launched without a course role (guest)': u('guest', 'c2', { staffRoles: ['coordinator'] }),
  'school leader (views come with issue 12)': u('advisor', 'l1', { staffRoles: ['school_leader'] }),
  'student whose row says counsellor (never trusted)': u('student', 's1', { staffRoles: ['counsellor'] }),
  'counsellor of another tenant': u('advisor', 'c1', { tenantId: OTHER_T, staffRoles: ['counsellor'] }),
  // Staff roles given at a school (staffGrants); the ones above hold at every school (roles without grants, as before schools).
  'counsellor at school A': u('advisor', 'c3', { staffRoles: ['counsellor'], staffGrants: [{ role: 'counsellor', schoolId: SA }] }),
  'counsellor at school B': u('advisor', 'c4', { staffRoles: ['counsellor'], staffGrants: [{ role: 'counsellor', schoolId: SB }] }),
  'social worker at school A (guest)': u('guest', 'w1', { staffRoles: ['social_worker'], staffGrants: [{ role: 'social_worker', schoolId: SA }] }),
  'coordinator at school B (guest)': u('guest', 'w2', { staffRoles: ['coordinator'], staffGrants: [{ role: 'coordinator', schoolId: SB }] }),
  'school leader at school A': u('advisor', 'l2', { staffRoles: ['school_leader'], staffGrants: [{ role: 'school_leader', schoolId: SA }] }),
  'school leader at school B': u('advisor', 'l3', { staffRoles: ['school_leader'], staffGrants: [{ role: 'school_leader', schoolId: SB }] }),
  'district leader, every school (guest)': u('guest', 'd1', { staffRoles: ['district_leader'], staffGrants: [{ role: 'district_leader', schoolId: null }] }),
  'district leader of school B only (guest)': u('guest', 'd2', { staffRoles: ['district_leader'], staffGrants: [{ role: 'district_leader', schoolId: SB }] }),
  'student whose grants say counsellor at A (never trusted)': u('student', 's2', { staffRoles: ['counsellor'], staffGrants: [{ role: 'counsellor', schoolId: SA }] }),
  admin: u('admin', 'x1'),
  'advisor of another tenant (guessed ids)': u('advisor', 'a1', { tenantId: OTHER_T }),
  'admin of another tenant': u('admin', 'x1', { tenantId: OTHER_T }),
};

// What a counsellor, social worker or coordinator reads of any student of the school, and the needs they resolve.
const staffReads = [
  'plan:view', 'plan:print', 'plan:comment', 'goal:list', 'goal:view',
  'checkin:list', 'checkin:view', 'checkin:viewAdultNotes', 'checkin:viewSensitiveNeeds', 'checkin:resolveNeed',
];
// Support staff see and work every alert of the school, sensitive categories included.
const staffAlerts = ['alert:list', 'alert:view', 'alert:acknowledge', 'alert:resolve', 'alert:viewSensitive'];

// Support staff work every referral of the school, sensitive ones included, and the queue.
const staffReferrals = ['referral:list', 'referral:view', 'referral:viewSensitive', 'referral:create', 'referral:respond', 'referral:serve', 'referral:close', 'referral:recordConsent', 'referral:revokeConsent', 'referralOthers:list', 'referralOthers:view', 'referralOthers:viewSensitive', 'referralOthers:create', 'referralOthers:respond', 'referralOthers:serve', 'referralOthers:close', 'referralOthers:recordConsent', 'referralOthers:revokeConsent', 'referralQueue:view'];

// The school view of school A: its leaders, district leaders and support staff (and admins); sensitive categories its support staff only.
const schoolAView = ['schoolView:view_school', 'schoolView:list_students', 'schoolView:export'];
const schoolAStaffView = [...schoolAView, 'schoolView:see_sensitive'];

// Success Maps (issue 13): a school's team (its staff) reads and writes school A's map; the district team (district leaders at every school) the district's; admins read both.
const teamMapAll = ['list', 'view', 'viewHistory', 'print', 'create', 'edit'];
const schoolATeamMap = teamMapAll.map((a) => `teamMapSchoolA:${a}`);
const districtTeamMap = teamMapAll.map((a) => `teamMapDistrict:${a}`);
// Risk review (issue 13): the school's staff run it; admins read; no one at another school, no student or family.
const schoolARiskReview = ['list', 'view', 'create', 'edit'].map((a) => `riskReviewSchoolA:${a}`);
// Support staff also open the agenda's students' records from it; leaders do not.
const schoolARiskReviewStaff = [...schoolARiskReview, 'riskReviewSchoolA:openRecords'];
const teamMapReads = ['list', 'view', 'viewHistory', 'print'].flatMap((a) => [`teamMapSchoolA:${a}`, `teamMapDistrict:${a}`]);
// Reflection cycles (issue 13, item 2): the same teams as the Success Maps; admins read both.
const reflectionAll = ['list', 'view', 'compare', 'print', 'create', 'edit'];
const schoolAReflection = reflectionAll.map((a) => `reflectionSchoolA:${a}`);
const districtReflection = reflectionAll.map((a) => `reflectionDistrict:${a}`);
const reflectionReads = ['list', 'view', 'compare', 'print'].flatMap((a) => [`reflectionSchoolA:${a}`, `reflectionDistrict:${a}`]);

const expected: Record<string, string[]> = {
  'student (own record)': [
    'referral:list', 'referral:view', 'referral:viewSensitive', 'referralOthers:list', 'referralOthers:view', 'referralOthers:viewSensitive',
    'plan:view', 'plan:print', 'plan:viewHistory', 'plan:edit', 'plan:editStudentVoice', 'plan:comment',
    'goal:list', 'goal:view', 'goal:propose', 'goal:edit', 'goal:addProgress', 'goal:editSteps',
    'checkin:list', 'checkin:view', 'checkin:prep', 'recordViews:view', 'survey:answer', 'surveyAnswer:answer',
  ],
  // A student answers pulse surveys (survey:answer), never for another student (surveyAnswer).
  'student (another student)': ['survey:answer'],
  'advisor (own caseload)': [
    'referral:list', 'referral:view', 'referral:viewSensitive', 'referral:create', 'referral:recordConsent', 'referral:revokeConsent', 'referralOthers:list', 'referralOthers:view', 'referralOthers:create', 'referralOthers:recordConsent', 'referralOthers:revokeConsent',
    'plan:view', 'plan:print', 'plan:viewHistory', 'plan:edit', 'plan:editAdultVoice', 'plan:setStatus', 'plan:comment', 'plan:viewShared',
    'goal:list', 'goal:view', 'goal:create', 'goal:edit', 'goal:approve', 'goal:suggest', 'goal:setStatus', 'goal:addProgress', 'goal:editSteps',
    'checkin:list', 'checkin:view', 'checkin:record', 'checkin:viewAdultNotes', 'checkin:viewSensitiveNeeds', 'checkin:resolveNeed',
    'navigator:reassign', 'navigator:setPreferredAdult', 'caseload:view', 'caseload:recordAll', 'course:confirmKind',
    'studentDataEntry:enterAttendance', 'studentDataEntry:enterIncident', 'support:browse',
    'alert:list', 'alert:view', 'alert:acknowledge', 'alert:resolve', 'alert:viewSensitive', 'navigatorView:view',
  ],
  'advisor (other course)': ['caseload:view', 'caseload:recordAll', 'support:browse', 'alert:list', 'navigatorView:view'],
  'teacher (subject course of the student)': ['plan:viewShared', 'caseload:view', 'caseload:recordAll', 'course:viewStudents', 'support:browse', 'alert:list', 'navigatorView:view'],
  'mentor (scoped to the student)': [
    'referral:list', 'referral:view', 'referralOthers:list', 'referralOthers:view', 'plan:view', 'plan:print', 'plan:comment', 'goal:list', 'goal:view', 'recordViews:view'],
  'mentor (not scoped)': [],
  'counsellor (staff role, not the student\'s advisor)': [...schoolATeamMap, ...schoolAReflection, ...schoolARiskReviewStaff, ...staffReads, 'caseload:view', 'caseload:recordAll', 'support:browse', ...staffReferrals, ...staffAlerts, 'navigatorView:view', 'navigatorViewNone:view', 'survey:readResults', 'impact:view', 'impactDistrict:view', ...schoolAStaffView],
  'support coordinator launched without a course role (guest)': [...schoolATeamMap, ...schoolAReflection, ...schoolARiskReviewStaff, ...staffReads, 'support:browse', ...staffReferrals, ...staffAlerts, 'navigatorView:view', 'navigatorViewNone:view', 'survey:readResults', 'impact:view', 'impactDistrict:view', ...schoolAStaffView],
  'school leader (views come with issue 12)': [...schoolATeamMap, ...schoolAReflection, ...schoolARiskReview, 'caseload:view', 'caseload:recordAll', 'support:browse', 'alert:list', 'navigatorView:view', 'survey:readResults', 'impact:view', 'impactDistrict:view', ...schoolAView],
  'counsellor at school A': [...schoolATeamMap, ...schoolAReflection, ...schoolARiskReviewStaff, ...staffReads, 'caseload:view', 'caseload:recordAll', 'support:browse', ...staffReferrals, ...staffAlerts, 'navigatorView:view', 'navigatorViewNone:view', 'survey:readResults', 'impact:view', ...schoolAStaffView],
  // Nothing of school A's student: no record, no referral, no alert (the queue and alerts pages open, listing B's only).
  'counsellor at school B': ['caseload:view', 'caseload:recordAll', 'support:browse', 'referralQueue:view', 'alert:list', 'navigatorView:view', 'navigatorViewNone:view', 'survey:readResults'],
  'social worker at school A (guest)': [...schoolATeamMap, ...schoolAReflection, ...schoolARiskReviewStaff, ...staffReads, 'support:browse', ...staffReferrals, ...staffAlerts, 'navigatorView:view', 'navigatorViewNone:view', 'survey:readResults', 'impact:view', ...schoolAStaffView],
  'coordinator at school B (guest)': ['support:browse', 'referralQueue:view', 'alert:list', 'navigatorView:view', 'navigatorViewNone:view', 'survey:readResults'],
  // Leaders read numbers and the lists behind them, never a student's record, and never sensitive categories.
  'school leader at school A': [...schoolATeamMap, ...schoolAReflection, ...schoolARiskReview, 'caseload:view', 'caseload:recordAll', 'support:browse', 'alert:list', 'navigatorView:view', 'survey:readResults', 'impact:view', ...schoolAView],
  'school leader at school B': ['caseload:view', 'caseload:recordAll', 'support:browse', 'alert:list', 'navigatorView:view', 'survey:readResults'],
  'district leader, every school (guest)': [...schoolATeamMap, ...schoolAReflection, ...schoolARiskReview, ...districtTeamMap, ...districtReflection, 'survey:readResults', 'impact:view', 'impactDistrict:view', ...schoolAView, 'schoolView:view_district'],
  'district leader of school B only (guest)': ['survey:readResults'],
  'student whose grants say counsellor at A (never trusted)': ['survey:answer'],
  'student whose row says counsellor (never trusted)': [
    'referral:list', 'referral:view', 'referral:viewSensitive', 'referralOthers:list', 'referralOthers:view', 'referralOthers:viewSensitive',
    'plan:view', 'plan:print', 'plan:viewHistory', 'plan:edit', 'plan:editStudentVoice', 'plan:comment',
    'goal:list', 'goal:view', 'goal:propose', 'goal:edit', 'goal:addProgress', 'goal:editSteps',
    'checkin:list', 'checkin:view', 'checkin:prep', 'recordViews:view', 'survey:answer', 'surveyAnswer:answer',
  ],
  'counsellor of another tenant': [],
  admin: [
    'referral:list', 'referral:view', 'referralOthers:list', 'referralOthers:view', 'referralQueue:view', 'calendar:manage', 'school:manage', 'reportSettings:view', 'reportSettings:edit',
    'plan:view', 'plan:print', 'plan:viewHistory', 'goal:list', 'goal:view',
    'checkin:list', 'checkin:view', 'checkin:viewAdultNotes', 'checkin:viewSensitiveNeeds', 'navigator:reassign', 'audit:list', 'audit:export', 'course:setKind',
    'platform:list', 'platform:add', 'platform:update',
    'job:list', 'job:retry',
    'connector:view', 'connector:configure', 'connector:run', 'connector:review',
    'dataImport:view', 'dataImport:upload', 'dataImport:managePushToken', 'studentDataEntry:enterAttendance', 'studentDataEntry:enterIncident',
    'support:browse', 'support:manage', 'staffRole:list', 'staffRole:grant', 'providerAccount:manage', 'alert:list', 'alert:view',
    'survey:manageWindows', 'survey:readResults',
    'impact:view', 'impactDistrict:view',
    ...schoolAView, 'schoolView:view_district',
    ...teamMapReads, ...reflectionReads, 'riskReviewSchoolA:list', 'riskReviewSchoolA:view',
    'configuration:view', 'configuration:edit', 'configuration:publish', 'configuration:export', 'configuration:import', 'configuration:openConsole', 'configuration:manageSignOn',
    'automation:view', 'automation:edit', 'automation:switch', 'automation:dryRun',
    'recordsRequest:export', 'recordsRequest:scheduleDeletion', 'recordsRequest:cancelDeletion',
    'recordsBundle:view', 'recordsBundle:download',
  ],
  'advisor of another tenant (guessed ids)': [],
  'admin of another tenant': [],
};

const checks: [string, readonly string[], (user: AppUser, action: string) => boolean][] = [
  ['plan', planActions, (user, a) => planPolicy(user, a as (typeof planActions)[number], { scope })],
  ['goal', goalActions, (user, a) => goalPolicy(user, a as (typeof goalActions)[number], { scope })],
  ['checkin', checkinActions, (user, a) => checkinPolicy(user, a as (typeof checkinActions)[number], { scope })],
  ['navigator', navigatorActions, (user, a) => navigatorPolicy(user, a as (typeof navigatorActions)[number], { scope })],
  // The caseload and the audit log are the tenant's, not one student's.
  ['caseload', caseloadActions, (user, a) => caseloadPolicy(user, a as (typeof caseloadActions)[number], { tenantId: T })],
  // The tenant's own LMS registration (name, issuer, client id, deployments): its admins only.
  ['platform', platformActions, (user, a) => platformPolicy(user, a as (typeof platformActions)[number], { tenantId: T })],
  // The background jobs page is the school's, like the audit log.
  ['job', jobActions, (user, a) => jobPolicy(user, a as (typeof jobActions)[number], { tenantId: T })],
  // Data sources hold tokens that open every student's grades, and the review queue shows outside names: admins only.
  ['connector', connectorActions, (user, a) => connectorPolicy(user, a as (typeof connectorActions)[number], { tenantId: T })],
  // File imports and the SIS's push token are the school's, like its connectors: admins only.
  ['dataImport', dataImportActions, (user, a) => dataImportPolicy(user, a as (typeof dataImportActions)[number], { tenantId: T })],
  // Entering a day or an incident by hand: the student's advisors and the admins, never the student, family or a subject teacher.
  ['studentDataEntry', studentDataEntryActions, (user, a) => studentDataEntryPolicy(user, a as (typeof studentDataEntryActions)[number], { scope })],
  // The supports catalogue: every adult who refers browses it; students and families never; admins manage it.
  ['support', supportActions, (user, a) => supportPolicy(user, a as (typeof supportActions)[number], { tenantId: T })],
  // Who is a counsellor or coordinator in the tool: the school's admins decide.
  ['staffRole', staffRoleActions, (user, a) => staffRolePolicy(user, a as (typeof staffRoleActions)[number], { tenantId: T })],
  // Community providers' organisations and accounts open referrals to people outside the school: admins only.
  ['providerAccount', providerAccountActions, (user, a) => providerAccountPolicy(user, a as (typeof providerAccountActions)[number], { tenantId: T })],
  // A sensitive referral the subject's own advisor made (the coordinator c2 owns it), then one made and owned by others:
  // need-to-know shows the first's detail to its referrer and owner only (and staff, and the student), never to family or admins.
  ['referral', referralActions, (user, a) => referralPolicy(user, a as (typeof referralActions)[number], { scope, referral: referredByAdvisor })],
  ['referralOthers', referralActions, (user, a) => referralPolicy(user, a as (typeof referralActions)[number], { scope, referral: referredByOthers })],
  // The school's referral queue: support staff and admins.
  ['referralQueue', referralQueueActions, (user, a) => referralQueuePolicy(user, a as (typeof referralQueueActions)[number], { tenantId: T })],
  // The school's closed days: its admins.
  ['calendar', calendarActions, (user, a) => calendarPolicy(user, a as (typeof calendarActions)[number], { tenantId: T })],
  // The navigator view: an advisor who navigates anyone, support staff whether or not they do (navigatorViewNone: nobody navigated).
  ['navigatorView', navigatorViewActions, (user, a) => navigatorViewPolicy(user, a as (typeof navigatorViewActions)[number], { tenantId: T, navigates: true })],
  ['navigatorViewNone', navigatorViewActions, (user, a) => navigatorViewPolicy(user, a as (typeof navigatorViewActions)[number], { tenantId: T, navigates: false })],
  // Pulse surveys: students answer, admins open and close windows, support staff, leaders and admins read group results.
  ['survey', surveyActions, (user, a) => surveyPolicy(user, a as (typeof surveyActions)[number], { tenantId: T })],
  // A pulse response is the student's own to write.
  ['surveyAnswer', ['answer'], (user) => surveyAnswerPolicy(user, 'answer', { scope })],
  // Which supports worked over school A's students (aggregate, suppressed): A's support staff and leaders, district leaders, admins; never students, families or advisors as such (a counsellor of B: never A's).
  ['impact', impactActions, (user, a) => impactPolicy(user, a as (typeof impactActions)[number], { tenantId: T, schoolIds: [SA] })],
  // The same report over every student of the district (students of no known school included): readers of every school and admins.
  ['impactDistrict', impactActions, (user, a) => impactPolicy(user, a as (typeof impactActions)[number], { tenantId: T, schoolIds: null })],
  // The district's schools, courses' schools, students' moves and programs: its admins.
  ['school', schoolActions, (user, a) => schoolPolicy(user, a as (typeof schoolActions)[number], { tenantId: T })],
  // The minimum group size school and district views hide below: its admins.
  ['reportSettings', reportSettingsActions, (user, a) => reportSettingsPolicy(user, a as (typeof reportSettingsActions)[number], { tenantId: T })],
  // Alerts: the adults one was routed to (a1 is a recipient) and support staff act on it; admins oversee; the rest never see it.
  // (The alert is school A's student's; `list` is the page as a whole.)
  ['alert', alertActions, (user, a) => alertPolicy(user, a as (typeof alertActions)[number], a === 'list' ? { tenantId: T, recipientIds: [] } : { tenantId: T, recipientIds: ['a1'], schoolIds: [SA] })],
  // School A's view and the district's (view_district names no school).
  ['schoolView', schoolViewActions, (user, a) => schoolViewPolicy(user, a as (typeof schoolViewActions)[number], a === 'view_district' ? { tenantId: T } : { tenantId: T, schoolId: SA })],
  // School A's Success Maps and the district team's (schoolId null).
  ['teamMapSchoolA', teamMapActions, (user, a) => teamMapPolicy(user, a as (typeof teamMapActions)[number], { tenantId: T, schoolId: SA })],
  ['riskReviewSchoolA', riskReviewActions, (user, a) => riskReviewPolicy(user, a as (typeof riskReviewActions)[number], { tenantId: T, schoolId: SA })],
  ['teamMapDistrict', teamMapActions, (user, a) => teamMapPolicy(user, a as (typeof teamMapActions)[number], { tenantId: T, schoolId: null })],
  // What the district changes without code (configuration documents): its admins, whatever anyone's staff roles.
  ['configuration', configurationActions, (user, a) => configurationPolicy(user, a as (typeof configurationActions)[number], { tenantId: T })],
  // Automation rules act on every student of the district: its admins only.
  ['automation', automationActions, (user, a) => automationPolicy(user, a as (typeof automationActions)[number], { tenantId: T })],
  // A records request (issue 14 item 7) exports everything about a student: the tenant's admins only.
  ['recordsRequest', recordsRequestActions, (user, a) => recordsRequestPolicy(user, a as (typeof recordsRequestActions)[number], { scope })],
  // The district-wide export bundle (issue 14 item 7) holds every student's rows: the tenant's admins only, whatever anyone's staff roles.
  ['recordsBundle', recordsBundleActions, (user, a) => recordsBundlePolicy(user, a as (typeof recordsBundleActions)[number], { tenantId: T })],
  // School A's reflection cycles and the district team's.
  ['reflectionSchoolA', reflectionActions, (user, a) => reflectionPolicy(user, a as (typeof reflectionActions)[number], { tenantId: T, schoolId: SA })],
  ['reflectionDistrict', reflectionActions, (user, a) => reflectionPolicy(user, a as (typeof reflectionActions)[number], { tenantId: T, schoolId: null })],
  ['audit', auditLogActions, (user, a) => auditPolicy(user, a as (typeof auditLogActions)[number], { tenantId: T })],
  // "Who viewed my record": the student's own and their family's, never staff's (they have the audit log).
  ['recordViews', recordViewsActions, (user, a) => recordViewsPolicy(user, a as (typeof recordViewsActions)[number], { scope })],
  // Answering "is it an advisory?" is asked of the undecided course's instructor; the student list is the subject course's.
  ['course', courseActions, (user, a) => coursePolicy(user, a as (typeof courseActions)[number], a === 'confirmKind' ? undecidedCourse : subjectCourse)],
];

describe('permission table: every role x action x relationship', () => {
  for (const [subject, user] of Object.entries(subjects)) {
    describe(subject, () => {
      for (const [resource, actions, allow] of checks) {
        for (const action of actions) {
          const cell = `${resource}:${action}`;
          const want = expected[subject]!.includes(cell);
          it(`${want ? 'may' : 'may not'} ${cell}`, () => expect(allow(user, action)).to.equal(want));
        }
      }
    });
  }
  it('names only real actions in the table', () => {
    const real = new Set(checks.flatMap(([r, actions]) => actions.map((a) => `${r}:${a}`)));
    for (const cells of Object.values(expected)) for (const c of cells) expect(real, c).to.include(c);
  });
});

/**
 * The same table over a school's edited permission set (issue 14 item 6): counsellors co-write the
 * plan's adult voice, family may not comment, advisors may not approve goals, admins do not read the
 * adult-only parts of check-ins, only support staff refer. The set also tries to widen past the safety floor (a student writing
 * the adults' words, family reading check-ins): those grants are dropped, so those cells stay as they were.
 */
const editedSet: PermissionSet = {
  plan: { ...shippedPermissionSet().plan, staff: ['view', 'print', 'comment', 'viewHistory', 'edit', 'editAdultVoice'], mentor: ['view', 'print'], self: ['view', 'print', 'viewHistory', 'edit', 'editStudentVoice', 'comment', 'editAdultVoice', 'setStatus'] },
  goal: { ...shippedPermissionSet().goal, advisor: ['list', 'view', 'create', 'edit', 'suggest', 'setStatus', 'addProgress', 'editSteps'] },
  checkin: { ...shippedPermissionSet().checkin, admin: ['list', 'view'], mentor: ['list', 'view'] },
  // Only support staff refer and record consent; family would see sensitive referrals (dropped: past the floor).
  referral: { ...shippedPermissionSet().referral, advisor: ['list', 'view'], mentor: ['list', 'view', 'viewSensitive'] },
};
const counsellorGains = ['plan:viewHistory', 'plan:edit', 'plan:editAdultVoice'];
const advisorReferrals = ['referral:create', 'referral:recordConsent', 'referral:revokeConsent', 'referralOthers:create', 'referralOthers:recordConsent', 'referralOthers:revokeConsent'];
const editedChanges: Record<string, { add?: string[]; remove?: string[] }> = {
  "counsellor (staff role, not the student's advisor)": { add: counsellorGains },
  'support coordinator launched without a course role (guest)': { add: counsellorGains },
  'counsellor at school A': { add: counsellorGains },
  'social worker at school A (guest)': { add: counsellorGains },
  'mentor (scoped to the student)': { remove: ['plan:comment'] },
  'advisor (own caseload)': { remove: ['goal:approve', ...advisorReferrals] },
  admin: { remove: ['checkin:viewAdultNotes', 'checkin:viewSensitiveNeeds'] },
};

describe('permission table over an edited permission set', () => {
  for (const [subject, base] of Object.entries(subjects)) {
    // The set is the user's school's: another tenant's users carry their own (none here).
    const user: AppUser = base.tenantId === T ? { ...base, permissions: editedSet } : base;
    const change = editedChanges[subject] ?? {};
    const want = new Set([...expected[subject]!.filter((c) => !(change.remove ?? []).includes(c)), ...(change.add ?? [])]);
    describe(subject, () => {
      for (const [resource, actions, allow] of checks) {
        for (const action of actions) {
          const cell = `${resource}:${action}`;
          it(`${want.has(cell) ? 'may' : 'may not'} ${cell}`, () => expect(allow(user, action)).to.equal(want.has(cell)));
        }
      }
    });
  }

  it('the shipped set is the policies own defaults, inside every ceiling, and the edited one stays inside them', () => {
    expect(permissionSetSchema.safeParse(shippedPermissionSet()).success).to.equal(true);
    const widened = permissionSetSchema.safeParse(editedSet);
    expect(widened.success).to.equal(false);
    expect(widened.error!.issues.map((i) => i.path.join('.'))).to.have.members(['plan.self.6', 'plan.self.7', 'checkin', 'referral.mentor.2']);
  });
});
