import type { Request, Response, Router } from 'express';
import type { AppContext } from '../web/context.js';
import type { PortalKit } from '../providers/provider-portal.routes.js';
import type { ProviderReferrals, ProviderUser } from '../providers/provider-user.js';
import { summaryOf, unlessRefused } from '../web/forms.js';
import { t } from '../web/i18n.js';
import { notFound } from '../web/errors.js';
import { isTransition, type ReferralsService } from './referrals.service.js';
import type { ReferralState } from './referrals.tables.js';
import { outcomeChoices } from './referrals.presenter.js';

const PORTAL = '/provider';
const stepFieldIds: Record<string, string> = { answer: 'respond-accept', declineReason: 'decline-reason', date: 'session-date', minutes: 'session-minutes', outcome: 'close-outcome', note: 'close-note', version: 'main' };

/** Where a provider's referral page is (under /provider, the providers' own session). */
const pageOf = (referralId: string) => `${PORTAL}/referrals/${referralId}`;

/** The steps a provider may take from each state: answer, start, log sessions, close (the same transitions staff take). */
const stepsFrom: Record<ReferralState, { respond: boolean; start: boolean; session: boolean; close: boolean }> = {
  requested: { respond: true, start: false, session: false, close: false },
  accepted: { respond: false, start: true, session: false, close: true },
  in_service: { respond: false, start: false, session: true, close: true },
  declined: { respond: false, start: false, session: false, close: false },
  closed: { respond: false, start: false, session: false, close: false },
};

/** The providers' home list: their organisation's referrals, worded in their language. */
export function providerReferralsOf(referrals: Pick<ReferralsService, 'forOrganisation'>): ProviderReferrals {
  return {
    async listFor(provider: ProviderUser) {
      const rows = await referrals.forOrganisation(provider.tenantId, provider.organisationId);
      return rows.map((r) => ({
        id: r.id,
        supportName: r.support,
        stateLabel: t(`referrals.state.${r.state}`, {}, provider.locale),
        urgent: r.urgency === 'urgent',
        sentAt: r.sentAt,
        href: pageOf(r.id),
      }));
    },
  };
}

/**
 * A referral as its outside provider sees it (/provider/referrals/:id): first name and last initial,
 * the support, urgency, state, due and reason, and the step forms. Any id that is not the
 * organisation's to see is a 404; every read and step is audited by the referrals service.
 */
export function providerReferralPages(ctx: AppContext) {
  return (portal: Router, kit: PortalKit): void => {
    const render = async (req: Request, res: Response, provider: ProviderUser, extra: { errors?: Record<string, string>; values?: Record<string, unknown> } = {}) => {
      const referral = await ctx.referrals.organisationReferral(provider.tenantId, provider.organisationId, provider.accountId, String(req.params.referralId));
      res.locals.timeZone = await ctx.platforms.timeZoneOf(provider.tenantId);
      const locale = provider.locale;
      if (extra.errors) res.status(400);
      kit.page(req, res, 'referrals/provider', {
        title: t('referrals.providerPortal.title', { name: `${referral.student.firstName} ${referral.student.lastInitial}`.trim() }, locale),
        referral: { ...referral, stateLabel: t(`referrals.state.${referral.state}`, {}, locale), urgencyLabel: t(`referrals.urgency.${referral.urgency}`, {}, locale) },
        actions: stepsFrom[referral.state],
        respondUrl: `${pageOf(referral.id)}/respond`,
        startUrl: `${pageOf(referral.id)}/start`,
        sessionUrl: `${pageOf(referral.id)}/session`,
        closeUrl: `${pageOf(referral.id)}/close`,
        outcomes: outcomeChoices(extra.values?.outcome, locale),
        values: extra.values ?? {},
        errors: extra.errors ?? {},
        errorSummary: extra.errors ? summaryOf(extra.errors, (f) => stepFieldIds[f]) : undefined,
        notice: req.query.done === 'saved' ? t('referrals.providerPortal.saved', {}, locale) : undefined,
      });
    };

    portal.get('/referrals/:referralId', async (req, res) => render(req, res, kit.signedIn(req)));

    portal.post('/referrals/:referralId/:action', async (req, res) => {
      const provider = kit.signedIn(req);
      const action = String(req.params.action);
      const referralId = String(req.params.referralId);
      if (!isTransition(action)) throw notFound();
      const body = req.body as Record<string, unknown>;
      const outcome = await unlessRefused(() => ctx.referrals.organisationTransition(provider.tenantId, provider.organisationId, provider.accountId, referralId, action, body, provider.locale));
      if (!outcome.ok) return render(req, res, provider, { errors: outcome.errors, values: body });
      const next = new URL(pageOf(referralId), 'http://portal.invalid');
      next.searchParams.set('done', 'saved');
      res.redirect(303, `${next.pathname}${next.search}`);
    });
  };
}
