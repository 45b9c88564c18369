import path from 'node:path';
import { z } from 'zod';
import { ConfigError, projectRoot } from '../web/config.js';
import { t, type Locale } from '../web/i18n.js';
import { formatNumber } from '../web/intl.js';
import { loadDocument, loadOverlays, type WithTexts } from '../web/overlays.js';

/** The indicators the caseload shows (src/indicators, config/indicators.json). */
export const indicatorKinds = ['attendance', 'behaviour', 'grades', 'wellbeing'] as const;
export type IndicatorKind = (typeof indicatorKinds)[number];

/**
 * "Needs attention first" as data (config/needs-attention.json): each rule names a reason (the
 * words the caseload prints), a condition (one of the facts below, with its parameters) and a weight.
 * A student's score is the sum of the weights of the rules that hold; `perDay` adds weight for each
 * day the fact has lasted (up to `maxDays`), so an old need outranks a new one of the same kind.
 */
const condition = z.discriminatedUnion('is', [
  /** Each open urgent need (one reason per need). Placeholders: {need}, {ago}, {days}. */
  z.object({ is: z.literal('urgentNeed') }),
  /** Each open need that is a concern, not urgent. */
  z.object({ is: z.literal('openNeed') }),
  /** The well-being given at the last attended check-in equals this value. */
  z.object({ is: z.literal('wellbeing'), equals: z.number().int().min(1).max(5) }),
  /** The last check-in attended is older than the check-in cadence. {days}, {date} */
  z.object({ is: z.literal('checkinOverdue') }),
  /** Never attended a check-in, and the cadence has passed since the student joined the caseload. {days} */
  z.object({ is: z.literal('neverCheckedIn') }),
  /** The latest check-in was marked absent. {date} */
  z.object({ is: z.literal('missedLastCheckin') }),
  /** Goals the student proposed, waiting for an adult's approval. {count}, {goals} */
  z.object({ is: z.literal('goalsWaiting') }),
  /** No plan this many days after joining the caseload. {days} */
  z.object({ is: z.literal('planNotStarted'), afterDays: z.number().int().min(0) }),
  z.object({ is: z.literal('planDraft') }),
  /** A plan but no active goal. */
  z.object({ is: z.literal('noActiveGoal') }),
  /** An indicator's recent band (config/indicators.json band ids) is one of these. {name}, {value}, {band} */
  z.object({ is: z.literal('indicatorBand'), indicator: z.enum(indicatorKinds), bands: z.array(z.string().regex(/^[a-z0-9-]{1,40}$/)).min(1) }),
  /** Chronic absence (config/indicators.json: missing that share of days this year and lately). {percent} (missed this year), {days} (the recent window) */
  z.object({ is: z.literal('chronicAbsence') }),
  /** At least this many courses failing lately. {count} */
  z.object({ is: z.literal('coursesFailing'), atLeast: z.number().int().min(1) }),
  /** Suspended at least this many days lately. {count}, {days} (the recent window) */
  z.object({ is: z.literal('suspended'), atLeastDays: z.number().positive() }),
  /** The student's tier (an adult's decision, else the suggestion) is at least this. {tier}, {state} (suggested or confirmed) */
  z.object({ is: z.literal('tier'), atLeast: z.union([z.literal(2), z.literal(3)]) }),
]);
type Condition = z.infer<typeof condition>;

/** The placeholders each condition fills in its reason. */
const placeholders: Record<Condition['is'], readonly string[]> = {
  urgentNeed: ['need', 'ago', 'days'],
  openNeed: ['need', 'ago', 'days'],
  wellbeing: ['value'],
  checkinOverdue: ['days', 'date'],
  neverCheckedIn: ['days'],
  missedLastCheckin: ['date'],
  goalsWaiting: ['count', 'goals'],
  planNotStarted: ['days'],
  planDraft: [],
  noActiveGoal: [],
  indicatorBand: ['name', 'value', 'band'],
  chronicAbsence: ['percent', 'days'],
  coursesFailing: ['count'],
  suspended: ['count', 'days'],
  tier: ['tier', 'state'],
};

