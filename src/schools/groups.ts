import { t, type Locale } from '../web/i18n.js';

/**
 * The subgroups a student may belong to, for disaggregated views (grade level is the enrolment's, not a
 * group). One row per student and dimension in student_groups; no row means "not recorded". Labels
 * are i18n keys `schools.groups.<dimension>.label` and `schools.groups.<dimension>.values.<value>`.
 */
export const groupDimensions = {
  /** OneRoster demographics' `sex`. */
  sex: ['male', 'female', 'other', 'unspecified'],
  /** OneRoster demographics' race and ethnicity flags as one value (raceEthnicityOf). */
  race_ethnicity: ['hispanic_latino', 'two_or_more', 'american_indian_alaska_native', 'asian', 'black_african_american', 'native_hawaiian_pacific_islander', 'white'],
  /** The programs file (README.md beside this file). */
  english_learner: ['yes', 'no'],
  iep_504: ['yes', 'no'],
  frl: ['yes', 'no'],
} as const satisfies Record<string, readonly string[]>;

export type GroupDimension = keyof typeof groupDimensions;
export const dimensions = Object.keys(groupDimensions) as GroupDimension[];
export const programDimensions = ['english_learner', 'iep_504', 'frl'] as const satisfies readonly GroupDimension[];

export const dimensionLabel = (dimension: GroupDimension, locale?: Locale) => t(`schools.groups.${dimension}.label`, {}, locale);
export const groupValueLabel = (dimension: GroupDimension, value: string, locale?: Locale) => t(`schools.groups.${dimension}.values.${value}`, {}, locale);

/** OneRoster's race columns, each the value it gives alone. */
const raceColumns = {
  americanIndianOrAlaskaNative: 'american_indian_alaska_native',
  asian: 'asian',
  blackOrAfricanAmerican: 'black_african_american',
  nativeHawaiianOrOtherPacificIslander: 'native_hawaiian_pacific_islander',
  white: 'white',
} as const;
export const oneRosterRaceColumns = Object.keys(raceColumns) as (keyof typeof raceColumns)[];

/**
 * A OneRoster demographics row's race and ethnicity as one value: hispanic_latino when
 * hispanicOrLatinoEthnicity is true, else two_or_more when several races are true or
 * demographicRaceTwoOrMoreRaces is, else the one race that is true; undefined when none is (unknown).
 */
export function raceEthnicityOf(flags: Partial<Record<keyof typeof raceColumns | 'hispanicOrLatinoEthnicity' | 'demographicRaceTwoOrMoreRaces', boolean>>): string | undefined {
  if (flags.hispanicOrLatinoEthnicity) return 'hispanic_latino';
  const races = oneRosterRaceColumns.filter((c) => flags[c]);
  if (flags.demographicRaceTwoOrMoreRaces || races.length > 1) return 'two_or_more';
  return races.length === 1 ? raceColumns[races[0]!] : undefined;
}
