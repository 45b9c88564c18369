import type { Db } from '../db/client.js';
import { zoneToAdopt, type PlatformsService, type Tenant } from '../platforms/platforms.service.js';
import { contextChanged, membershipChanged, personChanged, type Context, type ContextInput, type PersonInput, type RosterService } from '../roster/roster.service.js';
import type { ToolRole } from '../auth/user.js';
import { claimKeys as K, placementKind, type LaunchClaims } from './launch.schemas.js';
import { mapRole } from './roles.js';
import { familyFor } from './families/index.js';
import type { LmsFamily } from './families/family.js';
import { defaultLocale, localeOf, type Locale } from '../web/i18n.js';
import { identitySources, type IdentitiesService } from '../identities/identities.service.js';

export interface LaunchWritesDeps {
  db: Db;
  platforms: Pick<PlatformsService, 'addDeployment' | 'update' | 'adoptTimeZone'>;
  roster: Pick<RosterService, 'upsertPerson' | 'upsertContext' | 'upsertMembership' | 'findPeopleBySub' | 'findLaunchRows' | 'handOverLaunch'>;
}

export interface LaunchWritten {
  personId: string;
  /** The course as stored after the launch (the roster check reads its sync times), null for a launch without one. */
  context: Context | null;
  role: ToolRole;
  /** The language of the person's pages: the one they chose on a page, else their LMS's. */
  locale: Locale;
}

/**
 * Everything a verified launch writes, in one transaction; running it twice changes nothing. Most
 * launches are repeats carrying what is already stored, so the stored person, course and membership
 * are read first (one round trip) and only what differs is written: a repeat launch writes nothing.
 */
export async function recordLaunch(deps: LaunchWritesDeps, tenant: Tenant, claims: LaunchClaims, deploymentKnown: boolean): Promise<LaunchWritten> {
  const deploymentId = claims[K.deploymentId];
  const roles = claims[K.roles];
  const menteeSubs = claims[K.roleScopeMentor] ?? [];
  const role = mapRole({ roles, mentees: menteeSubs });
  const family = launchFamily(tenant, claims);
  const learnsFamily = family !== tenant.lms;
  // The school's zone, when the LMS sends one and nobody has set it yet.
  const zone = zoneToAdopt(tenant, family.timeZoneFrom?.(claims));
  const newOrigins = unseenFrameOrigins(tenant, claims);
  const ctxClaim = claims[K.context];
  const ids = family.identitiesFrom?.(claims) ?? {};
  const person: PersonInput = { sub: claims.sub, name: claims.name, givenName: claims.given_name, familyName: claims.family_name, email: claims.email, sisId: claims[K.lis]?.person_sourcedid ?? ids.sisId };
  const ags = claims[K.ags];
  const context: ContextInput | null = ctxClaim
    ? {
        contextId: ctxClaim.id,
        deploymentId,
        label: ctxClaim.label,
        title: ctxClaim.title,
        membershipsUrl: claims[K.nrps]?.context_memberships_url,
        lineItemsUrl: ags?.lineitems,
        agsScopes: ags?.scope,
        placementKind: placementKind(claims),
      }
    : null;

  const stored = await deps.roster.findLaunchRows(tenant.id, claims.sub, context?.contextId ?? null);
  // A mentee who has not launched or been synced yet gets a stub the next roster sync fills in (below).
  const knownMentees = role === 'family' && context ? await deps.roster.findPeopleBySub(tenant.id, menteeSubs) : [];
  const menteeIds = new Map(knownMentees.map((p) => [p.sub, p.id]));
  const membership = { roles, role, mentees: menteeSubs.flatMap((s) => menteeIds.get(s) ?? []) };
  const writePerson = !stored || personChanged(stored.person, person);
  const writeContext = context !== null && (!stored?.context || contextChanged(stored.context, context));
  const writeMembership = context !== null && (menteeIds.size < new Set(menteeSubs).size || membershipChanged(stored?.membership ?? null, membership));
  const platformWrites = !deploymentKnown || learnsFamily || zone !== undefined || newOrigins.length > 0;
  // The person's own choice (made on a page) wins over the language their LMS launches them in.
  const localeFor = (chosen: string | null) => localeOf(chosen) ?? localeOf(claims[K.launchPresentation]?.locale) ?? defaultLocale;
  if (stored && !writePerson && !writeContext && !writeMembership && !platformWrites) {
    // Nothing changed: the rows just read are who the landing page signs in (one read less per launch).
    deps.roster.handOverLaunch(tenant.id, stored);
    return { personId: stored.person.id, context: stored.context, role, locale: localeFor(stored.person.locale) };
  }

  return deps.db.transaction(async (tx) => {
    if (!deploymentKnown) await deps.platforms.addDeployment(tenant.id, deploymentId, tx);
    if (learnsFamily) await deps.platforms.update(tenant.id, { family: family.code }, tx);
    if (zone) await deps.platforms.adoptTimeZone(tenant, zone, tx);
    if (newOrigins.length > 0) {
      const known = frameOriginsOf(tenant);
      await deps.platforms.update(tenant.id, { settings: { ...tenant.settings, frameOrigins: [...known, ...newOrigins] } }, tx);
    }
    const saved = writePerson || !stored ? await deps.roster.upsertPerson(tenant.id, person, tx) : stored.person;
    const personId = saved.id;
    const locale = localeFor(saved.locale);
    if (!context) return { personId, context: null, role, locale };
    const course = writeContext || !stored?.context ? await deps.roster.upsertContext(tenant.id, context, tx) : stored.context;
    if (!writeMembership) return { personId, context: course, role, locale };
    for (const sub of menteeSubs) if (!menteeIds.has(sub)) menteeIds.set(sub, (await deps.roster.upsertPerson(tenant.id, { sub }, tx)).id);
    const mentees = menteeSubs.map((s) => menteeIds.get(s)!);
    await deps.roster.upsertMembership(tenant.id, { contextId: course.id, personId, roles, role, mentees }, tx);
    return { personId, context: course, role, locale };
  });
}