/** Conditions that are a state now, with no duration to weigh per day. */
const noDuration: readonly Condition['is'][] = ['wellbeing', 'missedLastCheckin', 'goalsWaiting', 'planDraft', 'noActiveGoal', 'indicatorBand', 'chronicAbsence', 'coursesFailing', 'suspended', 'tier'];

const rule = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,60}$/, 'rule ids are lowercase letters, digits and dashes'),
  condition,
  weight: z.number().int().min(0).max(100_000),
  perDay: z.number().int().min(0).max(1000).optional(),
  maxDays: z.number().int().min(1).max(3650).optional(),
  reason: z.string().trim().min(1).max(200),
});

export const attentionRulesSchema = z
  .object({ rules: z.array(rule).min(1) })
  .superRefine((doc, c) => {
    const seen = new Set<string>();
    doc.rules.forEach((r, i) => {
      if (seen.has(r.id)) c.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `rule id ${r.id} is used twice` });
      seen.add(r.id);
      for (const [, name] of r.reason.matchAll(/\{(\w+)\}/g)) {
        if (!placeholders[r.condition.is].includes(name!)) {
          c.addIssue({ code: 'custom', path: ['rules', i, 'reason'], message: `{${name}} is not known to "${r.condition.is}" (it knows ${placeholders[r.condition.is].map((p) => `{${p}}`).join(', ') || 'none'})` });
        }
      }
      if (r.perDay !== undefined && noDuration.includes(r.condition.is)) {
        c.addIssue({ code: 'custom', path: ['rules', i, 'perDay'], message: `"${r.condition.is}" has no duration to weigh per day` });
      }
    });
  });
export type AttentionRules = z.infer<typeof attentionRulesSchema>;

const rulesFile = path.join(projectRoot, 'config', 'needs-attention.json');

/** Read and check the rules at start; every problem is reported at once, like the rest of the config. */
export function loadAttentionRules(file = rulesFile): AttentionRules {
  return loadDocument(file, attentionRulesSchema);
}

/** A rule's reason in another language: config/needs-attention.<locale>.json, `{"reasons": {<rule id>: text}}`, with the same placeholders. */
const attentionTexts: WithTexts<AttentionRules> = (doc, text) => ({ ...doc, rules: doc.rules.map((r) => ({ ...r, reason: text(`reasons.${r.id}`, r.reason) })) });

/**
 * The rules in every language the tool speaks (each checked again, placeholders included): the same
 * rules and weights, each language's reasons. A missing or unknown reason stops the app, every one named.
 */
export function loadAttentionRulesIn(locales: readonly Locale[], file = rulesFile): Record<Locale, AttentionRules> {
  const { docs, problems } = loadOverlays({ base: loadAttentionRules(file), baseFile: file, locales, withTexts: attentionTexts, schema: attentionRulesSchema });
  if (problems.length > 0) throw new ConfigError(problems);
  return docs;
}

/**
 * One student's indicators as the rules read them (the caseload builds them from the indicators
 * feature's summary): each indicator's recent band and its value in words, the flags, the tier.
 */
export interface IndicatorFacts {
  /** The recent window, in days. */
  recentDays: number;
  badges: Partial<Record<IndicatorKind, { band: string | null; name: string; value: string; bandLabel: string | null }>>;
  /** Missing the chronic-absence share of days: the share missed this year (%), else null. */
  chronicAbsence: { missedPercent: number } | null;
  coursesFailing: number;
  suspensionDays: number;
  /** The tier (an adult's decision, else the suggestion), null before any data. */
  tier: { tier: 1 | 2 | 3; confirmed: boolean } | null;
}

