import { randomUUID } from 'node:crypto';
import path from 'node:path';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { AppContext, AppDeps } from './context.js';
import { setupViews } from './views.js';
import { contentSecurityPolicy } from './csp.js';
import { sandboxBaseUrl } from '../sandbox/sandbox.routes.js';
import { HttpError, message, notFound } from './errors.js';
import { ConfigError, projectRoot } from './config.js';
import { createPlatformsService } from '../platforms/platforms.service.js';
import { createLtiService } from '../lti/lti.service.js';
import { createRosterService } from '../roster/roster.service.js';
import { createAuditService } from '../audit/audit.service.js';
import { createAuditLogService } from '../audit/audit-log.service.js';
import { createNavigatorsService } from '../navigators/navigators.service.js';
import { createStudentRecordGate } from '../navigators/student-record.js';
import { createLtikService } from '../auth/ltik.js';
import { createAuthenticator, requireUser } from '../auth/passport.js';
import { createLtiServices } from '../lti/services/index.js';
import { toolUserAgent } from '../lti/services/http.js';
import { mapRole } from '../lti/roles.js';
import { createLaunchService } from '../lti/launch.service.js';
import { createRosterSyncService } from '../roster/sync.service.js';
import { createScoresService } from '../scores/scores.service.js';
import { createJobQueue, type JobDescriber } from '../jobs/jobs.service.js';
import { createPlansService } from '../plans/plans.service.js';
import { loadPlanTemplates } from '../plans/plans.schemas.js';
import { documentOf, planTemplateKind } from '../plans/plan-template.js';
import { permissionSetKind } from '../policies/permission-set.kind.js';
import { createConsoleService } from '../console/console.service.js';
import { createDistrictSignOnService } from '../console/district-sign-on.service.js';
import { goalCategoriesKind } from '../goals/goals.schemas.js';
import { createTeamMapsService } from '../team-maps/team-maps.service.js';
import { createConfigurationService } from '../configuration/configuration.service.js';
import { createRecordsRequestsService } from '../records-requests/records-requests.service.js';
import { createRecordsBundleService } from '../records-requests/bundle.service.js';
import { createRetention, retentionKind } from '../records-requests/retention.js';
import { createRiskReviewsService } from '../risk-reviews/risk-reviews.service.js';
import { loadMapExamples } from '../team-maps/team-maps.schemas.js';
import { createReflectionsService } from '../reflections/reflections.service.js';
import { loadReflectionTools } from '../reflections/reflection-tool.js';
import { mountFeatures } from './routes.js';
import { createGoalsService } from '../goals/goals.service.js';
import { createCustomFieldsService } from '../custom-fields/custom-fields.service.js';
import { customFieldsKind, loadShippedFields } from '../custom-fields/custom-fields.kind.js';
import { createCheckinsService } from '../checkins/checkins.service.js';
import { loadCheckinScripts } from '../checkins/checkins.schemas.js';
import { checkinScriptKind } from '../checkins/script-document.js';
import { needsScreenerKind } from '../checkins/needs-screener.js';
import { createCaseloadService } from '../caseload/caseload.service.js';
import { loadAttentionRulesIn, unknownBands } from '../caseload/needs-attention.js';
import { caseloadIndicatorsOf } from '../caseload/indicator-facts.js';
import { createNavigatorViewService } from '../dashboards/navigator.service.js';
import { valuesOf as indicatorValuesOf } from '../goals/indicator-measure.js';
import { createCoursesService } from '../courses/courses.service.js';
import { createIndicatorsService } from '../indicators/indicators.service.js';
import { loadIndicatorConfigIn } from '../indicators/indicators.schemas.js';
import { indicatorRulesKind } from '../indicators/indicator-rules.js';
import { terminologyKind, termsOf } from './terminology.js';
import { supportsCatalogue } from '../supports/supports-catalogue.js';
import { createIdentitiesService } from '../identities/identities.service.js';
import { createStudentDataService } from '../student-data/student-data.service.js';
import { createConnectorsService } from '../connectors/connectors.service.js';
import { createStaffService } from '../roster/staff.service.js';
import { createSupportsService } from '../supports/supports.service.js';
import { loadStarterCatalogues, needsWithoutCategory } from '../supports/supports.schemas.js';
import { createSecretBox } from '../connectors/secret-box.js';
import { createSchoologyConnector } from '../connectors/schoology/schoology.connector.js';
import { createOneRosterConnector } from '../connectors/oneroster/oneroster.connector.js';
import { createCanvasService } from '../connectors/canvas/canvas.service.js';
import { canvasLiveEventsBody } from '../connectors/canvas/canvas.routes.js';
import { createImportsService } from '../student-data/imports.service.js';
import { createMailService } from '../mail/mail.service.js';
import { createProvidersService } from '../providers/providers.service.js';
import type { ProviderReferrals } from '../providers/provider-user.js';
import { providerReferralsOf } from '../referrals/referrals.provider-routes.js';
import { createCalendarService } from '../calendar/calendar.service.js';
import { schoolCalendarKind, type SchoolCalendarDocument } from '../calendar/school-calendar.js';
import { createSchoolsService } from '../schools/schools.service.js';
import { createLeaderService } from '../dashboards/leader.service.js';
import { createDashboardsService } from '../dashboards/dashboards.service.js';
import { createSchoolViewService } from '../dashboards/school.service.js';
import type { SchoolFactSources } from '../dashboards/school-facts.js';
import { createStudentFacts, type StudentFactReads } from '../dashboards/student-facts.js';
import { createReportsService } from '../reports/reports.service.js';
import { createReferralsService, type OverdueReferral } from '../referrals/referrals.service.js';
import { loadReferralsConfig, referralRulesKind } from '../referrals/referrals.schemas.js';
import { createAlertsService } from '../alerts/alerts.service.js';
import { createAutomationsService } from '../automations/automations.service.js';
import { createFamilyNotice } from '../automations/family-notice.js';
import { createNavigatorAction } from '../automations/navigator-action.js';
import { loadAlertRouting, loadCrisisWords } from '../alerts/alerts.schemas.js';
import { createDigest } from '../alerts/digest.js';
import { createSurveysService } from '../surveys/surveys.service.js';
import { loadSurveys } from '../surveys/surveys.schemas.js';
import { pulseSurveysKind } from '../surveys/pulse-document.js';
import { alertRoutingKind, routingOf } from '../alerts/routing-document.js';
import { createImpactService } from '../impact/impact.service.js';
import { suppress } from '../impact/min-size.js';
import { onceGuard } from './once.js';
import { isDatabaseUnavailable } from '../db/client.js';
import { outsideScope, withTenant } from '../db/tenant-scope.js';
import { safeError, type Logger } from './logger.js';
import { createMetrics } from '../metrics/metrics.service.js';
import { cleanQuery, unsupportedBody } from './body.js';
import { pageLanguage } from './locale.js';
import { defaultLocale, isLocale, locales, type Locale } from './i18n.js';
import { ltikFrom } from '../auth/passport.js';

