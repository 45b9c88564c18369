import type { Db, DbOrTx } from '../db/client.js';
import type { Clock } from '../web/clock.js';
import type { AppUser } from '../auth/user.js';
import type { AuditActor, AuditService } from '../audit/audit.service.js';
import type { MailService } from '../mail/mail.service.js';
import { withTenant } from '../db/tenant-scope.js';
import { hashPassword, newToken, passwordMatches, tokenHash } from '../auth/secrets.js';
import { authorize, canMap } from '../policies/policy.js';
import { providerAccountActions, providerAccountPolicy } from '../policies/provider-account.js';
import { InvalidInput, validForm, type ParsedForm } from '../web/forms.js';
import { HttpError, message, notFound } from '../web/errors.js';
import { isUuid } from '../web/ids.js';
import { defaultLocale, isLocale, t } from '../web/i18n.js';
import * as repo from './providers.repository.js';
import type { InviteForm, OrganisationForm, PasswordForm } from './providers.schemas.js';
import type { ProviderReferrals, ProviderUser } from './provider-user.js';
import type { ProviderTokenPurpose } from './providers.tables.js';

export interface ProvidersDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  mail: Pick<MailService, 'queue'>;
  /** The referrals sent to an organisation (the referrals feature, src/referrals/referrals.provider-routes.ts). */
  referrals: ProviderReferrals;
  /** The school (tenant) a sign-in page is for: its name, or undefined for none or an inactive one. The caller runs withTenant. */
  schoolOf: (tenantId: string) => Promise<{ name: string } | undefined>;
  /** The tool's address: the providers' sign-in page shown to admins is built on it. */
  baseUrl: string;
}

/**
 * How long a one-time link opens: a sign-in link about half an hour, an invitation a week, the link in
 * "a referral was sent to you" three days (an organisation may read its mail once a day; past that,
 * "e-mail me a link" still works).
 */
export const TOKEN_TTL_MS: Record<ProviderTokenPurpose, number> = { sign_in: 30 * 60_000, invite: 7 * 24 * 3600_000, referral: 3 * 24 * 3600_000 };


export const PROVIDER_ROLE = 'provider';
const actorOf = (p: ProviderUser): AuditActor => ({ tenantId: p.tenantId, personId: p.accountId, role: PROVIDER_ROLE });

/** A one-time link that no longer opens (used, expired, never issued, or its account deactivated): a clear 400 page. */
export const linkRefused = () => new HttpError(400, message('providers.link.refusedTitle'), message('providers.link.refusedDetail'), 'provider_link_refused');

/** The providers' sign-in page of a school, to give to its organisations. */
export function signInUrl(baseUrl: string, tenantId: string): string {
  const url = new URL('/provider/sign-in', baseUrl);
  url.searchParams.set('school', tenantId);
  return url.toString();
}

/**
 * Community providers (issue 11, item 4): the admins' side (organisations, invitations, deactivation)
 * and the providers' own sign-in (one-time links, argon2id passwords) and home. Every write is audited
 * in its transaction; every provider call runs in the provider's school's scope.
 */
