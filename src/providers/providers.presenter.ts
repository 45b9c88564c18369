import { t, type Locale } from '../web/i18n.js';
import type { AccountRow, OrganisationRow } from './providers.repository.js';
import type { ProviderReferralSummary } from './provider-user.js';

/** A day and time as the reader reads it, in the school's zone when known. */
export function when(at: Date, locale: Locale, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(at);
}

/** One organisation with its people, as the admins' page shows them. */
export function organisationView(o: Pick<OrganisationRow, 'id' | 'name'> & { accounts: AccountRow[] }, locale: Locale, timeZone?: string) {
  return {
    id: o.id,
    name: o.name,
    accounts: o.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      email: a.email,
      active: a.active,
      stateLabel: t(a.active ? 'providers.admin.active' : 'providers.admin.inactive', {}, locale),
      invited: when(a.invitedAt, locale, timeZone),
      lastSignIn: a.lastSignInAt ? when(a.lastSignInAt, locale, timeZone) : t('providers.admin.never', {}, locale),
      password: t(a.passwordHash ? 'providers.admin.passwordSet' : 'providers.admin.linkOnly', {}, locale),
      activeAction: `/admin/providers/accounts/${a.id}/active`,
    })),
  };
}

/** The provider's list of referrals. */
export function referralView(r: ProviderReferralSummary, locale: Locale) {
  return { ...r, sent: when(r.sentAt, locale) };
}
