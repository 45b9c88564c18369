import { t, labelOf, type Locale } from '../web/i18n.js';
import { supportCategories } from '../supports/supports.schemas.js';
import { closedOutcomes, consentGivers, consentMethods, referralStates, urgencies } from './referrals.tables.js';
import type { Consent, ReferralEvent, ReferralItem } from './referrals.service.js';
import type { ReferralDraft } from './referral-drafts.service.js';
import type { QueueQuery } from './referrals.schemas.js';

/** Whose eyes a referral is shown to: the student reads plain words, family and adults the adults' words. */
export type Audience = 'adult' | 'student' | 'family';

const option = (value: string, label: string, selected: unknown) => ({ value, label, selected: String(selected ?? '') === value });
export const referralUrl = (studentId: string, id: string) => `/students/${studentId}/referrals/${id}`;

/** An automation's draft: what it suggests, who drafted it, and the new referral form it opens prefilled. */
export function draftView(d: ReferralDraft, locale?: Locale) {
  const review = new URL(`/students/${d.studentId}/referrals/new`, 'http://tool.invalid');
  review.searchParams.set('draft', d.id);
  return {
    id: d.id,
    categoryLabel: labelOf('supports.category', d.category, locale),
    urgencyLabel: t(`referrals.urgency.${d.urgency}`, {}, locale),
    ruleName: d.ruleName,
    createdAt: d.createdAt,
    reviewUrl: `${review.pathname}${review.search}`,
  };
}

/** One referral in a list or on its page: what it is only when the reader may know (else "a support was arranged"). */
export function referralView(item: ReferralItem, audience: Audience, locale?: Locale) {
  const r = item.referral;
  const detail = item.detail;
  return {
    id: r.id,
    url: referralUrl(r.studentId, r.id),
    arranged: !detail,
    supportName: detail ? item.supportName : '',
    categoryLabel: detail ? labelOf('supports.category', r.category, locale) : '',
    stateLabel: t(`referrals.${audience === 'student' ? 'studentState' : 'state'}.${r.state}`, {}, locale),
    state: r.state,
    urgencyLabel: detail ? t(`referrals.urgency.${r.urgency}`, {}, locale) : '',
    dueAt: audience === 'adult' ? r.dueAt : null,
    overdue: audience === 'adult' && item.overdue,
    held: audience === 'adult' && r.heldForConsent,
    reason: detail && audience === 'adult' ? r.reason : '',
    declineReason: detail && audience === 'adult' ? (r.declineReason ?? '') : '',
    outcomeLabel: r.closedOutcome ? t(`referrals.outcome.${r.closedOutcome}`, {}, locale) : '',
    outcomeNote: detail && audience === 'adult' ? r.outcomeNote : '',
    sessions: r.sessionsCount,
    minutes: r.minutesTotal,
    version: r.version,
    sensitive: r.sensitive,
    createdAt: r.createdAt,
  };
}

/** The timeline: each step in words, when, and by whom. */
export function eventViews(events: ReferralEvent[], names: Map<string, string>, locale?: Locale) {
  return events.map((e) => ({
    at: e.at,
    label: t(`referrals.events.${e.kind}`, {}, locale),
    by: e.byPersonId ? names.get(e.byPersonId) || t('referrals.someone', {}, locale) : t('referrals.provider', {}, locale),
    note: e.note,
    sessionDate: e.sessionDate,
    minutes: e.minutes,
  }));
}

export function consentViews(consents: Consent[], studentId: string, locale?: Locale) {
  return consents.map((c) => ({
    id: c.id,
    scopeLabel: t(c.referralId ? 'referrals.consent.forReferral' : 'referrals.consent.standing', {}, locale),
    giverLabel: t(`referrals.consent.givers.${c.giver}`, {}, locale),
    methodLabel: t(`referrals.consent.methods.${c.method}`, {}, locale),
    givenOn: c.givenOn,
    revokedAt: c.revokedAt,
    revokeUrl: `/students/${studentId}/consents/${c.id}/revoke`,
  }));
}

export const consentChoices = (values: Record<string, unknown>, locale?: Locale) => ({
  givers: consentGivers.map((g) => option(g, t(`referrals.consent.givers.${g}`, {}, locale), values.giver)),
  methods: consentMethods.map((m) => option(m, t(`referrals.consent.methods.${m}`, {}, locale), values.method)),
});

export const urgencyChoices = (selected: unknown, locale?: Locale) => urgencies.map((u) => option(u, t(`referrals.urgency.${u}`, {}, locale), selected));
export const outcomeChoices = (selected: unknown, locale?: Locale) => closedOutcomes.map((o) => option(o, t(`referrals.outcome.${o}`, {}, locale), selected));

/** The queue's filters and per-state counts, each a link. */
export function queueFilters(query: QueueQuery, counts: Map<string, number>, locale?: Locale) {
  return {
    states: [option('', t('referrals.queue.anyState', {}, locale), query.state), ...referralStates.map((s) => option(s, `${t(`referrals.state.${s}`, {}, locale)} (${counts.get(s) ?? 0})`, query.state))],
    categories: [option('', t('referrals.queue.anyCategory', {}, locale), query.category), ...supportCategories.map((c) => option(c, labelOf('supports.category', c, locale), query.category))],
    counts: referralStates.map((s) => ({ label: t(`referrals.state.${s}`, {}, locale), count: counts.get(s) ?? 0, href: queueHref({ ...query, state: s, page: 1 }) })),
  };
}

export function queueHref(query: QueueQuery, change: Partial<QueueQuery> = {}): string {
  const q = { ...query, ...change };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && String(v) !== '' && !(k === 'page' && v === 1)) params.set(k, String(v));
  const s = params.toString();
  return s ? `/referrals?${s}` : '/referrals';
}

export function queuePager(query: QueueQuery, at: { page: number; pages: number; firstIndex: number; shown: number; matched: number }, locale?: Locale) {
  if (at.pages <= 1) return null;
  return {
    range: t('referrals.queue.range', { from: at.firstIndex + 1, to: at.firstIndex + at.shown, count: at.matched }, locale),
    previous: at.page > 1 ? queueHref(query, { page: at.page - 1 }) : null,
    next: at.page < at.pages ? queueHref(query, { page: at.page + 1 }) : null,
  };
}
