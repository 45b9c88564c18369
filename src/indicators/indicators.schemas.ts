import path from 'node:path';
import { z } from 'zod';
import { ConfigError, projectRoot } from '../web/config.js';
import type { Locale } from '../web/i18n.js';
import { loadDocument, loadOverlays, type WithTexts } from '../web/overlays.js';
import { formText } from '../web/forms.js';

/**
 * Indicators, bands and tier rules as data (config/indicators.json), checked at start like the other
 * config documents: every problem at once, the app does not start on a broken file. Band labels are the
 * document's only words; other languages have theirs in config/indicators.<locale>.json
 * (`{"bands": {<band id>: label}}`). Reasons and the student's own view are i18n texts
 * (config/locales/<lang>/indicators.json), filled with the numbers computed here.
 */
export const indicatorNames = ['attendance', 'behaviour', 'grades', 'wellbeing'] as const;
export type IndicatorName = (typeof indicatorNames)[number];

const percent = z.number().min(0).max(100);
const bandId = z.string().regex(/^[a-z0-9-]{1,40}$/, 'band ids are lowercase letters, digits and dashes');

/**
 * How a value falls into the bands, best band first: `atLeast: [95, 90, 80]` puts 96 in the first band,
 * 92 in the second, 85 in the third and anything lower in the last; `atMost: [0, 2, 5]` puts 0 in the
 * first, 1.5 in the second, 4 in the third, 6 in the last. One threshold fewer than there are bands.
 */
const thresholds = z.union([z.object({ atLeast: z.array(z.number()).min(1) }).strict(), z.object({ atMost: z.array(z.number()).min(1) }).strict()]);
export type Thresholds = z.infer<typeof thresholds>;

const condition = z.discriminatedUnion('is', [
  /** The indicator's recent value falls in one of these bands. */
  z.object({ is: z.literal('band'), indicator: z.enum(indicatorNames), bands: z.array(bandId).min(1) }).strict(),
  /** Missing the chronic-absence share of days both this school year and in the recent window (a student who has recovered is not flagged). */
  z.object({ is: z.literal('chronicAbsence') }).strict(),
  /** Suspended this many days or more in the recent window. */
  z.object({ is: z.literal('suspension'), atLeastDays: z.number().positive() }).strict(),
  /** This many courses or more with a recent current score below `grades.failingBelow`. */
  z.object({ is: z.literal('coursesFailing'), atLeast: z.number().int().min(1) }).strict(),
  /** This many indicators or more in these bands at once. */
  z.object({ is: z.literal('indicatorsInBands'), bands: z.array(bandId).min(1), atLeast: z.number().int().min(2).max(indicatorNames.length) }).strict(),
]);
export type TierCondition = z.infer<typeof condition>;

const tierRule = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,60}$/, 'rule ids are lowercase letters, digits and dashes'),
    tier: z.union([z.literal(2), z.literal(3)]),
    when: condition,
  })
  .strict();
export type TierRule = z.infer<typeof tierRule>;

