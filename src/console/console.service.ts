import type { Db } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { PermissionSet } from '../policies/permission-set.js';
import { hashPassword, newToken, passwordMatches, tokenHash } from '../auth/secrets.js';
import { systemActor } from '../audit/audit.service.js';
import { authorize } from '../policies/policy.js';
import { configurationPolicy } from '../policies/configuration.js';
import { withTenant } from '../db/tenant-scope.js';
import { HttpError, message, unauthorized } from '../web/errors.js';
import { defaultLocale, isLocale, type Locale } from '../web/i18n.js';
import * as repo from './console.repository.js';

/** The shortest password a local administrator may have (a generated one is far longer). */
export const LOCAL_PASSWORD_MIN = 12;

/** A hand-off's token lives this long: the new window opens it at once. */
export const HANDOFF_TTL_MS = 60_000;

export interface ConsoleDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  roster: Pick<RosterService, 'userFromClaims' | 'upsertPerson'>;
  /** Whether a school (tenant) exists: a sign-in naming none is refused like a wrong password, with no audit row to write. */
  schoolExists: (tenantId: string) => Promise<boolean>;
  /** The school's permission set in force (undefined: the policies' defaults), as the ltik path gives it. */
  permissionsOf: (tenantId: string) => Promise<PermissionSet | undefined>;
}

/** What a console session holds: whose it is, in which school and language. No name, no role beyond admin. */
export interface ConsoleRef {
  t: string;
  p: string;
  loc: Locale;
}

const spent = () => new HttpError(410, message('console.enter.spentTitle'), message('console.enter.spent'), 'handoff_spent');

/**
 * The admin console's own window (issue 14 item 1): an admin in the LMS frame asks for it, and the tool
 * mints a one-time hand-off the new top-level window spends for a first-party session, so no third-party
 * cookie is ever needed. The session then stands for the same admin in the same school; every request
 * rebuilds the user from the roster as a launch does, so a removed person or membership ends it.
 */
export function createConsoleService(deps: ConsoleDeps) {
  const { db, clock, audit } = deps;
  /** The admin a session stands for, as a launch would make them (401 once they are gone from the school). */
  async function userOf(ref: ConsoleRef): Promise<AppUser> {
    const user = await withTenant(ref.t, () => deps.roster.userFromClaims({ tid: ref.t, pid: ref.p, cid: null, role: 'admin', loc: ref.loc }));
    if (!user) throw unauthorized(message('console.signedOut'));
    const permissions = await withTenant(ref.t, () => deps.permissionsOf(ref.t));
    return permissions ? { ...user, permissions } : user;
  }
  /** A console session begins: audited as the admin's, in their school. */
  const signedInAudit = async (ref: ConsoleRef) => {
    const user = await userOf(ref);
    await withTenant(ref.t, () => audit.record(user, { action: 'create', entity: 'console_session' }));
  };
  return {
    /** A one-time hand-off for this admin (403 for anyone else, audited): the token for the new window's URL. Audited. */
    async handOff(user: AppUser): Promise<string> {
      authorize(configurationPolicy, user, 'openConsole', { tenantId: user.tenantId });
      const token = newToken();
      const now = clock.now();
      await db.transaction(async (tx) => {
        await repo.insertHandoff(tx, { tenantId: user.tenantId, adminId: user.personId, tokenHash: tokenHash(token), locale: user.locale ?? defaultLocale, expiresAt: new Date(now.getTime() + HANDOFF_TTL_MS), createdAt: now });
        await audit.record(user, { action: 'create', entity: 'console_handoff' }, tx);
      });
      return token;
    },

    /** Spends a hand-off (used, expired or unknown: 410, nothing opened) and gives what the session holds. Audited as the admin's sign-in. */
    async enter(tenantId: string, token: string): Promise<ConsoleRef> {
      const found = await withTenant(tenantId, () => repo.spendHandoff(db, tenantId, tokenHash(token), clock.now()));
      if (!found) throw spent();
      const ref: ConsoleRef = { t: tenantId, p: found.adminId, loc: isLocale(found.locale) ? found.locale : defaultLocale };
      await signedInAudit(ref);
      return ref;
    },

    /**
     * Creates (or resets the password of) a break-glass local administrator of the school: a person of
     * the school named for the e-mail, whom the console treats as an admin, and the argon2id hash of the
     * password. For the CLI (npm run console:admin): no gate, audited as the tool's act.
     */
    async createLocalAdmin(tenantId: string, input: { email: string; name: string; password: string }): Promise<void> {
      const email = input.email.trim().toLowerCase();
      if (input.password.length < LOCAL_PASSWORD_MIN) throw new Error(`the password needs at least ${LOCAL_PASSWORD_MIN} characters`);
      const passwordHash = await hashPassword(input.password);
      await withTenant(tenantId, async () => {
        const person = await deps.roster.upsertPerson(tenantId, { sub: `console-local:${email}`, name: input.name });
        await db.transaction(async (tx) => {
          await repo.upsertLocalAdmin(tx, { tenantId, adminId: person.id, email, passwordHash, at: clock.now() });
          await audit.record(systemActor(tenantId), { action: 'update', entity: 'console_local_admin', entityId: person.id }, tx);
        });
      });
    },

    /**
     * A local administrator's sign-in: what the session holds, or null for a wrong e-mail or password
     * (the same time either way, secrets.passwordMatches). Both audited; a refusal names no one.
     */
    async signInLocal(tenantId: string, email: string, password: string): Promise<ConsoleRef | null> {
      if (!(await deps.schoolExists(tenantId))) {
        // The same work as a wrong password, so an unknown school answers no faster.
        await passwordMatches(undefined, password);
        return null;
      }
      const found = await withTenant(tenantId, () => repo.findLocalAdmin(db, tenantId, email.trim().toLowerCase()));
      if (!(await passwordMatches(found?.passwordHash, password)) || !found) {
        await withTenant(tenantId, () => audit.record(systemActor(tenantId), { action: 'denied', entity: 'console_sign_in' }));
        return null;
      }
      const ref: ConsoleRef = { t: tenantId, p: found.adminId, loc: defaultLocale };
      await signedInAudit(ref);
      return ref;
    },

    /** A session for an admin another sign-in has vouched for (district sign-on, src/console/district-sign-on.service.ts): audited like every console sign-in. */
    async vouchedFor(ref: ConsoleRef): Promise<ConsoleRef> {
      await signedInAudit(ref);
      return ref;
    },

    userOf,
  };
}
export type ConsoleService = ReturnType<typeof createConsoleService>;
