import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../web/config.js';
import { loadDocument } from '../web/overlays.js';
import { documentKind } from '../configuration/configuration.kinds.js';
import { formText, isoDate } from '../web/forms.js';
import { supportCategories } from '../supports/supports.schemas.js';
import { closedOutcomes, consentGivers, consentMethods, referralSources, referralStates, urgencies } from './referrals.tables.js';

/** config/referrals.json: the school's rules for referrals, as data. */
export const referralsConfigSchema = z.strictObject({
  /** Response standards: school days to accept or decline, per urgency. */
  responseBusinessDays: z.strictObject({ urgent: z.number().int().min(0).max(30), routine: z.number().int().min(0).max(30) }),
  /** Days of the week the school is closed: 0 = Sunday ... 6 = Saturday. */
  weekendDays: z.array(z.number().int().min(0).max(6)).max(6),
  /** Categories an outside provider never sees without consent (any support marked sensitive needs it too). */
  consentCategories: z.array(z.enum(supportCategories)),
  /** What family see: non-sensitive supports by name (sensitive ones as "a support was arranged"), or every one as "arranged". */
  familyView: z.enum(['nonSensitiveByName', 'arrangedOnly']),
  queuePageSize: z.number().int().min(10).max(500),
  overdueScanMinutes: z.number().int().min(1).max(1440),
});
export type ReferralsConfig = z.infer<typeof referralsConfigSchema>;

export const loadReferralsConfig = (file = path.join(projectRoot, 'config', 'referrals.json')): ReferralsConfig => loadDocument(file, referralsConfigSchema);

/**
 * The part of config/referrals.json a district changes from the console, per tenant (a configuration
 * document, src/configuration): response standards, which categories need consent before an outside
 * organisation sees a referral, and what families see. The file's values are the shipped default.
 */
const days = z.number().int().min(0).max(30);
export const referralRulesSchema = referralsConfigSchema
  .pick({ responseBusinessDays: true, consentCategories: true, familyView: true })
  .extend({
    /** Response standards of their own for some kinds of support (housing answered the same day, say); the others keep responseBusinessDays. Absent in versions saved before it existed. */
    categoryResponseDays: z.array(z.strictObject({ category: z.enum(supportCategories), urgent: days, routine: days })).max(supportCategories.length).default([]),
  })
  .superRefine((rules, c) => {
    const seen = new Set<string>();
    rules.categoryResponseDays.forEach((r, i) => {
      if (seen.has(r.category)) c.addIssue({ code: 'custom', path: ['categoryResponseDays', i, 'category'], message: `${r.category} is listed twice`, params: { code: 'referral_category_twice', key: r.category } });
      seen.add(r.category);
    });
  });
export type ReferralRules = z.infer<typeof referralRulesSchema>;

/** School days a referral to this kind of support has to be answered in: its category's own standard, else the urgency's. */
export const responseDaysOf = (rules: ReferralRules, category: string, urgency: keyof ReferralRules['responseBusinessDays']): number =>
  rules.categoryResponseDays.find((r) => r.category === category)?.[urgency] ?? rules.responseBusinessDays[urgency];
export const referralRulesKind = (shipped: ReferralsConfig) =>
  documentKind<ReferralRules>({
    id: 'referral-rules',
    schema: referralRulesSchema,
    shipped: () => ({ responseBusinessDays: shipped.responseBusinessDays, consentCategories: shipped.consentCategories, familyView: shipped.familyView, categoryResponseDays: [] }),
  });

const uuidOrEmpty = z.union([z.literal(''), z.uuid()]).default('');

/** The new referral form. */
export const referralForm = z.object({
  support: z.uuid('referrals.form.chooseSupport'),
  reason: formText(2000, 'referrals.form.tooLong', { min: 1, message: 'referrals.form.reasonRequired' }),
  urgency: z.enum(urgencies, 'referrals.form.chooseUrgency'),
  owner: uuidOrEmpty,
  source: z.enum(referralSources).default('direct'),
  need: uuidOrEmpty,
  /** The automation's draft this referral sends (referral_drafts), when it came from one. */
  draft: uuidOrEmpty,
});
export type ReferralForm = z.infer<typeof referralForm>;

const version = z.coerce.number().int().min(1);
export const respondForm = z.discriminatedUnion('answer', [
  z.object({ answer: z.literal('accept'), version }),
  z.object({ answer: z.literal('decline'), version, declineReason: formText(1000, 'referrals.form.tooLong', { min: 1, message: 'referrals.form.declineReasonRequired' }) }),
], 'referrals.form.chooseAnswer');
export const startForm = z.object({ version });
export const sessionForm = z.object({
  version,
  date: isoDate,
  minutes: z.string().trim().regex(/^\d{1,4}$/, 'referrals.form.badMinutes').transform(Number).pipe(z.number().int().min(1, 'referrals.form.badMinutes').max(1440, 'referrals.form.badMinutes')),
});
export const closeForm = z.object({
  version,
  outcome: z.enum(closedOutcomes, 'referrals.form.chooseOutcome'),
  note: formText(2000, 'referrals.form.tooLong').default(''),
});
export const consentForm = z.object({
  giver: z.enum(consentGivers, 'referrals.consent.chooseGiver'),
  method: z.enum(consentMethods, 'referrals.consent.chooseMethod'),
  givenOn: isoDate,
});
export type ConsentForm = z.infer<typeof consentForm>;

/** The queue's filters; a bad value means "any". */
export const queueQuery = z.object({
  state: z.enum(referralStates).optional().catch(undefined),
  overdue: z.literal('1').optional().catch(undefined),
  mine: z.literal('1').optional().catch(undefined),
  category: z.enum(supportCategories).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type QueueQuery = z.infer<typeof queueQuery>;

/** The actions a referral page posts, each with its form. */
export type TransitionAction = 'respond' | 'start' | 'session' | 'close';