/** The launch's LMS family: the tenant's, chosen once, from registration, else from the first launch that names one. */
export function launchFamily(tenant: Tenant, claims: LaunchClaims): LmsFamily {
  if (tenant.lms.code !== 'generic') return tenant.lms;
  const named = familyFor(claims[K.toolPlatform]?.product_family_code);
  return named.code === 'generic' ? tenant.lms : named;
}

function frameOriginsOf(tenant: Tenant): string[] {
  const list = tenant.settings.frameOrigins;
  return Array.isArray(list) ? list.filter((o): o is string => typeof o === 'string') : [];
}

/**
 * Canvas frames the tool from the school's own domain (u.instructure.com or a vanity host), which is
 * neither the issuer nor the login host. The signed launch names that domain in its return URL and
 * service endpoints, so the CSP frame-ancestors list learns it from there instead of allowing `*`.
 */
export function unseenFrameOrigins(tenant: Tenant, claims: LaunchClaims): string[] {
  const candidates = [claims[K.launchPresentation]?.return_url, claims[K.nrps]?.context_memberships_url, claims[K.ags]?.lineitems];
  const known = new Set(frameOriginsOf(tenant));
  const found = new Set<string>();
  for (const url of candidates) {
    if (!url) continue;
    const { origin } = new URL(url);
    if (!known.has(origin)) found.add(origin);
  }
  return [...found];
}

/**
 * Ties the person to their id in the LMS's own API (Canvas's user id, from a custom variable), so the
 * LMS's REST connector finds them. Links never change once made, so each is written once per process.
 */
export function createLaunchIdentityLinker(identities: Pick<IdentitiesService, 'link'>) {
  const linked = new Set<string>();
  return async (tenant: Tenant, personId: string, claims: LaunchClaims): Promise<void> => {
    const family = tenant.lms.code === 'generic' ? familyFor(claims[K.toolPlatform]?.product_family_code) : tenant.lms;
    const lmsUserId = family.identitiesFrom?.(claims).lmsUserId;
    const source = identitySources.find((s) => s === family.code);
    if (!lmsUserId || !source) return;
    const key = `${tenant.id} ${personId} ${lmsUserId}`;
    if (linked.has(key)) return;
    await identities.link(tenant.id, personId, source, lmsUserId);
    // Bounded: a busy process forgets and at worst writes a link again (a no-op on conflict).
    if (linked.size > 50_000) linked.clear();
    linked.add(key);
  };
}
