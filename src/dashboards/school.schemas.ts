import { z } from 'zod';

/** What the tiers table groups students by: grade, advisory, or one of the subgroup dimensions (src/schools/groups.ts). */
export const groupingKeys = ['grade', 'advisory', 'english_learner', 'iep_504', 'frl', 'race_ethnicity', 'sex'] as const;
export type GroupingKey = (typeof groupingKeys)[number];
export const isGroupingKey = (g: string): g is GroupingKey => (groupingKeys as readonly string[]).includes(g);

/** A student's field of the school's own (src/custom-fields: pick one, yes/no) as a grouping: `field.<key>`. */
export type FieldGrouping = `field.${string}`;
export type ViewGrouping = GroupingKey | FieldGrouping;
const fieldGrouping = z.custom<FieldGrouping>((v) => typeof v === 'string' && /^field\.[a-z0-9-]{1,60}$/.test(v));
/** The field's key of a field grouping, else null. */
export const fieldKeyOf = (g: string): string | null => (fieldGrouping.safeParse(g).success ? g.slice('field.'.length) : null);

export const schoolViewQuery = z.object({ group: z.union([z.enum(groupingKeys), fieldGrouping]).default('grade') });
