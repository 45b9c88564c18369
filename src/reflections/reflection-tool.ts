import path from 'node:path';
import { z } from 'zod';
import { ConfigError, projectRoot } from '../web/config.js';
import { loadDocument, loadOverlays, type WithTexts } from '../web/overlays.js';
import { evidenceCardKinds } from '../dashboards/evidence-cards.js';

/**
 * The Reflection and Action Planning Tool's content (issue 13, item 2), after the structure of seed
 * 002's district tool: per core component, guiding inquiries, each with its data sources and the
 * school team's look-fors, and the district team's reflection prompts. The words are ours, in
 * config/reflection-tool.json, with each other language's in its overlay (config/reflection-tool.<locale>.json,
 * src/web/overlays.ts). Keys are stable: ratings and reflections are stored against them.
 */

/** The four core components (seed 000), in the same words the Success Map's solutions use. */
export const reflectionComponents = ['relationships', 'data', 'improvement', 'mindsets'] as const;
export type ReflectionComponent = (typeof reflectionComponents)[number];

/** The live figures a team can attach to an inquiry as evidence: the school view's (src/dashboards/evidence-cards.ts). */
export { evidenceCardKinds, type EvidenceCardKind } from '../dashboards/evidence-cards.js';

/** The fixed scale a team rates each look-for on; the words are i18n keys (reflections.ratings.<key>). */
export const lookForRatings = ['not_started', 'emerging', 'in_place', 'strong'] as const;
export type LookForRating = (typeof lookForRatings)[number];

const text = z.string().trim().min(1).max(400);
/** A stable key: it names a stored rating, so it never changes once shipped. */
const key = /^[a-z][a-z-]*$/;
const keyed = <T extends z.ZodType>(value: T) => z.record(z.string().regex(key, 'keys are lower-case words joined by hyphens'), value).refine((r) => Object.keys(r).length > 0, 'needs at least one entry');

const inquirySchema = z
  .object({
    question: text,
    dataSources: keyed(text),
    lookFors: keyed(text),
    /** Cards the page offers first for this inquiry; any card may be attached. */
    evidenceCards: z.array(z.enum(evidenceCardKinds)),
  })
  .strict();

const componentSchema = z
  .object({
    title: z.string().trim().min(1).max(80),
    summary: z.string().trim().min(1).max(600),
    inquiries: keyed(inquirySchema),
    /** The district team's reflection prompts: the district reflects on what it does for its schools. */
    district: keyed(text),
  })
  .strict();

export const reflectionToolSchema = z
  .object({
    components: z.object(Object.fromEntries(reflectionComponents.map((c) => [c, componentSchema])) as Record<ReflectionComponent, typeof componentSchema>).strict(),
  })
  .strict();
export type ReflectionTool = z.infer<typeof reflectionToolSchema>;
export type ReflectionInquiry = z.infer<typeof inquirySchema>;

const mapValues = <T, U>(record: Record<string, T>, f: (value: T, key: string) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v, k)]));

/** Where the tool's words are: titles, summaries, questions, data sources, look-fors, district prompts. */
const toolTexts: WithTexts<ReflectionTool> = (doc, t) => ({
  components: mapValues(doc.components, (c, ck) => ({
    title: t(`components.${ck}.title`, c.title),
    summary: t(`components.${ck}.summary`, c.summary),
    inquiries: mapValues(c.inquiries, (q, qk) => {
      const at = `components.${ck}.inquiries.${qk}`;
      return {
        question: t(`${at}.question`, q.question),
        dataSources: mapValues(q.dataSources, (s, sk) => t(`${at}.dataSources.${sk}`, s)),
        lookFors: mapValues(q.lookFors, (l, lk) => t(`${at}.lookFors.${lk}`, l)),
        evidenceCards: q.evidenceCards,
      };
    }),
    district: mapValues(c.district, (d, dk) => t(`components.${ck}.district.${dk}`, d)),
  })) as ReflectionTool['components'],
});

/** Every look-for of a component as `<inquiry>.<look-for>`: the key a rating is stored under. */
export function lookForKeys(tool: ReflectionTool, component: ReflectionComponent): string[] {
  return Object.entries(tool.components[component].inquiries).flatMap(([qk, q]) => Object.keys(q.lookFors).map((lk) => `${qk}.${lk}`));
}

/** The tool in every locale the app speaks, checked at start: every problem named at once. */
export function loadReflectionTools(locales: readonly string[], file = path.join(projectRoot, 'config', 'reflection-tool.json')): Record<string, ReflectionTool> {
  const base = loadDocument(file, reflectionToolSchema);
  const { docs, problems } = loadOverlays({ base, baseFile: file, locales, withTexts: toolTexts, schema: reflectionToolSchema });
  if (problems.length > 0) throw new ConfigError(problems);
  return docs;
}