export interface App {
  app: Express;
  ctx: AppContext;
}

/** What a test may wire in place of the real thing. */
export interface AppWiring {
  providerReferrals?: ProviderReferrals;
  /** The school's minimum group size for aggregate reports, in place of its school calendar's (src/reports). */
  minimumGroupSize?: (tenantId: string) => Promise<number>;
  /** Seconds a request to a district's OpenID provider may take (5 unless a test wants a quicker answer). */
  oidcTimeoutSeconds?: number;
}

export function buildContext(deps: AppDeps, wiring: AppWiring = {}): AppContext {
  const db = deps.database.db;
  // The key registry looks tenants up through the platforms service, which needs it to register keys: bound late.
  const lti = createLtiService({ db, clock: deps.clock, logger: deps.logger, encryptionKey: deps.config.encryptionKey, findTenant: (id) => platforms.find(id) });
  const audit = createAuditService(db, deps.clock);
  // The school calendar (issue 14 item 3): zone, year start, minimum group size and closed days, one
  // configuration document. A school that never published one keeps what the platforms, reports and calendar
  // pages stored before (its baseline), read one after another: a writer's transaction has one connection.
  // Bound late: those features and the configuration are built below.
  const schoolCalendarDoc = schoolCalendarKind(async (t, via) => ({
    ...(await platforms.storedCalendar(t, via)),
    minGroupSize: await reports.storedMinGroupSize(t, via),
    holidays: await calendar.storedHolidays(t, via),
  }));
  const schoolCalendar: SchoolCalendarDocument = {
    of: async (t) => (await configuration.current(t, schoolCalendarDoc)).body,
    amend: (user, change, also) => configuration.amend(user, schoolCalendarDoc, change, also),
    forget: () => configuration.forget(schoolCalendarDoc),
  };
  const platforms = createPlatformsService(db, lti, audit, schoolCalendar);
  const roster = createRosterService(db);
  // The schools whose background rounds run (nightly recomputes, digests, snapshots).
  const activeTenantIds = async () => (await platforms.list()).filter((p) => p.active).map((p) => p.id);
  const identities = createIdentitiesService({ db, clock: deps.clock, audit, roster });
  const schools = createSchoolsService({ db, clock: deps.clock, audit, roster, identities, timeZoneOf: (t) => platforms.timeZoneOf(t) });
  const navigators = createNavigatorsService(db, roster, schools);
  const studentRecords = createStudentRecordGate(roster, navigators);
  const ltiks = createLtikService(deps.config.encryptionKey, deps.config.ltikTtlMinutes, deps.clock);
  // A school's permission set rides on each user (bound late: the configuration feature is built below).
  const permissionsOf = async (tenantId: string) => {
    const set = await configuration.current(tenantId, permissionSetKind);
    return set.version === 0 ? undefined : set.body;
  };
  const authenticator = createAuthenticator(ltiks, roster, (id) => platforms.frameAncestorsOf(id), permissionsOf);
  const ltiServices = createLtiServices({ signingKey: (id) => lti.signingKey(id), clock: deps.clock, userAgent: toolUserAgent(deps.config.baseUrl), fetch: deps.fetch });
  // The features report their counts through their services, bound late (they are built below).
  const metrics = createMetrics({
    jobDepth: () => jobs.depth(),
    rosterSyncLag: () => rosterSync.lag(),
    scorePublishLag: () => scores.publishLagSeconds(),
  });
  const jobs = createJobQueue({
    db,
    clock: deps.clock,
    logger: deps.logger,
    pollMs: deps.config.jobPollSeconds * 1000,
    leaseMs: deps.config.jobLeaseMinutes * 60_000,
    maxAttempts: deps.config.jobMaxAttempts,
    retryBaseMs: deps.config.jobRetryBaseSeconds * 1000,
    onFailure: (_type, errorClass) => metrics.countError('job', errorClass),
  });
  const rosterSync = createRosterSyncService({
    db,
    clock: deps.clock,
    logger: deps.logger,
    maxAgeMinutes: deps.config.rosterSyncMaxAgeMinutes,
    intervalMinutes: deps.config.rosterSyncIntervalMinutes,
    services: ltiServices,
    findTenant: (id) => platforms.find(id),
    mapRoles: (roles, mentees) => mapRole({ roles, mentees }),
    jobs,
    // A synced course's students without a school are enrolled at the course's (bound late: schools is built below).
    onSynced: (tenantId, contextId) => schools.enrolFromCourse(tenantId, contextId),
  });
  // The school's own fields on students, goals, check-ins and referrals (bound late: the configuration feature is built below).
  const customFields = customFieldsKind(loadShippedFields());
  const recordFields = createCustomFieldsService({ db, clock: deps.clock, audit, roster, fieldsOf: async (t) => (await configuration.current(t, customFields)).body,
    // Version 0 (the shipped document) is no stored version, so it is added last: the oldest words of a field.
    earlierFieldsOf: async (t) => [...(await configuration.inForceBefore(t, customFields)).map((v) => v.body), customFields.shipped()] });
  // The plan template is a configuration document (bound late: the configuration feature is built below).
  const planTemplate = planTemplateKind(documentOf(loadPlanTemplates(locales)));
  // Plans tell scores a plan changed through this callback, never through scores' tables (bound late: scores needs plans).
  const plans = createPlansService({ fields: recordFields, db, clock: deps.clock, audit, roster, studentRecords, shipped: planTemplate.shipped(), templateOf: (t) => configuration.current(t, planTemplate), earlierTemplatesOf: (t) => configuration.inForceBefore(t, planTemplate), timeZoneOf: (t) => platforms.timeZoneOf(t), schoolYearStartOf: (t) => platforms.schoolYearStartOf(t), onPlanChanged: (tenantId, studentId) => scores.planChanged(tenantId, studentId),
    // Crisis words in the student's own writing raise an alert in the save's transaction (bound late: alerts is built below).
    onStudentText: (tx, user, studentId, source, texts) => alerts.onStudentText(tx, user, studentId, source, texts) });
  const scores = createScoresService({
    db,
    clock: deps.clock,
    logger: deps.logger,
    services: ltiServices,
    findTenant: (id) => platforms.find(id),
    roster,
    audit,
    completionOf: (tenantId, ids) => plans.completionOf(tenantId, ids),
    jobs,
    debounceMs: deps.config.scorePublishDebounceSeconds * 1000,
    intervalMs: deps.config.scorePublishIntervalMinutes * 60_000,
  });
  // Changes reach the indicators' debounced recompute (bound late: the indicators read through this service).
  const studentData = createStudentDataService({ db, clock: deps.clock, timeZoneOf: (t) => platforms.timeZoneOf(t), schoolYearStartOf: (t) => platforms.schoolYearStartOf(t), onChanged: (t, ids) => indicators.studentDataChanged(t, ids) });
  const connectors = createConnectorsService({
    db,
    clock: deps.clock,
    logger: deps.logger,
    jobs,
    identities,
    audit,
    studentData,
    secrets: createSecretBox(deps.config.encryptionKey),
    fetch: deps.fetch ?? fetch,
    intervalMs: deps.config.connectorSyncIntervalMinutes * 60_000,
  });
  connectors.register(createSchoologyConnector());
  connectors.register(createOneRosterConnector());
  const canvas = createCanvasService({ db, clock: deps.clock, logger: deps.logger, jobs, connectors, identities, studentData, fetch: deps.fetch ?? fetch, userAgent: toolUserAgent(deps.config.baseUrl) });
  connectors.register(canvas.connector);
  const dataImports = createImportsService({ db, driver: deps.database.driver, clock: deps.clock, logger: deps.logger, identities, studentData, connectors, audit, studentRecords, schools });
  // Outside production without SMTP_URL, e-mail is kept for /sandbox/outbox; in production it waits for SMTP_URL.
  const mail = createMailService({ db, clock: deps.clock, logger: deps.logger, jobs, baseUrl: deps.config.baseUrl, smtpUrl: deps.config.smtpUrl, from: deps.config.mailFrom, keep: deps.config.env !== 'production', linkTokens: createSecretBox(deps.config.encryptionKey, 'mail-link-tokens'), termsOf: (tenantId) => termsFor(tenantId) });
  // Alerts are raised in the causing write's transaction (checkins, plans, goals call the hooks below).
  const installedRouting = loadAlertRouting();
  const alertRouting = alertRoutingKind(installedRouting);
  // configuration is built below: bound late. Alerts are raised inside the causing write's transaction, so the school's routing is read through it.
  const alerts = createAlertsService({ db, clock: deps.clock, audit, mail, roster, navigators, schools, routing: installedRouting, routingOf: async (t, tx) => routingOf((await configuration.current(t, alertRouting, tx)).body), sensitiveNeedsOf: async (t) => (await configuration.current(t, needsScreener)).body.needs.filter((n) => n.sensitive).map((n) => n.id), crisisWords: loadCrisisWords() });
  const describers: Record<string, JobDescriber | undefined> = { ...scores.jobDescribers };
  for (const [type, handler] of Object.entries({ ...rosterSync.jobHandlers, ...scores.jobHandlers, ...connectors.jobHandlers, ...canvas.jobHandlers, ...mail.jobHandlers })) jobs.register(type, handler, describers[type]);
  // A goal measured by an indicator reads its current value through the indicators (bound late: built below).
  const goals = createGoalsService({
    db,
    clock: deps.clock,
    audit,
    roster,
    studentRecords,
    fields: recordFields,
    // The school's goal categories (bound late: the configuration feature is built below).
    categoriesOf: async (t) => (await configuration.current(t, goalCategoriesKind)).body,
    indicators: {
      valuesOf: async (t, studentId) => {
        const numbers = (await indicators.summaryFor(t, [studentId])).get(studentId)?.indicators;
        // Never computed: no value yet (the goal says so), not "hidden".
        return numbers ? indicatorValuesOf(numbers) : {};
      },
      familyViewOf: (t) => indicators.familyViewOf(t),
    },
    onStudentText: (tx, user, studentId, source, texts) => alerts.onStudentText(tx, user, studentId, source, texts),
  });
  const checkinScripts = loadCheckinScripts(locales);
  // Every need a check-in can raise must have a support category to refer to: the shipped screener's
  // here (its document's schema holds every school's version to the same).
  const needsUnmapped = needsWithoutCategory(checkinScripts[defaultLocale]!.needs.map((n) => n.id));
  if (needsUnmapped.length > 0) throw new ConfigError(needsUnmapped);
  const needsScreener = needsScreenerKind(checkinScripts);
  // Its preview offers the needs of the school's screener in force.
  const checkinScript = checkinScriptKind(checkinScripts, needsScreener, customFields);
  const staff = createStaffService({ db, audit, schools });
  const leaders = createLeaderService({ schools });
  // The referrals sent to a provider's organisation come from the referrals feature (bound late: built below); a test may give its own.
  const providers = createProvidersService({
    db,
    clock: deps.clock,
    audit,
    mail,
    referrals: wiring.providerReferrals ?? { listFor: (p) => providerReferralsOf(referrals).listFor(p) },
    schoolOf: async (tenantId) => {
      const tenant = await withTenant(tenantId, () => platforms.find(tenantId));
      return tenant?.active ? { name: tenant.name } : undefined;
    },
    baseUrl: deps.config.baseUrl,
  });
  // Current load per support comes from the referrals (bound late: built below).
  const supports = createSupportsService({ db, clock: deps.clock, audit, starters: loadStarterCatalogues(locales), organisationsOf: (t) => providers.organisationsOf(t), loadBySupport: (t) => referrals.loadBySupport(t) });
  // Automations hear check-ins', referrals' and pulses' events in their transactions; a dry run replays those features' records (read once they exist).
  const automations = createAutomationsService({
    db, clock: deps.clock, logger: deps.logger, audit, jobs, roster,
    history: { recordedSince: (t, since) => checkins.recordedSince(t, since), needsRaisedSince: (t, since) => checkins.needsRaisedSince(t, since), overdueSince: (t, since) => referrals.overdueSince(t, since), answeredSince: (t, since) => surveys.answeredSince(t, since), activeDueBetween: (t, from, to) => goals.activeDueBetween(t, from, to) },
    timeZoneOf: (t) => platforms.timeZoneOf(t),
    navigatorChoices: async (user) => (await staff.list(user)).candidates.map((p) => ({ id: p.id, name: p.name })),
    studentFields: { fields: (t, locale) => recordFields.studentFactFields(t, locale), valuesOf: (t, ids) => recordFields.factsOf(t, ids) },
    actions: {
      alertRole: (tx, r) => alerts.raiseForRule(tx, r),
      notifyFamily: createFamilyNotice({ roster, mail }),
      assignNavigator: createNavigatorAction({ navigators, audit }),
      draftReferral: (tx, r) => referrals.draftForRule(tx, r),
      addPlanAction: async (tx, r) => (await goals.addRuleStep(tx, { tenantId: r.tenantId, studentId: r.studentId, authorId: r.authorId, input: { text: r.step, owner: 'advisor', dueDate: null } })) ?? null,
    },
  });
  // scriptOf, needsOf: each tenant's script and needs screener in force, read through configuration (built below, so bound late).
  const checkins = createCheckinsService({ fields: recordFields, db, clock: deps.clock, audit, roster, studentRecords, scripts: checkinScripts, scriptOf: async (t) => (await configuration.current(t, checkinScript)).body, needsOf: async (t) => (await configuration.current(t, needsScreener)).body, timeZoneOf: (t) => platforms.timeZoneOf(t), schoolYearStartOf: (t) => platforms.schoolYearStartOf(t), onRecorded: (t, ids) => indicators.studentDataChanged(t, ids), alerts, events: automations });
  const attentionRules = loadAttentionRulesIn(locales);
  const caseload = createCaseloadService({ db, clock: deps.clock, timeZoneOf: (t) => platforms.timeZoneOf(t), audit, roster, navigators, studentRecords, goals, checkins, planStatusFor: (t, ids) => plans.statusFor(t, ids), cadenceDays: deps.config.checkinCadenceDays, pageSize: deps.config.caseloadPageSize, attentionRules,
    // Badges, tier and the needs-attention facts from the indicators (bound late: built below).
    // A student never computed and never decided has nothing to show (a school without data shows no indicator columns).
    indicatorsFor: async (t, ids, locale) =>
      new Map(
        [...(await indicators.summaryFor(t, ids, locale))]
          .filter(([, summary]) => summary.computedAt !== null || summary.decision !== null)
          .map(([id, summary]) => [id, caseloadIndicatorsOf(summary, summary.indicators)]),
      ),
  });
  const courses = createCoursesService({ db, audit, roster, plans, navigators });
  const indicatorConfigs = loadIndicatorConfigIn(locales);
  // "Needs attention" rules name the indicators' bands: one the indicators do not define stops the start.
  const badBands = unknownBands(attentionRules[defaultLocale]!, indicatorConfigs[defaultLocale]!.bands.map((b) => b.id));
  if (badBands.length > 0) throw new ConfigError(badBands);
  const indicatorRules = indicatorRulesKind(indicatorConfigs[defaultLocale]!, indicatorConfigs);
  const indicators = createIndicatorsService({
    db,
    clock: deps.clock,
    logger: deps.logger,
    audit,
    studentRecords,
    configs: indicatorConfigs,
    // configuration is built below: bound late, read when a recompute or a panel needs the school's rules.
    rulesOf: async (t) => (await configuration.current(t, indicatorRules)).body,
    timeZoneOf: (t) => platforms.timeZoneOf(t),
    schoolYearStartOf: (t) => platforms.schoolYearStartOf(t),
    forStudents: (t, ids, since) => studentData.forStudents(t, ids, since),
    indicatorCounts: (t, ids, windows) => studentData.indicatorCounts(t, ids, windows),
    wellbeingSince: (t, ids, since) => checkins.wellbeingSince(t, ids, since),
    pulseSince: (t, ids, since) => surveys.pulseSince(t, ids, since),
    tenantIds: activeTenantIds,
    namesOf: (t, ids) => roster.namesOf(t, ids),
    jobs,
    debounceMs: indicatorConfigs[defaultLocale]!.recomputeDebounceSeconds * 1000,
    events: automations,
  });
  for (const [type, handler] of Object.entries(indicators.jobHandlers)) jobs.register(type, handler);
  // Pulse surveys: a student's answers reach the indicators' debounced recompute.
  const surveyDocuments = loadSurveys(locales);
  const pulseSurveys = pulseSurveysKind(surveyDocuments);
  // configuration is built below: bound late, read when a page or a recompute needs the school's surveys.
  const surveys = createSurveysService({ db, clock: deps.clock, audit, studentRecords, documents: surveyDocuments, surveysOf: async (t) => (await configuration.current(t, pulseSurveys)).body, timeZoneOf: (t) => platforms.timeZoneOf(t), schoolOf: async (t, id) => (await schools.currentOf(t, [id])).get(id)?.schoolId ?? null, schoolsOf: (t) => schools.list(t), onAnswered: (t, ids) => indicators.studentDataChanged(t, ids), events: automations });
  const referralsConfig = loadReferralsConfig();
  // What a district changes without code (issue 14): each kind defined by the feature that reads it.
  const referralRules = referralRulesKind(referralsConfig);
  const configuration = createConfigurationService({ db, clock: deps.clock, audit, kinds: [referralRules, retentionKind, planTemplate, goalCategoriesKind, permissionSetKind, checkinScript, needsScreener, indicatorRules, terminologyKind, pulseSurveys, alertRouting, customFields, schoolCalendarDoc], catalogues: [supportsCatalogue({ db, clock: deps.clock, audit })] });
  /** The words the school calls its roles by, for every page its people open (src/web/terminology.ts). */
  const termsFor = async (tenantId: string) => termsOf((await configuration.current(tenantId, terminologyKind)).body);
  // The admin console's own window (issue 14 item 1): a launch's hand-off to a first-party session.
  const adminConsole = createConsoleService({ db, clock: deps.clock, audit, roster, permissionsOf, schoolExists: async (t) => (await withTenant(t, () => platforms.find(t))) !== undefined });
  // District single sign-on into the console (OIDC): an http provider only on this machine and never in production.
  const districtSignOn = createDistrictSignOnService({
    db,
    clock: deps.clock,
    audit,
    roster,
    console: adminConsole,
    secrets: createSecretBox(deps.config.encryptionKey, 'district-sign-on'),
    oidc: { timeoutSeconds: wiring.oidcTimeoutSeconds ?? 5, allowLoopbackHttp: deps.config.env !== 'production' },
  });
  const calendar = createCalendarService({ audit, timeZoneOf: (t) => platforms.timeZoneOf(t), weekendDays: referralsConfig.weekendDays, document: schoolCalendar });
  const reports = createReportsService({ db, audit, calendar: schoolCalendar });
  // The school's minimum group size for aggregate figures (its school calendar's, set on /admin/reports too; a test may wire its own).
  const minGroupSize = wiring.minimumGroupSize ?? ((t: string) => reports.settingsFor(t).then((s) => s.minGroupSize));
  const referrals = createReferralsService({
    fields: recordFields,
    db,
    clock: deps.clock,
    audit,
    studentRecords,
    schools,
    roster,
    supports,
    checkins,
    calendar,
    mail,
    jobs,
    config: referralsConfig,
    rules: async (t) => (await configuration.current(t, referralRules)).body,
    // Each referral that passes its response standard unanswered alerts its owner and the coordinators, once.
    onOverdue: async (tenantId: string, overdue: OverdueReferral[]) => {
      for (const r of overdue) await alerts.raiseOverdueReferral(tenantId, { studentId: r.studentId, referralId: r.id, category: r.category, ownerId: r.ownerId });
    },
    // An outside organisation can now see a referral: its people get a sign-in link (in the referral's transaction).
    onSharedWithOrganisation: (tx, t, organisationId) => providers.notifyReferral(tx, t, organisationId),
    events: automations,
  });
  for (const [type, handler] of Object.entries(referrals.jobHandlers)) jobs.register(type, handler);
  // The navigators' 07:00 digest: counts from the caseload, alerts and referrals.
  const digest = createDigest({
    db,
    clock: deps.clock,
    logger: deps.logger,
    jobs,
    mail,
    roster,
    timeZoneOf: (t) => platforms.timeZoneOf(t),
    tenantIds: activeTenantIds,
    navigatorIdsOf: (t) => caseload.navigatorIdsOf(t),
    checkinsDueBy: (t, id, day) => caseload.checkinsDueBy(t, id, day),
    openAlertsFor: (t, id) => alerts.openCountFor(t, id),
    referralsWaitingFor: (t, personId) => referrals.waitingFor(t, personId),
  });
  for (const [type, handler] of Object.entries(digest.jobHandlers)) jobs.register(type, handler);
  // Which supports worked (issue 12): aggregate figures read from referrals, supports, indicators, student data and check-ins.
  const impact = createImpactService({
    clock: deps.clock,
    audit,
    timeZoneOf: (t) => platforms.timeZoneOf(t),
    schoolYearStartOf: (t) => platforms.schoolYearStartOf(t),
    servedSince: (t, since) => referrals.servedSince(t, since),
    supportNames: (t, ids) => supports.namesOf(t, ids),
    tierTimelines: (t) => indicators.tierTimelines(t),
    measureRules: (t) => indicators.measureRules(t),
    schoolDayBounds: (t, anchors, n, today) => studentData.schoolDayBounds(t, anchors, n, today),
    windowFigures: (t, windows, rules) => studentData.windowFigures(t, windows, rules),
    wellbeingSince: (t, ids, since) => checkins.wellbeingSince(t, ids, since),
    schools: (t) => schools.list(t),
    enrolmentsAtSchools: (t, ids) => schools.enrolmentsAtSchools(t, ids),
    minimumGroupSize: minGroupSize,
    suppress,
  });
  const auditLog = createAuditLogService({ audit, roster, studentRecords, timeZoneOf: (t) => platforms.timeZoneOf(t), pageSize: 50 });
  // The navigator view (issue 12): the caseload's students, this week's check-ins, open needs and referrals waiting.
  const navigatorView = createNavigatorViewService({ clock: deps.clock, audit, roster, navigators, caseload, checkins, referrals, cadenceDays: deps.config.checkinCadenceDays });
  // The school and district views (issue 12): each feature's set-based reads over a school's students.
  const studentFactReads: StudentFactReads = {
    groupsOf: (t, ids) => schools.groupsOf(t, ids),
    assignedNavigatorsOf: (t, ids) => navigators.assignedNavigatorsOf(t, ids),
    advisoryIdsOf: (t, ids) => roster.advisoryIdsOf(t, ids),
    planStatusFor: (t, ids) => plans.statusesOf(t, ids),
    lastAttendedOn: (t, ids) => checkins.lastAttendedOn(t, ids),
    openNeeds: (t, ids) => checkins.openNeeds(t, ids),
    standingOf: (t, ids, opts) => indicators.standingOf(t, ids, opts),
    referralsSince: (t, ids, since) => referrals.factsSince(t, ids, since),
  };
  const schoolFacts: SchoolFactSources = {
    ...studentFactReads,
    clock: deps.clock,
    timeZoneOf: (t) => platforms.timeZoneOf(t),
    schoolYearStartOf: (t) => platforms.schoolYearStartOf(t),
    studentsAt: (t, school) => schools.studentsAt(t, school),
    studentFacts: createStudentFacts(db, studentFactReads),
    advisoriesById: (t, ids) => roster.advisoriesById(t, ids),
    needIsSensitive: (t) => checkins.needIsSensitive(t),
    studentsAtQuery: (t, school, day) => schools.studentsAtQuery(t, school, day),
  };
  const teamMaps = createTeamMapsService({ db, clock: deps.clock, audit, roster, schools, examples: loadMapExamples(locales), timeZoneOf: (t) => platforms.timeZoneOf(t) });
  // Retention (issue 14): the words of old check-ins emptied nightly, per the district's setting.
  const retention = createRetention({ clock: deps.clock, audit, jobs, rules: async (t) => (await configuration.current(t, retentionKind)).body, timeZoneOf: (t) => platforms.timeZoneOf(t), tenantIds: activeTenantIds, clearCheckinTextsBefore: (t, day) => checkins.clearTextsBefore(t, day) });
  for (const [type, handler] of Object.entries(retention.jobHandlers)) jobs.register(type, handler);
  const recordsRequests = createRecordsRequestsService({ db, clock: deps.clock, audit, studentRecords, jobs, deletionGraceDays: deps.config.studentDeletionGraceDays });
  const recordsBundle = createRecordsBundleService({ db, clock: deps.clock, audit });
  // Risk review (issue 13): the agenda's reads are the school view's, plus the tier timelines; decisions go through goals, referrals and navigators.
  const riskReviews = createRiskReviewsService({
    db,
    clock: deps.clock,
    audit,
    roster,
    schools,
    goals,
    referrals,
    navigators,
    supports,
    sources: { studentsAt: schoolFacts.studentsAt, tiersOf: (t, ids) => indicators.standingOf(t, ids, { withBands: false }), tierTimelines: (t) => indicators.tierTimelines(t), fallingOf: (t, ids) => indicators.fallingOf(t, ids), openNeeds: schoolFacts.openNeeds, lastAttendedOn: schoolFacts.lastAttendedOn, referralsSince: schoolFacts.referralsSince },
    timeZoneOf: (t) => platforms.timeZoneOf(t),
  });
  const schoolView = createSchoolViewService({ sources: schoolFacts, schools, roster, audit, minGroupSize, needCategories: (t, locale) => checkins.needCategories(t, locale), cadenceDays: deps.config.checkinCadenceDays, bandChoices: (locale) => indicators.bandChoices(locale), pulse: surveys, fields: recordFields });
  const reflectionTools = loadReflectionTools(locales);
  const reflections = createReflectionsService({ db, clock: deps.clock, audit, schoolView, schools, roster, tool: reflectionTools.en!, tools: reflectionTools, timeZoneOf: (t) => platforms.timeZoneOf(t) });
  const dashboards = createDashboardsService({ db, audit, minGroupSize, sources: schoolFacts, schools, jobs, tenantIds: activeTenantIds, cadenceDays: deps.config.checkinCadenceDays });
  for (const [type, handler] of Object.entries(dashboards.jobHandlers)) jobs.register(type, handler);
  // A course is placed once (one read per launch after that): an admin's placement stands, then the SIS's, then the LMS's.
  const launches = createLaunchService({ db, config: deps.config, clock: deps.clock, platforms, roster, ltiks, identities, logger: deps.logger, placeCourse: (t, c, course) => schools.placeLaunchedCourse(t, c, course) });
  // Every authenticated request passes the one-time token guard: posts of creating forms never run twice.
  const signedIn = requireUser(authenticator, (t) => platforms.timeZoneOf(t), termsFor);
  const once = onceGuard(db, deps.clock);
  const requireSignedIn: RequestHandler = (req, res, next) => signedIn(req, res, (err?: unknown) => (err ? next(err) : once(req, res, next)));
  const shutdown = async () => {
    await rosterSync.stop();
    await jobs.stop();
    mail.close();
    await lti.close();
  };
  return { ...deps, db, metrics, platforms, lti, roster, audit, auditLog, navigators, studentRecords, plans, goals, customFields: recordFields, checkins, caseload, navigatorView, courses, identities, studentData, connectors, canvas, dataImports, supports, mail, alerts, digest, staff, leaders, providers, calendar, reports, schools, schoolFacts, schoolView, teamMaps, configuration, console: adminConsole, districtSignOn, automations, recordsRequests, recordsBundle, retention, reflections, riskReviews, dashboards, referrals, surveys, impact, indicators, ltiks, authenticator, requireUser: requireSignedIn, ltiServices, rosterSync, jobs, scores, launches, shutdown };
}

