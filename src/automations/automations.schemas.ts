import { z } from 'zod';
import jsonLogic, { type RulesLogic } from 'json-logic-js';
import { ruleActions, automationEvents, type AutomationEvent } from './automations.tables.js';
import type { RaisedNeed, RecordedCheckin } from '../checkins/checkins.service.js';
import type { OverdueReferral } from '../referrals/referrals.service.js';
import type { AnsweredPulse } from '../surveys/surveys.service.js';
import type { DueGoal } from '../goals/goals.service.js';
import type { BandChange } from '../indicators/indicators.service.js';
import { goalLimits } from '../goals/goals.schemas.js';
import { supportCategories } from '../supports/supports.schemas.js';

/** Who an `alert_role` action reaches: the student's navigators or a support role of the student's school. */
export const alertAudiences = ['navigator', 'coordinator', 'counsellor', 'social_worker'] as const;
export type AlertAudience = (typeof alertAudiences)[number];

/** What a draft_referral rule drafts: a category of the catalogue, or the raised need's own (`event`, for "a need is raised" only). */
export const draftCategories = ['event', ...supportCategories] as const;
/** The events whose facts name a need's category a draft can take. */
export const eventsWithNeedCategory: readonly AutomationEvent[] = ['need_raised'];

export const NAME_MAX = 100;
export const CONDITION_MAX = 2000;

/**
 * The facts a condition reads for each event, by name, with a sample value: the editor lists them, a
 * condition naming any other is refused, and the samples prove a condition runs before it is saved.
 * Categories, counts and ratings only: a rule never sees what anyone wrote.
 */
export const eventFacts: Record<AutomationEvent, Record<string, unknown>> = {
  checkin_recorded: { attended: true, wellbeing: 3, week: 1, format: 'in_person', needs: ['food'], urgentNeeds: 0 },
  need_raised: { category: 'food', urgency: 'urgent' },
  referral_overdue: { category: 'housing', urgency: 'urgent', sensitive: false },
  pulse_answered: { survey: 'belonging-pulse', overall: 3.4, belonging: 2, connectedness: 4.5, wellbeing: 3, safety: 4, answered: 5 },
  goal_due: { category: 'academic', targetDate: '2026-03-20', daysLate: 0 },
  indicator_band_changed: { indicator: 'attendance', from: 'watch', to: 'at-risk', worse: true },
};

export const checkinFacts = (c: RecordedCheckin) => ({
  attended: c.attended,
  wellbeing: c.wellbeing,
  week: c.week,
  format: c.format,
  needs: c.needs.map((n) => n.category),
  urgentNeeds: c.needs.filter((n) => n.urgency === 'urgent').length,
});

export const needFacts = (n: RaisedNeed) => ({ category: n.category, urgency: n.urgency });

export const bandFacts = (c: BandChange) => ({ indicator: c.indicator, from: c.from, to: c.to, worse: c.worse });

export const referralFacts = (r: OverdueReferral) => ({ category: r.category, urgency: r.urgency, sensitive: r.sensitive });

/** A goal still active on or past its target day (`daysLate`: calendar days since it). */
export const goalFacts = (g: DueGoal, today: string) => ({ category: g.category, targetDate: g.targetDate, daysLate: Math.round((Date.parse(today) - Date.parse(g.targetDate)) / 86_400_000) });

/** Scores 1-5 (reverse-scored where flagged, one decimal), null for a construct left unanswered. */
export const pulseFacts = (p: AnsweredPulse) => ({ survey: p.surveyId, overall: p.score.overall, ...p.score.constructs, answered: p.score.answered });

/** Every `var` name a JSON Logic expression reads, whole (`needs.0`, `student.grade-band`). */
function varsOf(logic: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(logic)) for (const item of logic) varsOf(item, out);
  else if (logic && typeof logic === 'object') {
    for (const [op, args] of Object.entries(logic)) {
      if (op === 'var') {
        const name = Array.isArray(args) ? args[0] : args;
        if (typeof name === 'string' && name !== '') out.add(name);
      }
      varsOf(args, out);
    }
  }
  return out;
}

/**
 * The facts of the student's own fields live under this name, for every event: `{"var": "student.<key>"}`
 * (JSON Logic's `var` walks into nested objects by the dots). No event has a fact of that name.
 */
export const STUDENT_FACTS = 'student';

/** A field on the student a condition may name: whether a rule may read it (`fact`: not words) and a value of its kind to try the condition on. */
export interface StudentFieldFact {
  key: string;
  label: string;
  fact: boolean;
  sample: unknown;
}

/** Whether a condition reads the student's own fields (then delivery and the dry run read them). */
export const readsStudentFields = (condition: unknown) => [...varsOf(condition)].some((name) => name.split('.')[0] === STUDENT_FACTS);