export function createProvidersService(deps: ProvidersDeps) {
  const { db, clock } = deps;
  const can = (user: AppUser) => canMap(providerAccountPolicy, user, providerAccountActions, { tenantId: user.tenantId });
  const manage = (user: AppUser) => authorize(providerAccountPolicy, user, 'manage', { tenantId: user.tenantId });

  /** A fresh one-time token for an account: the token (for the e-mail's link) and its hash kept in tx. */
  async function issueToken(tx: DbOrTx, tenantId: string, accountId: string, purpose: ProviderTokenPurpose): Promise<string> {
    const token = newToken();
    const now = clock.now();
    await repo.insertToken(tx, tenantId, { accountId, purpose, tokenHash: tokenHash(token), expiresAt: new Date(now.getTime() + TOKEN_TTL_MS[purpose]), createdAt: now });
    return token;
  }

  /** The signed-in provider an account is, or undefined when it (or its school) may no longer sign in. Caller runs withTenant. */
  async function userOfAccount(tenantId: string, account: repo.AccountRow | undefined): Promise<ProviderUser | undefined> {
    if (!account?.active) return undefined;
    const organisation = await repo.findOrganisation(db, tenantId, account.organisationId);
    if (!organisation || !(await deps.schoolOf(tenantId))) return undefined;
    return { tenantId, accountId: account.id, organisationId: organisation.id, organisationName: organisation.name, name: account.name, locale: isLocale(account.locale) ? account.locale : defaultLocale };
  }

  return {
    can,

    /** The admins' page: each organisation with its people, and the sign-in page to give them. */
    async adminPage(user: AppUser) {
      manage(user);
      const [organisations, accounts] = await Promise.all([repo.listOrganisations(db, user.tenantId), repo.listAccounts(db, user.tenantId)]);
      return {
        organisations: organisations.map((o) => ({ id: o.id, name: o.name, accounts: accounts.filter((a) => a.organisationId === o.id) })),
        signInUrl: signInUrl(deps.baseUrl, user.tenantId),
        can: can(user),
      };
    },

    /** The school's organisations, for the supports form's choice (no policy: names only, for a page its own policy guards). */
    organisationsOf: (tenantId: string) => repo.listOrganisations(db, tenantId).then((rows) => rows.map((o) => ({ id: o.id, name: o.name }))),

    async addOrganisation(user: AppUser, posted: ParsedForm<OrganisationForm>): Promise<string> {
      manage(user);
      const form = validForm(posted, user.locale);
      return db.transaction(async (tx) => {
        const id = await repo.insertOrganisation(tx, user.tenantId, { name: form.name, createdBy: user.personId, createdAt: clock.now() });
        if (!id) throw new InvalidInput({ name: t('providers.form.organisationTaken', {}, user.locale) });
        await deps.audit.record(user, { action: 'create', entity: 'provider_organisation', entityId: id }, tx);
        return id;
      });
    },

    /**
     * Creates the account and queues its invitation (a link valid a week) in one transaction. Inviting
     * the same e-mail to the same organisation again sends a fresh invitation (earlier links stop
     * working); an e-mail another organisation already has is refused.
     */
    async invite(user: AppUser, posted: ParsedForm<InviteForm>): Promise<string> {
      manage(user);
      const form = validForm(posted, user.locale);
      if (!(await repo.findOrganisation(db, user.tenantId, form.organisationId))) throw new InvalidInput({ organisationId: t('providers.form.chooseOrganisation', {}, user.locale) });
      const locale = user.locale ?? defaultLocale;
      return db.transaction(async (tx) => {
        const now = clock.now();
        let id = await repo.insertAccount(tx, user.tenantId, { organisationId: form.organisationId, name: form.name, email: form.email, locale, invitedBy: user.personId, invitedAt: now });
        const action = id ? 'create' : 'update';
        if (!id) {
          const existing = await repo.findAccountByEmail(tx, user.tenantId, form.email);
          if (existing?.organisationId !== form.organisationId) throw new InvalidInput({ email: t('providers.form.emailTaken', {}, user.locale) });
          id = existing.id;
          await repo.revokeTokens(tx, user.tenantId, id, now);
          await repo.updateAccount(tx, user.tenantId, id, { invitedAt: now });
        }
        const token = await issueToken(tx, user.tenantId, id, 'invite');
        await deps.mail.queue(tx, { tenantId: user.tenantId, to: form.email, template: 'provider.invite', params: { school: user.tenantId }, locale, linkToken: token });
        await deps.audit.record(user, { action, entity: 'provider_account', entityId: id }, tx);
        return id;
      });
    },

    /** Deactivates (signed out at the next request, every link void) or reactivates an account. */
    async setActive(user: AppUser, accountId: string, active: boolean): Promise<void> {
      manage(user);
      if (!isUuid(accountId)) throw notFound();
      await db.transaction(async (tx) => {
        if (!(await repo.updateAccount(tx, user.tenantId, accountId, { active }))) throw notFound();
        if (!active) await repo.revokeTokens(tx, user.tenantId, accountId, clock.now());
        await deps.audit.record(user, { action: 'update', entity: 'provider_account', entityId: accountId }, tx);
      });
    },

    // The providers' side. The school comes from the link or form (its tenant id); each call runs in its scope.

    /** The school of a sign-in page, or a 404 for none. */
    async school(tenantId: string): Promise<{ id: string; name: string }> {
      const school = isUuid(tenantId) ? await withTenant(tenantId, () => deps.schoolOf(tenantId)) : undefined;
      if (!school) throw notFound(message('providers.signIn.unknownSchool'));
      return { id: tenantId, name: school.name };
    },

    /**
     * "E-mail me a sign-in link": a link valid about 30 minutes for an active account of this school;
     * nothing for any other e-mail, and the caller answers the same either way.
     */
    async requestLink(tenantId: string, email: string): Promise<void> {
      await withTenant(tenantId, async () => {
        const account = await repo.findAccountByEmail(db, tenantId, email);
        if (!(await userOfAccount(tenantId, account))) return;
        await db.transaction(async (tx) => {
          const token = await issueToken(tx, tenantId, account!.id, 'sign_in');
          await deps.mail.queue(tx, { tenantId, to: account!.email, template: 'provider.signIn', params: { school: tenantId }, locale: account!.locale, linkToken: token });
        });
      });
    },

    /** Uses a one-time link: its provider, or a 400 for a link used, expired, unknown or of a deactivated account. */
    async consume(tenantId: string, token: string, purpose: ProviderTokenPurpose): Promise<ProviderUser> {
      return withTenant(tenantId, async () => {
        const accountId = await repo.consumeToken(db, tenantId, tokenHash(token), purpose, clock.now());
        const provider = accountId ? await userOfAccount(tenantId, await repo.findAccount(db, tenantId, accountId)) : undefined;
        if (!provider) throw linkRefused();
        return provider;
      });
    },

    /** E-mail and password at one school: the provider, or undefined (wrong e-mail, wrong password, no password, deactivated). */
    async verifyPassword(tenantId: string, email: string, password: string): Promise<ProviderUser | undefined> {
      return withTenant(tenantId, async () => {
        const account = await repo.findAccountByEmail(db, tenantId, email);
        // Verified even without an account (against a decoy), so a wrong e-mail takes as long as a wrong password.
        const matches = await passwordMatches(account?.passwordHash, password);
        return matches && account ? userOfAccount(tenantId, account) : undefined;
      });
    },

    /** The provider a session names, checked on every request: undefined once deactivated. */
    userOf: (tenantId: string, accountId: string) => withTenant(tenantId, async () => userOfAccount(tenantId, await repo.findAccount(db, tenantId, accountId))),

    /** After a successful sign-in (link or password): when, and the audit row. */
    async signedIn(provider: ProviderUser): Promise<void> {
      await withTenant(provider.tenantId, () =>
        db.transaction(async (tx) => {
          await repo.updateAccount(tx, provider.tenantId, provider.accountId, { lastSignInAt: clock.now() });
          await deps.audit.record(actorOf(provider), { action: 'read', entity: 'provider_sign_in', entityId: provider.accountId }, tx);
        }),
      );
    },

    /** Sets (or changes) the provider's own password, kept as an argon2id hash. */
    async setPassword(provider: ProviderUser, posted: ParsedForm<PasswordForm>): Promise<void> {
      const form = validForm(posted, provider.locale);
      const passwordHash = await hashPassword(form.password);
      await withTenant(provider.tenantId, () =>
        db.transaction(async (tx) => {
          if (!(await repo.updateAccount(tx, provider.tenantId, provider.accountId, { passwordHash }))) throw notFound();
          await deps.audit.record(actorOf(provider), { action: 'update', entity: 'provider_password', entityId: provider.accountId }, tx);
        }),
      );
    },

    /**
     * In the referral's transaction: a referral was sent to (or released by consent for) this organisation.
     * Each active person of it gets "a referral was sent to you" with a one-time sign-in link; never a
     * word of the referral itself.
     */
    async notifyReferral(tx: DbOrTx, tenantId: string, organisationId: string): Promise<void> {
      const people = (await repo.listAccounts(tx, tenantId)).filter((a) => a.active && a.organisationId === organisationId);
      for (const account of people) {
        const token = await issueToken(tx, tenantId, account.id, 'referral');
        await deps.mail.queue(tx, { tenantId, to: account.email, template: 'provider.referral', params: { school: tenantId }, locale: account.locale, linkToken: token });
      }
    },

    /** The provider's home: the referrals sent to their organisation (from the referrals feature). */
    async home(provider: ProviderUser) {
      const referrals = await withTenant(provider.tenantId, () => deps.referrals.listFor(provider));
      return { referrals };
    },
  };
}
export type ProvidersService = ReturnType<typeof createProvidersService>;