/** The whole web app, without listening: the server entry and the tests both call this. */
export async function createApp(deps: AppDeps, wiring: AppWiring = {}): Promise<App> {
  const ctx = buildContext(deps, wiring);
  const { config, logger } = ctx;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.set('query parser', cleanQuery);
  setupViews(app, config.env);

  // Each request starts outside any database scope, whatever started the server: the routes choose
  // theirs (ctx.requireUser: the user's tenant; a few named ones: system, src/web/routes.ts).
  app.use((_req, _res, next) => outsideScope(next));
  app.use((req, res, next) => {
    const requestId = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 100)) || randomUUID();
    res.locals.requestId = requestId;
    res.locals.log = logger.child({ requestId });
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      ctx.metrics.observeRequest(req, res, Number(process.hrtime.bigint() - started) / 1e9);
      // Path only: the query string carries the ltik and must stay out of logs.
      res.locals.log.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request',
      );
    });
    next();
  });

  // In development the sandbox LMS (another origin of this server) frames pages that have no tenant yet.
  app.use(contentSecurityPolicy(config, config.sandbox ? [new URL(sandboxBaseUrl(config.baseUrl)).origin] : []));
  app.use(
    helmet({
      // Set per response above: frame-ancestors depends on whose page it is.
      contentSecurityPolicy: false,
      // The LMS frames us; frame-ancestors above is the rule, X-Frame-Options would forbid it.
      xFrameOptions: false,
      // Inside an LMS iframe, a same-origin opener policy would break the registration dialog's close message.
      crossOriginOpenerPolicy: false,
      crossOriginEmbedderPolicy: false,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    }),
  );
  app.use(canvasLiveEventsBody());
  // A configuration document's editor is one long form (the check-in script's year with its Spanish runs to
  // some 700 fields): its posts may be larger than any other page's, and are read here before the general limit.
  app.use(['/admin/configuration', '/console/configuration'], express.urlencoded({ extended: false, limit: '2mb', parameterLimit: 5000 }));
  app.use(express.urlencoded({ extended: false, limit: config.bodyLimit }));
  app.use(express.json({ limit: config.bodyLimit }));
  app.use('/assets', express.static(path.join(projectRoot, 'src', 'web', 'public'), { maxAge: '1h' }));
  app.use((_req, res, next) => {
    res.locals.baseUrl = config.baseUrl;
    next();
  });
  app.use(pageLanguage());

  await mountFeatures(app, ctx);

  app.use((_req, _res, next) => next(notFound()));
  app.use(errorHandler(ctx));
  return { app, ctx };
}

