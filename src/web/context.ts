import type { AutomationsService } from '../automations/automations.service.js';
import type { CustomFieldsService } from '../custom-fields/custom-fields.service.js';
import type { RequestHandler } from 'express';
import type passport from 'passport';
import type { Config } from './config.js';
import type { Database, Db } from '../db/client.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { PlatformsService } from '../platforms/platforms.service.js';
import type { LtiService } from '../lti/lti.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AuditLogService } from '../audit/audit-log.service.js';
import type { LtikService } from '../auth/ltik.js';
import type { LtiServices } from '../lti/services/index.js';
import type { RosterSyncService } from '../roster/sync.service.js';
import type { LaunchService } from '../lti/launch.service.js';
import type { ScoresService } from '../scores/scores.service.js';
import type { JobQueue } from '../jobs/jobs.service.js';
import type { PlansService } from '../plans/plans.service.js';
import type { TeamMapsService } from '../team-maps/team-maps.service.js';
import type { ConfigurationService } from '../configuration/configuration.service.js';
import type { ConsoleService } from '../console/console.service.js';
import type { DistrictSignOnService } from '../console/district-sign-on.service.js';
import type { RecordsRequestsService } from '../records-requests/records-requests.service.js';
import type { RecordsBundleService } from '../records-requests/bundle.service.js';
import type { Retention } from '../records-requests/retention.js';
import type { ReflectionsService } from '../reflections/reflections.service.js';
import type { RiskReviewsService } from '../risk-reviews/risk-reviews.service.js';
import type { NavigatorsService } from '../navigators/navigators.service.js';
import type { StudentRecordGate } from '../navigators/student-record.js';
import type { GoalsService } from '../goals/goals.service.js';
import type { CheckinsService } from '../checkins/checkins.service.js';
import type { CaseloadService } from '../caseload/caseload.service.js';
import type { NavigatorViewService } from '../dashboards/navigator.service.js';
import type { CoursesService } from '../courses/courses.service.js';
import type { Metrics } from '../metrics/metrics.service.js';
import type { IndicatorsService } from '../indicators/indicators.service.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import type { StudentDataService } from '../student-data/student-data.service.js';
import type { ConnectorsService } from '../connectors/connectors.service.js';
import type { CanvasService } from '../connectors/canvas/canvas.service.js';
import type { SupportsService } from '../supports/supports.service.js';
import type { ImportsService } from '../student-data/imports.service.js';
import type { MailService } from '../mail/mail.service.js';
import type { AlertsService } from '../alerts/alerts.service.js';
import type { Digest } from '../alerts/digest.js';
import type { StaffService } from '../roster/staff.service.js';
import type { LeaderService } from '../dashboards/leader.service.js';
import type { ProvidersService } from '../providers/providers.service.js';
import type { CalendarService } from '../calendar/calendar.service.js';
import type { SchoolsService } from '../schools/schools.service.js';
import type { SchoolViewService } from '../dashboards/school.service.js';
import type { SchoolFactSources } from '../dashboards/school-facts.js';
import type { DashboardsService } from '../dashboards/dashboards.service.js';
import type { ReportsService } from '../reports/reports.service.js';
import type { ReferralsService } from '../referrals/referrals.service.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import type { ImpactService } from '../impact/impact.service.js';

/** What createApp needs from outside: the process entry passes real ones, tests their own. */
export interface AppDeps {
  config: Config;
  database: Database;
  clock: Clock;
  logger: Logger;
  /** HTTP for calls to LMS services (NRPS, AGS, tokens); the global fetch unless given. */
  fetch?: typeof fetch;
}

