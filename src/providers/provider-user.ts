import type { Locale } from '../web/i18n.js';

/**
 * A person of a community organisation, signed in at /provider (a first-party session, not an ltik).
 * Never an AppUser: no LMS role, no course, no student's record but the referrals sent to the organisation.
 */
export interface ProviderUser {
  tenantId: string;
  accountId: string;
  organisationId: string;
  organisationName: string;
  name: string;
  locale: Locale;
}

/**
 * One referral as the provider's list shows it: the minimum the organisation needs to act, worded by
 * the referrals feature in the provider's language. `href` is a path under /provider.
 */
export interface ProviderReferralSummary {
  id: string;
  /** The support (service) the student was referred to. */
  supportName: string;
  /** The referral's state in words (requested, accepted, in service...). */
  stateLabel: string;
  urgent: boolean;
  sentAt: Date;
  href: string;
}

/**
 * What the providers' pages need from the referrals feature (src/referrals, wired by createApp): the
 * referrals sent to the provider's organisation, in the provider's tenant scope (the caller runs
 * withTenant(provider.tenantId)). The detail and state-change pages are the referrals feature's own.
 */
export interface ProviderReferrals {
  listFor(provider: ProviderUser): Promise<ProviderReferralSummary[]>;
}


declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The signed-in provider (passport's `userProperty` on /provider); never set on LTI pages. */
      provider?: ProviderUser;
    }
  }
}