export const indicatorConfigSchema = z
  .object({
    /** A student's data changing starts a recompute this long after (changes meanwhile join it): the caseload is at most this stale. */
    recomputeDebounceSeconds: z.number().int().min(0).max(3600),
    /** Only this window raises a flag; a window with fewer school days (days with an attendance record) than minSchoolDays raises none. */
    recent: z.object({ days: z.number().int().min(7).max(365), minSchoolDays: z.number().int().min(1).max(365) }).strict(),
    /** Best first. */
    bands: z.array(z.object({ id: bandId, label: z.string().trim().min(1).max(60) }).strict()).min(2).max(6),
    attendance: z
      .object({
        /** Statuses that count as attending; the others count as missed days. */
        attended: z.array(z.enum(['present', 'absent', 'tardy', 'excused'])).min(1),
        bands: thresholds,
        /** Missing this share of school days or more is chronic absence. */
        chronicAbsencePercent: percent,
      })
      .strict(),
    /** Bands of the % of school days with an incident. */
    behaviour: z.object({ bands: thresholds }).strict(),
    grades: z
      .object({
        failingBelow: percent,
        /** Bands of the lowest current score. */
        bands: thresholds,
        /** A current score's points on a 4-point scale: the first step it reaches. */
        gpa: z.array(z.object({ atLeast: z.number().min(0), points: z.number().min(0).max(5) }).strict()).min(2),
      })
      .strict(),
    /** Bands of the average check-in well-being rating (1-5) in the recent window. */
    wellbeing: z.object({ bands: thresholds }).strict(),
    tiers: z.object({ rules: z.array(tierRule) }).strict(),
  })
  .strict()
  .superRefine((doc, c) => {
    const ids = doc.bands.map((b) => b.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) c.addIssue({ code: 'custom', path: ['bands', i, 'id'], message: `band id ${id} is used twice` });
    });
    for (const name of indicatorNames) {
      const t = doc[name].bands;
      const values = 'atLeast' in t ? t.atLeast : t.atMost;
      const key = 'atLeast' in t ? 'atLeast' : 'atMost';
      if (values.length !== doc.bands.length - 1) c.addIssue({ code: 'custom', path: [name, 'bands', key], message: `needs ${doc.bands.length - 1} thresholds (one fewer than the ${doc.bands.length} bands), has ${values.length}` });
      const ordered = values.every((v, i) => i === 0 || ('atLeast' in t ? v < values[i - 1]! : v > values[i - 1]!));
      if (!ordered) c.addIssue({ code: 'custom', path: [name, 'bands', key], message: `${key} thresholds must ${'atLeast' in t ? 'fall' : 'rise'} from the best band to the worst` });
    }
    const gpa = doc.grades.gpa;
    if (!gpa.every((s, i) => i === 0 || (s.atLeast < gpa[i - 1]!.atLeast && s.points <= gpa[i - 1]!.points))) c.addIssue({ code: 'custom', path: ['grades', 'gpa'], message: 'gpa steps go from the highest score down' });
    if (gpa.at(-1)!.atLeast !== 0) c.addIssue({ code: 'custom', path: ['grades', 'gpa'], message: 'the last gpa step starts at 0, so every score has points' });
    if (doc.recent.minSchoolDays > doc.recent.days) c.addIssue({ code: 'custom', path: ['recent', 'minSchoolDays'], message: 'cannot exceed recent.days' });
    const seen = new Set<string>();
    doc.tiers.rules.forEach((r, i) => {
      if (seen.has(r.id)) c.addIssue({ code: 'custom', path: ['tiers', 'rules', i, 'id'], message: `rule id ${r.id} is used twice` });
      seen.add(r.id);
      if ('bands' in r.when) {
        for (const b of r.when.bands) if (!ids.includes(b)) c.addIssue({ code: 'custom', path: ['tiers', 'rules', i, 'when', 'bands'], message: `unknown band ${b} (known: ${ids.join(', ')})` });
      }
    });
  });
export type IndicatorConfig = z.infer<typeof indicatorConfigSchema>;

const configFile = path.join(projectRoot, 'config', 'indicators.json');

/** Read and check the document; every problem is reported at once. */
export function loadIndicatorConfig(file = configFile): IndicatorConfig {
  return loadDocument(file, indicatorConfigSchema);
}

const indicatorTexts: WithTexts<IndicatorConfig> = (doc, text) => ({ ...doc, bands: doc.bands.map((b) => ({ ...b, label: text(`bands.${b.id}`, b.label) })) });

/** The document in every language the tool speaks: the same thresholds and rules, each language's band labels. */
export function loadIndicatorConfigIn(locales: readonly Locale[], file = configFile): Record<Locale, IndicatorConfig> {
  const { docs, problems } = loadOverlays({ base: loadIndicatorConfig(file), baseFile: file, locales, withTexts: indicatorTexts, schema: indicatorConfigSchema });
  if (problems.length > 0) throw new ConfigError(problems);
  return docs;
}

/** What a family member sees of their child's indicators: nothing, the numbers (no bands, reasons or tier), or the numbers, bands and trends (never the tier). */
export const familyViews = ['none', 'summary', 'full'] as const;
export type FamilyView = (typeof familyViews)[number];
export const defaultFamilyView: FamilyView = 'summary';

/** Confirm or override the suggested tier; a reason is required when the tier differs from the suggestion (the service knows it). */
export const tierDecisionForm = z.object({
  tier: z.enum(['1', '2', '3'], { message: 'indicators.errors.tier' }).transform((v) => Number(v) as 1 | 2 | 3),
  // Line breaks counted as the browser's maxlength counts them (src/web/forms.ts formText).
  reason: formText(1000, 'indicators.errors.reasonTooLong').optional().transform((v) => v ?? ''),
});
export type TierDecisionInput = z.infer<typeof tierDecisionForm>;

export const indicatorSettingsForm = z.object({ familyView: z.enum(familyViews, { message: 'indicators.errors.familyView' }) });