/** What the caseload knows about one student, as the rules read it. */
export interface AttentionFacts {
  needs: { label: string; urgency: 'concern' | 'urgent'; raisedAt: Date }[];
  /** The latest attended check-in. */
  lastAttended: { date: string; wellbeing: number | null } | null;
  /** The latest check-in, attended or not. */
  latest: { date: string; attended: boolean } | null;
  /** When the student joined this adult's caseload (advisory membership or assignment). */
  joinedAt: Date | null;
  plan: 'none' | 'draft' | 'active';
  goals: { active: number; proposed: number };
  /** The student's indicators; absent or null: no indicator rule holds. */
  indicators?: IndicatorFacts | null;
}

export interface AttentionReason {
  rule: string;
  text: string;
  weight: number;
}

export interface Attention {
  reasons: AttentionReason[];
  score: number;
  /** A check-in is due: overdue since the last attended one, or never held once the cadence passed. */
  overdue: boolean;
  daysSinceCheckin: number | null;
}

const DAY = 86_400_000;
const fill = (template: string, values: Record<string, string | number>) => template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

/** Whole days from `d` to now: a day (yyyy-mm-dd, a check-in's date) counts from the school's today; an instant (a need raised, joining) by the clock. */
const daysBetween = (d: Date | string, at: { now: Date; today: string }) =>
  Math.max(0, Math.floor((typeof d === 'string' ? Date.parse(at.today) - Date.parse(d) : at.now.getTime() - d.getTime()) / DAY));

/**
 * "Not seen within the cadence", as the caseload counts it (its "overdue" filter and badge, the
 * navigator view's section): more than `cadenceDays` since the last attended check-in, or never met
 * and more than `cadenceDays` since the student joined this adult's caseload.
 */
export function notSeen(facts: Pick<AttentionFacts, 'lastAttended' | 'joinedAt'>, at: { now: Date; today: string; cadenceDays: number }) {
  const daysSinceCheckin = facts.lastAttended ? daysBetween(facts.lastAttended.date, at) : null;
  const daysSinceJoined = facts.joinedAt ? daysBetween(facts.joinedAt, at) : null;
  const overdueSinceLast = daysSinceCheckin !== null && daysSinceCheckin > at.cadenceDays;
  const neverAndDue = daysSinceCheckin === null && daysSinceJoined !== null && daysSinceJoined > at.cadenceDays;
  return { daysSinceCheckin, daysSinceJoined, overdueSinceLast, neverAndDue, overdue: overdueSinceLast || neverAndDue };
}

/**
 * Applies the rules to one student (`today`: the school's local date, src/web/time-zone.ts): the reasons
 * that hold, heaviest first (rule order breaks ties), and the score. The reasons are worded as `rules`
 * (one language's, loadAttentionRulesIn) with their values (how long ago, how many goals) in `locale`.
 */
