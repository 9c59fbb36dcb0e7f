/** A human sentence for a flag, in Chinese and English. */
export interface FlagMessage {
  zh: string;
  en: string;
}

const messages = {
  nTooSmall: {
    zh: '样本太少（每组至少需要2个小区，或至少2对、2个点），无法给出置信区间和P值',
    en: 'Too few values for a confidence interval or p-value (needs at least 2 plots per arm, 2 pairs, or 2 sites)',
  },
  zeroVariance: {
    zh: '数值没有变异，无法给出置信区间和P值',
    en: 'The values do not vary, so no confidence interval or p-value can be given',
  },
  nonPositiveValue: {
    zh: '存在小于或等于0的数值，无法计算百分比变化及其置信区间',
    en: 'A value is zero or negative, so the percentage change and its interval cannot be computed',
  },
  missingPlantingDate: {
    zh: '有日期观测的小区缺少播种/定植日期，这些小区未纳入比较',
    en: 'Plots with a date observation but no planting date were left out of the comparison',
  },
  invalidValue: {
    zh: '有无法识别的观测值，相关小区未纳入比较',
    en: 'Plots with an unreadable observation value were left out of the comparison',
  },
  noControlArm: {
    zh: '试验没有对照组，无法比较',
    en: 'The trial has no control arm to compare with',
  },
  noTreatmentArm: {
    zh: '试验没有处理组，无法比较',
    en: 'The trial has no treatment arm to compare',
  },
  severalControlArms: {
    zh: '试验有多个对照组，只与第一个对照组比较',
    en: 'The trial has several control arms; comparisons use the first one',
  },
  noTreatmentValues: {
    zh: '该点处理组没有数据',
    en: 'No values for the treatment arm at this site',
  },
  noControlValues: {
    zh: '该点对照组没有数据',
    en: 'No values for the control arm at this site',
  },
  unpairedDropped: {
    zh: '有未配对的小区，未纳入配对比较',
    en: 'Plots without a partner in the same block were left out of the paired comparison',
  },
  noPairs: {
    zh: '处理和对照没有同一区组的配对，无法比较',
    en: 'No block holds both arms, so no paired comparison is possible',
  },
  severalPlotsPerBlock: {
    zh: '同一区组内同一处理有多个小区，取其平均值',
    en: 'A block holds several plots of the same arm; their mean is used',
  },
  unlistedSite: {
    zh: '有数据属于不在本试验点列表中的点，未纳入比较',
    en: 'Values from a site not listed for the trial were left out',
  },
  unlistedArm: {
    zh: '有数据属于不在本试验处理列表中的处理，未纳入比较',
    en: 'Values from an arm not listed for the trial were left out',
  },
  noTarget: {
    zh: '项目未设定培训人次目标，无法计算完成比例',
    en: 'The project has no person-times target, so progress cannot be computed',
  },
  noDemoHouseholdTarget: {
    zh: '项目未设定示范户目标，无法计算完成比例',
    en: 'The project has no demonstration-household target, so progress cannot be computed',
  },
  unknownFarmer: {
    zh: '签到名单中有未登记的农户编号',
    en: 'A roster names a farmer who is not registered',
  },
  rosterLargerThanAttendance: {
    zh: '有培训的签到名单人数多于登记的参加人数',
    en: 'A session roster lists more farmers than its recorded attendance',
  },
  missingWomenCount: {
    zh: '有培训没有记录女性人数，女性人次为已记录场次之和',
    en: 'Some sessions have no count of women; women person-times sum the sessions that do',
  },
  tooFewArms: {
    zh: '有数据的处理少于2个，无法进行方差分析',
    en: 'Fewer than two arms have values, so no analysis of variance is possible',
  },
  noResidualDf: {
    zh: '数据太少，没有剩余自由度，无法进行方差分析',
    en: 'Too few values: no residual degrees of freedom for an analysis of variance',
  },
  invalidDate: {
    zh: '有培训日期无法识别，未计入按月统计',
    en: 'A session date is not a valid date and is left out of the monthly figures',
  },
} as const satisfies Record<string, FlagMessage>;

/** Every flag code the analysis layer can raise. */
export type Flag = keyof typeof messages;

/**
 * What each flag code means, for people: shown next to a figure that is missing or
 * qualified. Keys are the camelCase codes found in `flags` arrays.
 * @example flagMessages.nTooSmall.en // => 'Too few values for a confidence interval ...'
 */
export const flagMessages: Readonly<Record<string, FlagMessage>> = messages;
