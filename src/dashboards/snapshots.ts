import { addDays } from '../web/days.js';
import { weekdayOf } from '../calendar/business-days.js';
import { coverageOf, referralFigures, tierColumns, type Coverage } from './school-figures.js';
import type { SchoolFacts } from './school-facts.js';

/** What a school's weekly snapshot keeps: counts over the whole school, never a student. */
export interface SnapshotFigures {
  coverage: Coverage;
  /** Students at each tier, and not yet tiered. */
  tiers: Record<(typeof tierColumns)[number], number>;
  /** Students with an open need, per category. */
  needs: Record<string, number>;
  /** Referrals made this school year: how many, answered, answered within the standard, overdue now. */
  referrals: { made: number; responded: number; respondedOnTime: number; overdue: number };
}

/** The Monday of the week a school day falls in. */
export const weekStartOf = (day: string): string => addDays(day, -((weekdayOf(day) + 6) % 7));

export function snapshotOf(facts: SchoolFacts, cadenceDays: number): SnapshotFigures {
  const tiers = Object.fromEntries(tierColumns.map((c) => [c, 0])) as SnapshotFigures['tiers'];
  const needs: Record<string, number> = {};
  for (const s of facts.students) {
    tiers[s.tier === null ? 'none' : (String(s.tier) as '1' | '2' | '3')]++;
    for (const n of s.needs) needs[n.category] = (needs[n.category] ?? 0) + 1;
  }
  const referrals = { made: 0, responded: 0, respondedOnTime: 0, overdue: 0 };
  for (const r of referralFigures(facts.referrals, facts.now)) {
    referrals.made += r.made;
    referrals.responded += r.responded;
    referrals.respondedOnTime += r.respondedOnTime;
    referrals.overdue += r.overdue;
  }
  return { coverage: coverageOf(facts.students, facts.today, cadenceDays), tiers, needs, referrals };
}