/** Everything a feature's routes may use; built once per app. */
export interface AppContext extends AppDeps {
  db: Db;
  /** Prometheus metrics (src/metrics): request latency, errors, queue depth, sync and publish lag; served on /metrics. */
  metrics: Metrics;
  platforms: PlatformsService;
  /** The tool's key pair per platform and the public JWKS (contract 1). */
  lti: LtiService;
  roster: RosterService;
  audit: AuditService;
  /** The admin's audit page and CSV, and each student's "who viewed my record". */
  auditLog: AuditLogService;
  navigators: NavigatorsService;
  /** The one gate in front of every student record (services call it on entry; routes never do). */
  studentRecords: StudentRecordGate;
  /** Success plans: the plan pages' rules, plus statusFor (caseload) and completionOf (AGS score). */
  plans: PlansService;
  /** SMART goals: summaryFor (counts per student), listForStudent (plan page), and the goal pages' rules. */
  goals: GoalsService;
  /** The school's own fields on students, goals, check-ins and referrals (src/custom-fields). */
  customFields: CustomFieldsService;
  /** Check-ins: currentPrompts (student home), history, recording, prep, needs raised. */
  checkins: CheckinsService;
  /** The advisor's caseload and navigator reassignment. */
  caseload: CaseloadService;
  /** The navigator view (/navigator): check-ins due, students not seen, open needs, referrals waiting across an adult's students. */
  navigatorView: NavigatorViewService;
  /** What each course is (advisory, subject, undecided) and the subject course's teacher view of plans. */
  courses: CoursesService;
  /** Indicators and tiers: summaryFor (caseload badges), the student's data panel, tier decisions, recompute jobs. */
  indicators: IndicatorsService;
  /** Who an outside row (SIS, Canvas, Schoology) is: stable-id matching and the admin's review queue. */
  identities: IdentitiesService;
  /** Attendance, incidents and course standings: the one writer (connectors, imports, manual entry) and reader (indicators). */
  studentData: StudentDataService;
  /** The data sources beside LTI: each school's settings, runs on the job queue, the run record. */
  connectors: ConnectorsService;
  /** Canvas: the REST connector and the Live Events receiver (src/connectors/canvas). */
  canvas: CanvasService;
  /** File imports into student data (upload, CLI, SIS push), the push token, and manual entry of attendance and incidents. */
  dataImports: ImportsService;
  /** The school's catalogue of supports (its asset map): browsed by referrers, managed by admins. */
  supports: SupportsService;
  /** Outgoing e-mail (src/mail): queue in the causing write's transaction; sent by the `mail.send` job; /sandbox/outbox without SMTP_URL. */
  mail: MailService;
  /** Alerts (src/alerts): raised in the causing write's transaction, routed per config/alert-routing.json, listed on /alerts. */
  alerts: AlertsService;
  /** The navigators' daily digest (07:00 school time, weekdays): its jobs and schedule. */
  digest: Digest;
  /** Staff roles (counsellor, social worker, coordinator, leaders) given by admins on /admin/staff. */
  staff: StaffService;
  leaders: LeaderService;
  /** Community providers outside the LMS (src/providers): organisations and invitations (admins), sign-in and home at /provider. */
  providers: ProvidersService;
  /** The school's closed days and `dueBy` (school days on its calendar). */
  calendar: CalendarService;
  /** The district's schools, their courses, students' enrolments and subgroups. */
  schools: SchoolsService;
  /** A school's view and the students behind its numbers (src/dashboards/school.service.ts). */
  /** The school view's reads, kept facts included (tests count what they recompute). */
  schoolFacts: SchoolFactSources;
  schoolView: SchoolViewService;
  /** Teams' Success Maps (issue 13): a school's or the district's shared map with its tracked actions. */
  teamMaps: TeamMapsService;
  /** The district's automation rules (issue 14, item 5): events in, actions out, exactly once. */
  automations: AutomationsService;
  /** Configuration documents (issue 14): versions of what a district changes without code, and the one in force. */
  configuration: ConfigurationService;
  /** The admin console's window (src/console): hand-offs from a launch, and who a console session is. */
  console: ConsoleService;
  /** The console's district single sign-on (OIDC): each school's provider settings, and sign-ins through it. */
  districtSignOn: DistrictSignOnService;
  recordsRequests: RecordsRequestsService;
  /** The district-wide export bundle (src/records-requests/bundle.*). */
  recordsBundle: RecordsBundleService;
  /** The nightly retention round (check-in words older than the district's setting emptied). */
  retention: Retention;
  /** Teams' reflection cycles (issue 13, item 2): look-for ratings and evidence cards from the school view. */
  reflections: ReflectionsService;
  riskReviews: RiskReviewsService;
  /** Weekly school snapshots (a nightly job) and the district view read from them. */
  dashboards: DashboardsService;
  /** The reports library's settings (the minimum group size school and district views hide below), kept on /admin/reports. */
  reports: ReportsService;
  /** Referrals to supports: the loop from need to service, consent, need-to-know, the queue. */
  referrals: ReferralsService;
  /** Belonging and well-being pulse (src/surveys): windows (admins), answering (students), pulseSince (indicators), resultsFor and windowsFor (school view). */
  surveys: SurveysService;
  /** Which supports worked (issue 12): students served beside same-tier students not served, aggregate and suppressed. */
  impact: ImpactService;
  ltiks: LtikService;
  authenticator: passport.PassportStatic;
  /** Token cache and HTTP client for NRPS/AGS calls (client-credentials, retry rules). */
  ltiServices: LtiServices;
  /** NRPS roster sync: syncIfStale / syncForLaunch (launch), firstSyncStatus, syncContext, startScheduler (server only), stop. */
  rosterSync: RosterSyncService;
  /** The durable background queue (src/jobs): enqueue, runDue, start (server only), stop. */
  jobs: JobQueue;
  /** AGS: the tool's line items, plan-completion scores, what AGS exposes per context. */
  scores: ScoresService;
  /** OIDC login, hardened launch validation, state binding and the writes of a valid launch. */
  launches: LaunchService;
  /** Guard for pages that need a launched user. */
  requireUser: RequestHandler;
  /** Stops background work (schedulers) before the database closes. */
  shutdown?: () => Promise<void>;
}