/**
 * The one place every refusal passes: a signed-in person refused by a policy (403), or asking for a
 * student they may not open (404), leaves an audit row: what was attempted and whose record, never
 * what they sent. Outside the request's transaction, which has rolled back.
 */
async function auditDenial(ctx: AppContext, e: HttpError, req: Request, log: Logger): Promise<void> {
  if (!e.denial || !req.user) return;
  try {
    await ctx.audit.record(req.user, { action: 'denied', entity: e.denial.subject, attempt: e.denial.attempt, studentId: e.denial.studentId ?? null });
  } catch (err) {
    log.error({ err: safeError(err) }, 'could not audit a denial');
  }
}

function errorHandler(ctx: AppContext): ErrorRequestHandler {
  return async (err: unknown, req, res, _next) => {
    const e = toHttpError(err);
    const log = res.locals.log ?? ctx.logger;
    ctx.metrics.countError('http', e.code);
    await auditDenial(ctx, e, req, log);
    // Never the message or stack: a database error's message carries the query's parameters (record text).
    // Our own HttpErrors carry fixed titles, safe to log; anything else is logged by class and code only.
    if (e.status >= 500) log.error({ err: safeError(err), code: e.code, status: e.status, path: req.path }, err instanceof HttpError ? e.title : 'request failed');
    else log.warn({ code: e.code, status: e.status, path: req.path }, e.title);
    if (res.headersSent) return;
    res.status(e.status);
    const wantsJson = req.path.startsWith('/api/') || (req.accepts(['html', 'json']) === 'json');
    if (wantsJson) {
      res.json({ error: { code: e.code, title: e.title, detail: e.detail, requestId: res.locals.requestId } });
      return;
    }
    if (e.status === 503) res.setHeader('Retry-After', '5');
    const locale = await errorLocale(ctx, req, res.locals.locale);
    res.locals.locale = locale;
    res.render('error', { ...e.in(locale), status: e.status, requestId: res.locals.requestId });
  };
}

