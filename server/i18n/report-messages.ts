/**
 * The words of reports: flags, headlines and verdicts, the analysis-of-variance tables.
 * analysis/ returns codes and figures; these keys word them (spread into messages.ts).
 */
export const reportMessages = {
  // Flags raised by analysis/ (one key per code in analysis/flags.ts FLAGS)
  'flag.nTooSmall': {
    zh: '样本太少（每组至少需要2个小区，或至少2对、2个点），无法给出置信区间和P值',
    en: 'Too few values for a confidence interval or p-value (needs at least 2 plots per arm, 2 pairs, or 2 sites)',
  },
  'flag.zeroVariance': {
    zh: '数值没有变异，无法给出置信区间和P值',
    en: 'The values do not vary, so no confidence interval or p-value can be given',
  },
  'flag.nonPositiveValue': {
    zh: '处理或对照均值小于或等于0，无法计算百分比变化及其置信区间',
    en: 'An arm mean is zero or negative, so the percentage change and its interval cannot be computed',
  },
  'flag.percentCiUnbounded': {
    zh: '对照均值相对其变异过小，百分比变化的置信区间没有上限，未给出',
    en: 'The arm mean is too small against its spread: the interval for the percentage change has no upper bound and is not given',
  },
  'flag.missingPlantingDate': {
    zh: '有日期观测的小区缺少播种/定植日期，这些小区未纳入比较',
    en: 'Plots with a date observation but no planting date were left out of the comparison',
  },
  'flag.invalidValue': {
    zh: '有无法识别的观测值，相关小区未纳入比较',
    en: 'Plots with an unreadable observation value were left out of the comparison',
  },
  'flag.noControlArm': {
    zh: '试验没有对照组，无法比较',
    en: 'The trial has no control arm to compare with',
  },
  'flag.noTreatmentArm': {
    zh: '试验没有处理组，无法比较',
    en: 'The trial has no treatment arm to compare',
  },
  'flag.severalControlArms': {
    zh: '试验有多个对照组，只与第一个对照组比较',
    en: 'The trial has several control arms; comparisons use the first one',
  },
  'flag.noTreatmentValues': {
    zh: '该点处理组没有数据',
    en: 'No values for the treatment arm at this site',
  },
  'flag.noControlValues': {
    zh: '该点对照组没有数据',
    en: 'No values for the control arm at this site',
  },
  'flag.unpairedDropped': {
    zh: '有未配对的小区，未纳入配对比较',
    en: 'Plots without a partner in the same block were left out of the paired comparison',
  },
  'flag.noBlocks': {
    zh: '该点的小区没有区组，按非配对（Welch）比较',
    en: 'The plots at this site have no blocks, so they were compared unpaired (Welch)',
  },
  'flag.noPairs': {
    zh: '处理和对照没有同一区组的配对，无法比较',
    en: 'No block holds both arms, so no paired comparison is possible',
  },
  'flag.severalPlotsPerBlock': {
    zh: '同一区组内同一处理有多个小区，取其平均值',
    en: 'A block holds several plots of the same arm; their mean is used',
  },
  'flag.unlistedSite': {
    zh: '有数据属于不在本试验点列表中的点，未纳入比较',
    en: 'Values from a site not listed for the trial were left out',
  },
  'flag.unlistedArm': {
    zh: '有数据属于不在本试验处理列表中的处理，未纳入比较',
    en: 'Values from an arm not listed for the trial were left out',
  },
  'flag.noTarget': {
    zh: '项目未设定培训人次目标，无法计算完成比例',
    en: 'The project has no person-times target, so progress cannot be computed',
  },
  'flag.noDemoHouseholdTarget': {
    zh: '项目未设定示范户目标，无法计算完成比例',
    en: 'The project has no demonstration-household target, so progress cannot be computed',
  },
  'flag.unknownFarmer': {
    zh: '签到名单中有未登记的农户编号',
    en: 'A roster names a farmer who is not registered',
  },
  'flag.rosterLargerThanAttendance': {
    zh: '有培训的签到名单人数多于登记的参加人数',
    en: 'A session roster lists more farmers than its recorded attendance',
  },
  'flag.missingWomenCount': {
    zh: '有培训没有记录女性人数，女性人次为已记录场次之和',
    en: 'Some sessions have no count of women; women person-times sum the sessions that do',
  },
  'flag.tooFewArms': {
    zh: '有数据的处理少于2个，无法进行方差分析',
    en: 'Fewer than two arms have values, so no analysis of variance is possible',
  },
  'flag.noResidualDf': {
    zh: '数据太少，没有剩余自由度，无法进行方差分析',
    en: 'Too few values: no residual degrees of freedom for an analysis of variance',
  },
  'flag.invalidDate': {
    zh: '有培训日期无法识别，未计入按月统计',
    en: 'A session date is not a valid date and is left out of the monthly figures',
  },

  // Headlines (analysis/headline.ts statement codes); {name} is the variable's name
  'headline.earlier': { zh: '{name}提前{days}天', en: '{name} {days} days earlier' },
  'headline.earlierOne': { zh: '{name}提前1天', en: '{name} 1 day earlier' },
  'headline.later': { zh: '{name}推迟{days}天', en: '{name} {days} days later' },
  'headline.laterOne': { zh: '{name}推迟1天', en: '{name} 1 day later' },
  'headline.daysMixed': { zh: '{name}变化{low}至{high}天', en: '{name} {low} to {high} days' },
  'headline.noChangeDays': { zh: '{name}无变化（0天）', en: '{name}: no change (0 days)' },
  'headline.percentUp': { zh: '{name}增加{percent}%', en: '{name} +{percent}%' },
  'headline.percentDown': { zh: '{name}减少{percent}%', en: '{name} \u2212{percent}%' },
  'headline.noChangePercent': { zh: '{name}无变化（0%）', en: '{name}: no change (0%)' },
  'headline.deltaUp': { zh: '{name}增加{amount}{unit}', en: '{name} +{amount}{unit}' },
  'headline.deltaDown': { zh: '{name}减少{amount}{unit}', en: '{name} \u2212{amount}{unit}' },
  'headline.noChange': { zh: '{name}无变化', en: '{name}: no change' },
  'headline.noData': { zh: '{name}：没有可比较的数据', en: '{name}: no data to compare' },
  'headline.noControlArm': { zh: '{name}：没有对照组，无法比较', en: '{name}: no control arm to compare with' },
  'headline.noTreatmentArm': { zh: '{name}：没有处理组，无法比较', en: '{name}: no treatment arm to compare' },
  'headline.categories': { zh: '{name}：分类记录，见各组计数', en: '{name}: categories, see counts by arm' },
  'headline.texts': { zh: '{name}：文字记录{count}条', en: '{name}: {count} notes' },
  'headline.textsOne': { zh: '{name}：文字记录1条', en: '{name}: 1 note' },
  'qualifier.noCi': { zh: '没有置信区间，无法判断差异是否显著', en: 'no confidence interval, so significance cannot be judged' },
  'qualifier.notSignificant': { zh: '差异不显著（95%置信区间包含0）', en: 'not significant (95% CI includes 0)' },
  /** A headline quoted on its own line (home, project, exports) when it is not significant. */
  'headline.withQualifier': { zh: '{text}（{qualifier}）', en: '{text} ({qualifier})' },

  // Analysis of variance of multi-arm trials (spec §7)
  'anova.title': { zh: '多处理比较：方差分析与多重比较', en: 'Several arms: analysis of variance and mean separation' },
  'anova.explain': {
    zh: '各处理均值；同一列中字母相同的处理之间差异不显著（Tukey 检验，5%水平）。F 检验判断处理间是否有差异。',
    en: 'Arm means; within a column, arms sharing a letter do not differ (Tukey test, 5% level). The F test asks whether the arms differ at all.',
  },
  'anova.caption': { zh: '处理均值及字母标记', en: 'Arm means with letters' },
  'anova.arm': { zh: '处理', en: 'Arm' },
  'anova.allSites': { zh: '全部示范点（{count} 个）', en: 'All sites ({count})' },
  'anova.test': { zh: 'F 检验', en: 'F test' },
  'anova.line': { zh: 'F({df1}, {df2}) = {f}，p {p}', en: 'F({df1}, {df2}) = {f}, p {p}' },
  'anova.differ': { zh: '处理间差异显著', en: 'the arms differ' },
  'anova.notDiffer': { zh: '处理间差异不显著', en: 'not significant' },
  'anova.noTest': { zh: '无法检验', en: 'no test possible' },
  'anova.model.blocks': { zh: '模型：区组 + 处理', en: 'model: block + arm' },
  'anova.model.one-way': { zh: '模型：单因素（无区组）', en: 'model: one-way (no blocks)' },
  'anova.model.sites': { zh: '模型：示范点 + 处理（各点均值）', en: 'model: site + arm (site means)' },
  'anova.chartCaption': {
    zh: '{label}：各处理均值及 Tukey 比较区间（两区间不重叠即差异显著），右侧为字母标记',
    en: '{label}: arm means with Tukey comparison intervals (intervals that do not overlap differ), letters on the right',
  },
  'anova.axis': { zh: '均值（{unit}）', en: 'mean ({unit})' },

  'report.droppedPlots': { zh: '{count} 个小区未配对，未纳入', en: '{count} plots left out (no pair)' },
  'report.droppedPlotsOne': { zh: '1 个小区未配对，未纳入', en: '1 plot left out (no pair)' },

  // Training: distinct counts when some sessions have a head count only (spec §6)
  'training.atLeast': { zh: '≥ {value}（{count} 场仅记人数）', en: '≥ {value} ({count} sessions without a roster)' },
  'training.atLeastOne': { zh: '≥ {value}（1 场仅记人数）', en: '≥ {value} (1 session without a roster)' },

  // Differences in days, as words (server/web/format.ts daysWords)
  'days.noDifference': { zh: '无差别', en: 'no difference' },
  'days.earlier': { zh: '提前 {days} 天', en: '{days} days earlier' },
  'days.earlierOne': { zh: '提前 1 天', en: '1 day earlier' },
  'days.later': { zh: '推迟 {days} 天', en: '{days} days later' },
  'days.laterOne': { zh: '推迟 1 天', en: '1 day later' },
} as const;