export function rankStudent(rules: AttentionRules, facts: AttentionFacts, at: { now: Date; today: string; cadenceDays: number; locale?: Locale }): Attention {
  const ago = (days: number) => (days <= 0 ? t('caseload.attention.today', {}, at.locale) : days === 1 ? t('caseload.attention.yesterday', {}, at.locale) : t('caseload.attention.daysAgo', { count: days }, at.locale));
  const daysSince = (d: Date | string) => daysBetween(d, at);
  const { daysSinceCheckin, daysSinceJoined, overdueSinceLast, neverAndDue } = notSeen(facts, at);
  const missedLast = facts.latest !== null && !facts.latest.attended;
  const ind = facts.indicators ?? null;
  const num = (n: number) => formatNumber(n, at.locale);

  /** Each match of a condition: the duration (for perDay) and the placeholder values. */
  const matches = (c: Condition): { days: number; values: Record<string, string | number> }[] => {
    switch (c.is) {
      case 'urgentNeed':
      case 'openNeed':
        return facts.needs
          .filter((n) => (n.urgency === 'urgent') === (c.is === 'urgentNeed'))
          .map((n) => ({ days: daysSince(n.raisedAt), values: { need: n.label.toLowerCase(), ago: ago(daysSince(n.raisedAt)), days: daysSince(n.raisedAt) } }));
      case 'wellbeing':
        return facts.lastAttended?.wellbeing === c.equals ? [{ days: 0, values: { value: c.equals } }] : [];
      case 'checkinOverdue':
        return overdueSinceLast ? [{ days: daysSinceCheckin!, values: { days: daysSinceCheckin!, date: facts.lastAttended!.date } }] : [];
      case 'neverCheckedIn':
        return neverAndDue ? [{ days: daysSinceJoined!, values: { days: daysSinceJoined! } }] : [];
      case 'missedLastCheckin':
        return missedLast ? [{ days: 0, values: { date: facts.latest!.date } }] : [];
      case 'goalsWaiting':
        return facts.goals.proposed > 0 ? [{ days: 0, values: { count: facts.goals.proposed, goals: t('caseload.attention.goals', { count: facts.goals.proposed }, at.locale) } }] : [];
      case 'planNotStarted':
        return facts.plan === 'none' && daysSinceJoined !== null && daysSinceJoined >= c.afterDays ? [{ days: daysSinceJoined, values: { days: daysSinceJoined } }] : [];
      case 'planDraft':
        return facts.plan === 'draft' ? [{ days: 0, values: {} }] : [];
      case 'noActiveGoal':
        return facts.plan !== 'none' && facts.goals.active === 0 ? [{ days: 0, values: {} }] : [];
      case 'indicatorBand': {
        const b = ind?.badges[c.indicator];
        return b?.band && c.bands.includes(b.band) ? [{ days: 0, values: { name: b.name, value: b.value, band: b.bandLabel ?? b.band } }] : [];
      }
      case 'chronicAbsence':
        return ind?.chronicAbsence ? [{ days: 0, values: { percent: num(ind.chronicAbsence.missedPercent), days: ind.recentDays } }] : [];
      case 'coursesFailing':
        return ind && ind.coursesFailing >= c.atLeast ? [{ days: 0, values: { count: ind.coursesFailing } }] : [];
      case 'suspended':
        return ind && ind.suspensionDays >= c.atLeastDays ? [{ days: 0, values: { count: num(ind.suspensionDays), days: ind.recentDays } }] : [];
      case 'tier':
        return ind?.tier && ind.tier.tier >= c.atLeast
          ? [{ days: 0, values: { tier: ind.tier.tier, state: t(`caseloadData.tier.${ind.tier.confirmed ? 'confirmed' : 'suggested'}`, {}, at.locale) } }]
          : [];
    }
  };

  const reasons = rules.rules.flatMap((r, order) =>
    matches(r.condition).map((m) => ({
      order,
      rule: r.id,
      text: fill(r.reason, m.values),
      weight: r.weight + (r.perDay ?? 0) * Math.min(m.days, r.maxDays ?? Infinity),
    })),
  );
  reasons.sort((a, b) => b.weight - a.weight || a.order - b.order);
  return {
    reasons: reasons.map(({ rule: id, text, weight }) => ({ rule: id, text, weight })),
    score: reasons.reduce((sum, r) => sum + r.weight, 0),
    overdue: overdueSinceLast || neverAndDue,
    daysSinceCheckin,
  };
}

/** "Needs attention first": highest score first; equal scores by name, then id, so the order never wobbles. */
export const byAttention = (a: { score: number; name: string; id: string }, b: { score: number; name: string; id: string }) =>
  b.score - a.score || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/**
 * The rules' band ids that the indicators document (config/indicators.json) does not define: a rule
 * naming one would never hold. The app checks this at start and refuses to run, naming each.
 */
export function unknownBands(rules: AttentionRules, known: readonly string[]): string[] {
  return rules.rules.flatMap((r) => (r.condition.is === 'indicatorBand' ? r.condition.bands.filter((b) => !known.includes(b)).map((b) => `needs-attention.json rule ${r.id}: band "${b}" is not in config/indicators.json (${known.join(', ')})`) : []));
}
