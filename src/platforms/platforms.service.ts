import type { Db, DbOrTx } from '../db/client.js';
import * as repo from './platforms.repository.js';
import { deploymentApproval, deploymentsSetting, issuesOf, manualPlatformInput, platformForm, schoolYearStartForm, timeZoneForm, type ManualPlatformInput, type PlatformProblem } from './platforms.schemas.js';
import { badRequest, HttpError, message, notFound } from '../web/errors.js';
import type { AppUser } from '../auth/user.js';
import type { Locale } from '../web/i18n.js';
import { authorize, canMap } from '../policies/policy.js';
import { platformActions, platformPolicy } from '../policies/platform.js';
import { familyCodes } from '../lti/families/index.js';
import type { AuditService } from '../audit/audit.service.js';
import { isTimeZone, schoolTimeZone, timeZoneName } from '../web/time-zone.js';
import { defaultSchoolYearStart, schoolYearStart, schoolYearStartFrom } from '../web/school-year.js';
import type { SchoolCalendarDocument } from '../calendar/school-calendar.js';
import { t } from '../web/i18n.js';
import { familyFor, type LmsFamily } from '../lti/families/index.js';

export type { NewTenant } from './platforms.repository.js';
export type { ManualPlatformInput } from './platforms.schemas.js';

/** A registration as the rest of the tool sees it: its row, and its LMS family resolved once, where the row is read. */
export type Tenant = repo.TenantRow & { lms: LmsFamily };

function withLms(row: repo.TenantRow): Tenant;
function withLms(row: repo.TenantRow | undefined): Tenant | undefined;
function withLms(row: repo.TenantRow | undefined): Tenant | undefined {
  return row && { ...row, lms: familyFor(row.family) };
}

/** The tool's key registry (ctx.lti): every registered platform gets its own key pair. */
export interface PlatformKeys {
  ensurePlatform(tenant: Tenant): Promise<void>;
}

/** Registration input that fails validation; `problems` are sentences for the admin. */
export class PlatformInputError extends HttpError {
  readonly problems: string[];
  constructor(readonly issues: PlatformProblem[]) {
    super(400, message('platforms.invalid'), issues.map((i) => i.text).join(' '), 'invalid_platform');
    this.problems = issues.map((i) => i.text);
  }
}

const FRAME_ANCESTOR_TTL_MS = 30_000;
/** Every signed-in page needs the school's zone; a launch's zone shows within a minute on other workers. */
const TIME_ZONE_TTL_MS = 60_000;
/**
 * Every login and launch reads its platform: kept this long. A change made through this service
 * shows at once in this process (every write clears the caches); one made in another process (a
 * platform deactivated from another web worker) within these seconds.
 */
const LAUNCH_TENANT_TTL_MS = 10_000;

/**
 * The origins an LMS frames the tool from: its issuer and OIDC hosts, and the school domains its
 * signed launches named (Canvas frames from the institution's own domain; see launch-writes.ts).
 */
export function frameOriginsOf(tenant: repo.TenantRow): string[] {
  const origins = new Set<string>();
  for (const u of [tenant.issuer, tenant.authLoginUrl]) {
    try {
      origins.add(new URL(u).origin);
    } catch {
      // A malformed URL was refused at registration; nothing to allow here.
    }
  }
  const learned = tenant.settings.frameOrigins;
  if (Array.isArray(learned)) for (const o of learned) if (typeof o === 'string') origins.add(o);
  // A URL without an origin (urn:, data:) gives "null", which must never reach frame-ancestors.
  origins.delete('null');
  return [...origins];
}

/** The zone a launch's LMS sent, when the school has none yet and the name is a real zone: what adoptTimeZone keeps. */
export function zoneToAdopt(tenant: Pick<repo.TenantRow, 'timeZone'>, zone: string | undefined): string | undefined {
  return tenant.timeZone || !zone || !isTimeZone(zone) ? undefined : zone;
}

/**
 * What a launch naming a deployment may do: `known` (an active deployment), `new` (let in and recorded:
 * the platform accepts new deployments, or it is the first launch of a platform that registered without
 * one), or `held` (recorded as waiting for an admin's approval; the launch is refused).
 */
