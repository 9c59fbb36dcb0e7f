export { daysBetween, epochDay, isIsoDate } from './dates.js';
export {
  aggregatePlotValues,
  effectiveAggregation,
  type Aggregation,
  type ObservationRow,
  type PlotRef,
  type PlotValue,
  type PlotValueFlag,
  type VariableKind,
} from './plot-values.js';
export { tCdf, tQuantile, twoSidedP } from './t-dist.js';
export type { ArmComparison, Interval } from './arm-comparison.js';
export { compareUnpaired } from './welch.js';
export { comparePaired, type BlockValue, type PairedComparison } from './paired.js';
export { compareAcrossSites, type AcrossSites, type SiteEffect } from './across-sites.js';
export { writeHeadline, type Headline, type HeadlineInput, type HeadlineQualifier, type HeadlineStatement } from './headline.js';
export { tallyCategories, tallyCategoryCells, type ArmCategories, type CategoryCount, type CategoryTable } from './categories.js';
export {
  buildComparisons,
  type Comparison,
  type Design,
  type ReportArm,
  type ReportCellInput,
  type ReportInput,
  type ReportPlotValue,
  type ReportSite,
  type ReportVariable,
  type SiteComparison,
  type TextEntry,
} from './report.js';
export { reportCells, type CellPlotValue, type ReportCell } from './report-cells.js';
export { FLAGS, type Flag } from './flags.js';
export { analyseVariance, comparisonIntervals, type AnovaArm, type AnovaModel, type AnovaTable, type AnovaValue, type TukeyPair } from './anova.js';
export { buildAnova, type OverallAnova, type SiteAnova, type VariableAnova } from './multi-arm.js';
export { compactLetters } from './letters.js';
export { studentizedRangeQuantile, studentizedRangeUpper } from './studentized-range.js';
export {
  summarizeTraining,
  type SessionKind,
  type TrainingFarmer,
  type TrainingFigures,
  type TrainingInput,
  type TrainingSession,
  type TrainingSummary,
} from './training.js';
export { programmeSentences, CATEGORIES, OUTPUT_KINDS, type Category, type OutputKind, type ProgrammeCounts, type Sentences } from './programme-summary.js';