/**
 * The error page's language: the signed-in person's; on a page no route answered (a 404 before any
 * sign-in), the language the ltik it was reached with carries, which needs no query; else the browser's.
 */
async function errorLocale(ctx: AppContext, req: Request, pageLocale: unknown): Promise<Locale> {
  if (req.user) return req.user.locale ?? defaultLocale;
  const token = ltikFrom(req);
  const fromLtik = token ? await ctx.ltiks.verify(token).then((c) => c.loc, () => undefined) : undefined;
  return fromLtik ?? (isLocale(pageLocale) ? pageLocale : defaultLocale);
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (isDatabaseUnavailable(err)) return new HttpError(503, message('errors.unavailable.title'), message('errors.unavailable.detail'), 'database_unavailable');
  const withStatus = err as { status?: number; type?: string };
  if (withStatus?.type === 'entity.too.large') return new HttpError(413, message('errors.tooLarge.title'), message('errors.tooLarge.detail'), 'too_large');
  // A charset or content encoding body-parser cannot read.
  if (withStatus?.status === 415) return unsupportedBody();
  if (withStatus?.type === 'entity.parse.failed') return new HttpError(400, message('errors.unreadable.title'), message('errors.unreadable.detail'), 'bad_body');
  if (typeof withStatus?.status === 'number' && withStatus.status >= 400 && withStatus.status < 500) {
    return new HttpError(withStatus.status, message('errors.refused.title'), message('errors.refused.detail'));
  }
  return new HttpError(500, message('errors.internal.title'), message('errors.internal.detail'), 'internal');
}