export type DeploymentAdmission = 'known' | 'new' | 'held';

/**
 * Tenants (LMS registrations) and their deployments. The school's zone and year start are the school
 * calendar document's (`calendar`, bound late in app.ts; the pages below save into it); the tenant's own
 * columns hold the zone a launch's LMS named and what the school set before that document, its baseline.
 * Without `calendar` (the command-line tool, which reads neither) those columns are all there is.
 */
export function createPlatformsService(db: Db, keys: PlatformKeys, audit: Pick<AuditService, 'record'>, calendar?: SchoolCalendarDocument) {
  const ancestors = new Map<string, { at: number; origins: string[] }>();
  /** Each school's stored zone (null: none yet) and year start, read together. */
  const zones = new Map<string, { at: number; zone: string | null; yearStart: string }>();
  const storedOf = async (tenantId: string, via: DbOrTx = db) => {
    const row = await repo.findTenant(via, tenantId);
    const stored = schoolYearStart.safeParse(row?.schoolYearStart);
    return { zone: row?.timeZone ?? null, yearStart: stored.success ? stored.data : defaultSchoolYearStart };
  };
  const cachedStoredOf = async (tenantId: string) => {
    const hit = zones.get(tenantId);
    if (hit && Date.now() - hit.at < TIME_ZONE_TTL_MS) return hit;
    const stored = { at: Date.now(), ...(await storedOf(tenantId)) };
    zones.set(tenantId, stored);
    return stored;
  };
  /** The pages' saves go into the school calendar document; the command-line tool, built without it, never saves them. */
  const amendCalendar: SchoolCalendarDocument['amend'] = (user, change, also) => {
    if (!calendar) throw new Error('the school calendar document is not wired');
    return calendar.amend(user, change, also);
  };
  /** Found platforms, by `id:<id>` and by `iss:<issuer> <client id>`; a platform not found is never kept. */
  const launchTenants = new Map<string, { at: number; tenant: Tenant }>();
  /** Active deployments by tenant; only ever trusted to say yes (see admitDeployment). */
  const deployments = new Map<string, { at: number; ids: string[] }>();
  const invalidate = () => {
    ancestors.clear();
    zones.clear();
    // A tenant's columns are the school calendar's baseline: a school without a version reads them afresh.
    calendar?.forget();
    launchTenants.clear();
    deployments.clear();
  };
  const forLaunch = async (key: string, load: () => Promise<repo.TenantRow | undefined>): Promise<Tenant | undefined> => {
    const hit = launchTenants.get(key);
    if (hit && Date.now() - hit.at < LAUNCH_TENANT_TTL_MS) return hit.tenant;
    const tenant = withLms(await load());
    if (tenant) launchTenants.set(key, { at: Date.now(), tenant });
    else launchTenants.delete(key);
    return tenant;
  };

  /** Idempotent on (issuer, client id): a second call updates the endpoints and adds deployments. */
  const upsertRegistration = async (input: ManualPlatformInput, registeredBy: 'manual' | 'dynamic', locale?: Locale): Promise<Tenant> => {
    const parsed = manualPlatformInput.safeParse(input);
    if (!parsed.success) throw new PlatformInputError(issuesOf(parsed.error, locale));
    const p = parsed.data;
    const endpoints = { name: p.name, authLoginUrl: p.authLoginUrl, accessTokenUrl: p.accessTokenUrl, jwksUrl: p.jwksUrl, active: true };
    // Fields the caller left out keep their stored value on an update.
    const given = {
      ...(p.family !== undefined && { family: p.family }),
      ...(p.authorizationServer !== undefined && { authorizationServer: p.authorizationServer }),
      ...(p.acceptNewDeployments !== undefined && { acceptNewDeployments: p.acceptNewDeployments }),
      ...(p.grantedScopes !== undefined && { grantedScopes: p.grantedScopes }),
    };
    const tenant = await db.transaction(async (tx) => {
      const row = await repo.upsertTenant(
        tx,
        // New deployments are refused unless the admin registering by hand says otherwise (admission below).
        { issuer: p.issuer, clientId: p.clientId, registeredBy, ...endpoints, ...given },
        { ...endpoints, ...given },
      );
      for (const d of p.deploymentIds) await repo.addDeployment(tx, row.id, d);
      return withLms(row);
    });
    invalidate();
    // After the commit: ltijs writes through its own plugin; signingKey() registers lazily if this fails.
    await keys.ensurePlatform(tenant);
    return tenant;
  };

  return {
    /**
     * /admin/platforms: only the admin's own registration (other schools' names, issuers, client ids
     * and deployments are theirs), with its deployments and what the admin may do with it.
     */
    async adminPage(user: AppUser) {
      authorize(platformPolicy, user, 'list', { tenantId: user.tenantId });
      const own = withLms(await repo.findTenant(db, user.tenantId));
      if (!own) return { own: null };
      const [deployments, pendingDeployments, doc] = await Promise.all([repo.listDeployments(db, own.id), repo.listDeployments(db, own.id, 'pending'), calendar?.of(own.id)]);
      // What is in force: the school calendar's zone, else the LMS's (null: none yet, UTC); its year start.
      const inForce = { timeZone: doc?.timeZone || own.timeZone || null, schoolYearStart: doc?.schoolYearStart ?? own.schoolYearStart ?? defaultSchoolYearStart };
      return { own: { ...own, calendar: inForce, deployments, pendingDeployments, can: canMap(platformPolicy, user, platformActions, { tenantId: own.id }) } };
    },

    /**
     * The admin form as posted (one deployment per line, a checkbox, a family select). Re-registering
     * an existing (issuer, client id) rewrites its endpoints and keyset URL: that is changing that
     * platform, allowed only to its own admins (else one school could hijack another's launches).
     * Throws PlatformInputError (with each field's problem) for details that are not valid.
     */
    async addByAdmin(user: AppUser, posted: unknown): Promise<Tenant> {
      authorize(platformPolicy, user, 'add', { tenantId: user.tenantId });
      const parsed = platformForm.safeParse(posted);
      if (!parsed.success) throw new PlatformInputError(issuesOf(parsed.error, user.locale));
      const f = parsed.data;
      const existing = f.issuer && f.clientId ? await repo.findTenantByIssuer(db, f.issuer.trim(), f.clientId.trim()) : undefined;
      if (existing) authorize(platformPolicy, user, 'update', { tenantId: existing.id });
      return upsertRegistration(
        {
          name: f.name ?? '',
          issuer: f.issuer ?? '',
          clientId: f.clientId ?? '',
          authLoginUrl: f.authLoginUrl ?? '',
          accessTokenUrl: f.accessTokenUrl ?? '',
          jwksUrl: f.jwksUrl ?? '',
          family: (familyCodes as readonly string[]).includes(f.family ?? '') ? (f.family as (typeof familyCodes)[number]) : undefined,
          deploymentIds: (f.deploymentIds ?? '').split(/[\r\n,]+/).map((d) => d.trim()).filter(Boolean),
          acceptNewDeployments: f.acceptNewDeployments === 'on',
        },
        'manual',
        user.locale,
      );
    },

    /** Contract 2: a platform registered by hand (CLI, admin form, sandbox, tests). */
    addManual: (input: ManualPlatformInput) => upsertRegistration(input, 'manual'),
    /** A platform that registered the tool through LTI Dynamic Registration. */
    addDynamic: (input: ManualPlatformInput) => upsertRegistration(input, 'dynamic'),
    /** The admin's "accept new deployments" switch as posted (on or off). The policy lets an admin change only their own platform. */
    async setAcceptNewDeployments(user: AppUser, tenantId: string, posted: unknown) {
      authorize(platformPolicy, user, 'update', { tenantId });
      const setting = deploymentsSetting.safeParse(posted);
      if (!setting.success) throw badRequest(message('platforms.refusals.acceptSetting'));
      const row = await repo.updateTenant(db, tenantId, { acceptNewDeployments: setting.data.acceptNewDeployments === 'on' });
      invalidate();
      return withLms(row);
    },
    async register(t: repo.NewTenant) {
      const row = await repo.insertTenant(db, t);
      invalidate();
      return withLms(row);
    },
    find: async (id: string) => withLms(await repo.findTenant(db, id)),
    findByIssuer: async (issuer: string, clientId: string) => withLms(await repo.findTenantByIssuer(db, issuer, clientId)),
    /** find, for logins and launches: cached for a few seconds (LAUNCH_TENANT_TTL_MS). */
    findForLaunch: (id: string) => forLaunch(`id:${id}`, () => repo.findTenant(db, id)),
    /** findByIssuer, for logins: cached for a few seconds (LAUNCH_TENANT_TTL_MS). */
    findByIssuerForLaunch: (issuer: string, clientId: string) => forLaunch(`iss:${issuer} ${clientId}`, () => repo.findTenantByIssuer(db, issuer, clientId)),
    list: async () => (await repo.listTenants(db)).map((row) => withLms(row)),
    /** Active registrations of one issuer (a login without client_id picks the only one). */
    activeForIssuer: async (issuer: string) => (await repo.findActiveByIssuer(db, issuer)).map((row) => withLms(row)),
    async update(id: string, patch: Partial<repo.NewTenant>, tx: DbOrTx = db) {
      const row = await repo.updateTenant(tx, id, patch);
      invalidate();
      return withLms(row);
    },
    /** Forgets a registration and all of its data (rosters, plans, audit): the sandbox's reset. */
    async remove(id: string) {
      await repo.deleteTenant(db, id);
      invalidate();
    },
    /** Deployments that launch. */
    listDeployments: (tenantId: string) => repo.listDeployments(db, tenantId),
    /** Deployments a launch named that wait for an admin's approval. */
    listPendingDeployments: (tenantId: string) => repo.listDeployments(db, tenantId, 'pending'),

    /** The deployment rule of a launch (see DeploymentAdmission); records a held deployment at once, since the launch is refused. */
    async admitDeployment(tenant: Pick<Tenant, 'id' | 'acceptNewDeployments' | 'registeredBy'>, deploymentId: string): Promise<DeploymentAdmission> {
      // Most launches name a deployment launched before: a recent list saying so is enough. A deployment it
      // lacks (added or approved since, maybe in another process) is looked up afresh.
      const hit = deployments.get(tenant.id);
      if (hit && Date.now() - hit.at < LAUNCH_TENANT_TTL_MS && hit.ids.includes(deploymentId)) return 'known';
      const ids = await repo.listDeployments(db, tenant.id);
      deployments.set(tenant.id, { at: Date.now(), ids });
      if (ids.includes(deploymentId)) return 'known';
      if (tenant.acceptNewDeployments) return 'new';
      // Canvas answers dynamic registration without a deployment id: the first one a launch names is the install's own.
      if (tenant.registeredBy === 'dynamic' && (await repo.countDeployments(db, tenant.id)) === 0) return 'new';
      await repo.addPendingDeployment(db, tenant.id, deploymentId);
      return 'held';
    },

    /** An admin of the platform lets a waiting deployment (the posted `deploymentId`) launch; audited. Approving twice changes nothing. */
    async approveDeployment(user: AppUser, tenantId: string, posted: unknown): Promise<string> {
      authorize(platformPolicy, user, 'update', { tenantId });
      const approval = deploymentApproval.safeParse(posted);
      if (!approval.success) throw badRequest(message('platforms.refusals.approveWhich'));
      const { deploymentId } = approval.data;
      await db.transaction(async (tx) => {
        const result = await repo.approveDeployment(tx, tenantId, deploymentId);
        if (!result) throw notFound(message('platforms.refusals.notPending'));
        if (result.changed) await audit.record(user, { action: 'update', entity: 'deployment', entityId: deploymentId }, tx);
      });
      return deploymentId;
    },
    // `tx` lets a launch record its deployment in the same transaction as its roster writes.
    addDeployment: (tenantId: string, deploymentId: string, tx: DbOrTx = db) => repo.addDeployment(tx, tenantId, deploymentId),

    /**
     * Origins allowed to frame pages of this tenant (never `*`, never another tenant's).
     * Cached briefly because every page of a launched user needs it.
     */
    async frameAncestorsOf(tenantId: string): Promise<string[]> {
      const hit = ancestors.get(tenantId);
      if (hit && Date.now() - hit.at < FRAME_ANCESTOR_TTL_MS) return hit.origins;
      const tenant = await repo.findTenant(db, tenantId);
      const origins = tenant?.active ? frameOriginsOf(tenant) : [];
      ancestors.set(tenantId, { at: Date.now(), origins });
      return origins;
    },

    /**
     * The school's IANA zone: its school calendar's, else the one its LMS named at a launch, else UTC.
     * Both cached briefly (the document's cache is dropped on its publish, the stored one on a launch's adoption).
     */
    async timeZoneOf(tenantId: string): Promise<string> {
      const [doc, stored] = await Promise.all([calendar?.of(tenantId), cachedStoredOf(tenantId)]);
      return doc?.timeZone || stored.zone || schoolTimeZone;
    },
    /**
     * The school year's first day (MM-DD; 1 August until an admin says): the one boundary plans,
     * imports, indicators and check-in weeks count "this year" from (src/web/school-year.ts).
     */
    async schoolYearStartOf(tenantId: string): Promise<string> {
      return calendar ? (await calendar.of(tenantId)).schoolYearStart : (await cachedStoredOf(tenantId)).yearStart;
    },
    /** The zone ('' for none) and year start the tenant row kept before the school calendar document: that document's baseline. */
    async storedCalendar(tenantId: string, via: DbOrTx = db): Promise<{ timeZone: string; schoolYearStart: string }> {
      const stored = await storedOf(tenantId, via);
      return { timeZone: stored.zone ?? '', schoolYearStart: stored.yearStart };
    },
    /** An admin sets the school year's first day (the posted month and day): a new version of the school calendar, audited. Throws PlatformInputError (field schoolYearStart) for a day not every year has. */
    async setSchoolYearStart(user: AppUser, tenantId: string, posted: unknown): Promise<string> {
      authorize(platformPolicy, user, 'update', { tenantId });
      const form = schoolYearStartForm.safeParse(posted);
      const parsed = schoolYearStartFrom(form.success ? form.data.month : undefined, form.success ? form.data.day : undefined);
      if (!parsed.ok) throw new PlatformInputError([{ field: 'schoolYearStart', text: t(`admin.schoolYear.problems.${parsed.problem}`, {}, user.locale) }]);
      await amendCalendar(user, (doc) => ({ ...doc, schoolYearStart: parsed.start }), (tx) => audit.record(user, { action: 'update', entity: 'tenant_school_year', entityId: tenantId }, tx));
      return parsed.start;
    },
    /**
     * A zone the LMS sent with a launch: kept on the tenant only when it has none yet and the name is a real
     * zone. It counts while the school calendar names no zone of its own (timeZoneOf).
     */
    async adoptTimeZone(tenant: Pick<Tenant, 'id' | 'timeZone'>, zone: string | undefined, tx: DbOrTx = db): Promise<void> {
      const adopted = zoneToAdopt(tenant, zone);
      if (adopted && (await repo.adoptTimeZone(tx, tenant.id, adopted))) invalidate();
    },
    /** An admin sets the school's zone (the posted form): a new version of the school calendar, audited. Throws PlatformInputError (field timeZone) for a name that is no zone. */
    async setTimeZone(user: AppUser, tenantId: string, posted: unknown): Promise<string> {
      authorize(platformPolicy, user, 'update', { tenantId });
      const form = timeZoneForm.safeParse(posted);
      const parsed = timeZoneName.safeParse(form.success ? (form.data.timeZone ?? '') : '');
      if (!parsed.success) throw new PlatformInputError(issuesOf(parsed.error, user.locale, 'timeZone'));
      await amendCalendar(user, (doc) => ({ ...doc, timeZone: parsed.data }), (tx) => audit.record(user, { action: 'update', entity: 'tenant_time_zone', entityId: tenantId }, tx));
      return parsed.data;
    },
    invalidate,
  };
}
export type PlatformsService = ReturnType<typeof createPlatformsService>;
