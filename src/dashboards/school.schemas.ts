import { z } from 'zod';

/** What the tiers table groups students by: grade, advisory, or one of the subgroup dimensions (src/schools/groups.ts). */
export const groupingKeys = ['grade', 'advisory', 'english_learner', 'iep_504', 'frl', 'race_ethnicity', 'sex'] as const;
export type GroupingKey = (typeof groupingKeys)[number];

export const schoolViewQuery = z.object({ group: z.enum(groupingKeys).default('grade') });
