import type { Db } from '../db/client.js';
import type { PlatformsService, Tenant } from '../platforms/platforms.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { ToolRole } from '../auth/user.js';
import { claimKeys as K, placementKind, type LaunchClaims } from './launch.schemas.js';
import { mapRole } from './roles.js';
import { familyFor } from './families/index.js';
import { defaultLocale, localeOf, type Locale } from '../web/i18n.js';

export interface LaunchWritesDeps {
  db: Db;
  platforms: Pick<PlatformsService, 'addDeployment' | 'update' | 'adoptTimeZone'>;
  roster: Pick<RosterService, 'upsertPerson' | 'upsertContext' | 'upsertMembership' | 'findPeopleBySub'>;
}

export interface LaunchWritten {
  personId: string;
  contextId: string | null;
  role: ToolRole;
  /** The language of the person's pages: the one they chose on a page, else their LMS's. */
  locale: Locale;
}

/** Everything a verified launch writes, in one transaction; running it twice changes nothing. */
export async function recordLaunch(deps: LaunchWritesDeps, tenant: Tenant, claims: LaunchClaims, deploymentKnown: boolean): Promise<LaunchWritten> {
  const deploymentId = claims[K.deploymentId];
  const roles = claims[K.roles];
  const menteeSubs = claims[K.roleScopeMentor] ?? [];
  const role = mapRole({ roles, mentees: menteeSubs });
  const family = familyFor(claims[K.toolPlatform]?.product_family_code).code;
  const ctxClaim = claims[K.context];

  return deps.db.transaction(async (tx) => {
    if (!deploymentKnown) await deps.platforms.addDeployment(tenant.id, deploymentId, tx);
    // The family is chosen once: from registration, else from the first launch that names it.
    if (family !== 'generic' && tenant.family === 'generic') await deps.platforms.update(tenant.id, { family }, tx);
    // The school's zone, when the LMS sends one and nobody has set it yet.
    await deps.platforms.adoptTimeZone(tenant, familyFor(tenant.family === 'generic' ? family : tenant.family).timeZoneFrom(claims), tx);
    const newOrigins = unseenFrameOrigins(tenant, claims);
    if (newOrigins.length > 0) {
      const known = frameOriginsOf(tenant);
      await deps.platforms.update(tenant.id, { settings: { ...tenant.settings, frameOrigins: [...known, ...newOrigins] } }, tx);
    }
    const person = await deps.roster.upsertPerson(
      tenant.id,
      { sub: claims.sub, name: claims.name, givenName: claims.given_name, familyName: claims.family_name, email: claims.email, sisId: claims[K.lis]?.person_sourcedid },
      tx,
    );
    const locale = localeOf(person.locale) ?? localeOf(claims[K.launchPresentation]?.locale) ?? defaultLocale;
    if (!ctxClaim) return { personId: person.id, contextId: null, role, locale };
    const ags = claims[K.ags];
    const context = await deps.roster.upsertContext(
      tenant.id,
      {
        contextId: ctxClaim.id,
        deploymentId,
        label: ctxClaim.label,
        title: ctxClaim.title,
        membershipsUrl: claims[K.nrps]?.context_memberships_url,
        lineItemsUrl: ags?.lineitems,
        agsScopes: ags?.scope,
        placementKind: placementKind(claims),
      },
      tx,
    );
    let mentees: string[] = [];
    if (role === 'family') {
      const known = await deps.roster.findPeopleBySub(tenant.id, menteeSubs, tx);
      const bySub = new Map(known.map((p) => [p.sub, p.id]));
      // A mentee who has not launched or been synced yet gets a stub the next roster sync fills in.
      for (const sub of menteeSubs) if (!bySub.has(sub)) bySub.set(sub, (await deps.roster.upsertPerson(tenant.id, { sub }, tx)).id);
      mentees = menteeSubs.map((s) => bySub.get(s)!);
    }
    await deps.roster.upsertMembership(tenant.id, { contextId: context.id, personId: person.id, roles, role, mentees }, tx);
    return { personId: person.id, contextId: context.id, role, locale };
  });
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
