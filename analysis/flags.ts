/**
 * Every flag code the analysis layer can raise: shown next to a figure that is missing or
 * qualified. The words for people are in the server's catalogue under `flag.<code>`
 * (server/i18n/zh.ts, en.ts, ug.ts); analysis/ returns codes only.
 */
export const FLAGS = [
  'nTooSmall',
  'zeroVariance',
  'nonPositiveValue',
  'percentCiUnbounded',
  'missingPlantingDate',
  'invalidValue',
  'noControlArm',
  'noTreatmentArm',
  'severalControlArms',
  'noTreatmentValues',
  'noControlValues',
  'unpairedDropped',
  'noBlocks',
  'noPairs',
  'severalPlotsPerBlock',
  'unlistedSite',
  'unlistedArm',
  'noTarget',
  'noDemoHouseholdTarget',
  'unknownFarmer',
  'rosterLargerThanAttendance',
  'missingWomenCount',
  'tooFewArms',
  'noResidualDf',
  'invalidDate',
] as const;

/** A flag code, camelCase, as found in `flags` arrays. */
export type Flag = (typeof FLAGS)[number];
