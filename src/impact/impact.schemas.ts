import { z } from 'zod';
import { supportCategories } from '../supports/supports.schemas.js';

export const impactPeriods = ['year', 'last90'] as const;
export type ImpactPeriod = (typeof impactPeriods)[number];

/** The page's filters: the period (school year to date by default), one strategy (support category) or all, one of the reader's schools or all of theirs. */
export const impactQuery = z.object({
  period: z.enum(impactPeriods).catch('year'),
  category: z.enum(supportCategories).or(z.literal('')).catch(''),
  school: z.uuid().or(z.literal('')).catch(''),
});
export type ImpactQuery = z.infer<typeof impactQuery>;

/** School days in each window before and after a student's first day of service. */
export const defaultWindowDays = 20;
/** Calendar days the "last 90 days" period reaches back. */
export const recentPeriodDays = 90;