/** The student's fields as the samples a condition is tried on: only those a rule may read. */
const studentSamples = (fields: readonly StudentFieldFact[]) => Object.fromEntries(fields.filter((f) => f.fact).map((f) => [f.key, f.sample]));

/** Why a condition may not read this name, or null: a fact of the event, or a student's field a rule may read. */
function factProblem(name: string, event: AutomationEvent, fields: readonly StudentFieldFact[]): ConditionRefusal | null {
  const [first, key] = name.split('.');
  if (first !== STUDENT_FACTS) return first! in eventFacts[event] ? null : { error: 'automations.errors.conditionFact' };
  const field = fields.find((f) => f.key === key);
  if (!field) return { error: 'automations.errors.conditionStudentField', params: { key: key ?? '' } };
  if (!field.fact) return { error: 'automations.errors.conditionStudentText', params: { key: field.key, label: field.label } };
  return null;
}

/** A refused condition: a key of config/locales (automations.errors.*) and what it names. */
export interface ConditionRefusal {
  error: string;
  params?: Record<string, string>;
}

/**
 * The condition as typed: JSON, a JSON Logic expression (or `true`: always), reading only the event's
 * facts and the student's own fields a rule may read (`student.<key>`, of the school's document in force:
 * `studentFields`), and running on their samples (an unknown operation throws there).
 */
export function parseCondition(text: string, event: AutomationEvent, studentFields: readonly StudentFieldFact[] = []): ({ ok: true; logic: RulesLogic }) | ({ ok: false } & ConditionRefusal) {
  let logic: unknown;
  try {
    logic = JSON.parse(text);
  } catch {
    return { ok: false, error: 'automations.errors.conditionJson' };
  }
  if (logic !== true && !jsonLogic.is_logic(logic)) return { ok: false, error: 'automations.errors.conditionLogic' };
  for (const name of varsOf(logic)) {
    const problem = factProblem(name, event, studentFields);
    if (problem) return { ok: false, ...problem };
  }
  try {
    jsonLogic.apply(logic as RulesLogic, { ...eventFacts[event], [STUDENT_FACTS]: studentSamples(studentFields) });
  } catch {
    return { ok: false, error: 'automations.errors.conditionLogic' };
  }
  return { ok: true, logic: logic as RulesLogic };
}

/** Whether the condition holds for these facts; a condition that throws on them does not hold. */
export function holds(condition: unknown, facts: Record<string, unknown>): boolean {
  try {
    return Boolean(jsonLogic.truthy(jsonLogic.apply(condition as RulesLogic, facts)));
  } catch {
    return false;
  }
}

/** The rule form as posted. `edits`: the save count the editor read (blank for a new rule). */
export const ruleForm = z.object({
  name: z.string().trim().min(1, 'automations.errors.nameRequired').max(NAME_MAX, 'automations.errors.nameTooLong'),
  event: z.enum(automationEvents, 'automations.errors.event'),
  condition: z.string().trim().min(1, 'automations.errors.conditionJson').max(CONDITION_MAX, 'automations.errors.conditionTooLong'),
  action: z.enum(ruleActions, 'automations.errors.action'),
  audience: z.enum(alertAudiences, 'automations.errors.audience'),
  /** add_plan_action's step, as a person would write it on the goal; ignored by the other actions. */
  step: z.string().trim().max(goalLimits.step, 'automations.errors.stepTooLong').default(''),
  /** assign_navigator's adult (one of the school's staff the editor lists); ignored by the other actions. */
  navigator: z.union([z.literal(''), z.uuid('automations.errors.navigatorRequired')]).default(''),
  /** draft_referral's category; ignored by the other actions. */
  category: z.union([z.literal(''), z.enum(draftCategories, 'automations.errors.categoryRequired')]).default(''),
  maxPerHour: z.coerce.number('automations.errors.maxPerHour').int('automations.errors.maxPerHour').min(1, 'automations.errors.maxPerHour').max(1000, 'automations.errors.maxPerHour'),
  edits: z.union([z.literal(''), z.coerce.number().int().min(0)]).default(''),
}).superRefine((f, c) => {
  if (f.action === 'add_plan_action' && f.step.length < 2) c.addIssue({ code: 'custom', path: ['step'], message: 'automations.errors.stepRequired' });
  if (f.action === 'assign_navigator' && f.navigator === '') c.addIssue({ code: 'custom', path: ['navigator'], message: 'automations.errors.navigatorRequired' });
  if (f.action === 'draft_referral' && f.category === '') c.addIssue({ code: 'custom', path: ['category'], message: 'automations.errors.categoryRequired' });
  if (f.action === 'draft_referral' && f.category === 'event' && !eventsWithNeedCategory.includes(f.event)) c.addIssue({ code: 'custom', path: ['category'], message: 'automations.errors.categoryFromEvent' });
});
export type RuleForm = z.infer<typeof ruleForm>;

export const stateForm = z.object({ state: z.enum(['on', 'paused']) });
