/** Messages of field capture: observation identity, idempotent requests, plausibility checks,
 * the entry grid and role-aware pages, in Chinese and English. */
export const captureMessages = {
  'error.ObservationExists': {
    zh: '有 {count} 条观测已存在且数值不同，未保存任何内容；请修改已有记录，或作为“再记一次”（新的读数序号）保存',
    en: '{count} observation(s) already exist with a different value; nothing was saved. Correct the existing record, or save it as another reading (a new reading number)',
  },
  'error.IdempotencyKeyInvalid': { zh: 'Idempotency-Key 应为 1–200 个可见 ASCII 字符', en: 'Idempotency-Key must be 1–200 visible ASCII characters' },
  'error.IdempotencyKeyReused': { zh: '该 Idempotency-Key 已用于另一内容不同的请求；每个新请求请用新的键', en: 'This Idempotency-Key was already used for a different request; use a new key for each new request' },
  'error.IdempotencyKeyInProgress': { zh: '使用同一 Idempotency-Key 的请求仍在处理中，请稍后再试', en: 'A request with the same Idempotency-Key is still being processed; try again shortly' },
  'v.observationExists': {
    zh: '小区 {plot} 的 {variable}（{date}，第 {reading} 次读数）已记录为 {existing}（记录 #{id}），与提交的 {value} 不同',
    en: '{variable} of plot {plot} ({date}, reading {reading}) is already recorded as {existing} (record #{id}), not {value}',
  },
  'v.duplicateInBatch': {
    zh: '与第 {first} 行是同一观测（小区 {plot}、{variable}、{date}、第 {reading} 次读数）；若是再次测量，请填写不同的读数序号',
    en: 'is the same observation as row {first} (plot {plot}, {variable}, {date}, reading {reading}); for a repeated measurement give another reading number',
  },
  'v.reading': { zh: '读数序号应为 ≥ 1 的整数', en: 'the reading must be a whole number of at least 1' },
  'v.futureDate': { zh: '观测日期 {value} 晚于今天（{today}，{timezone}）', en: 'the observed-on date {value} is after today ({today}, {timezone})' },
  'v.beforePlanting': {
    zh: '{value} 早于小区 {plot} 的种植日期 {plantedOn}',
    en: '{value} is before plot {plot}\'s planting date {plantedOn}',
  },
  'v.futureValueDate': { zh: '日期 {value} 晚于今天（{today}，{timezone}）', en: 'the date {value} is after today ({today}, {timezone})' },
  'imp.col.reading': { zh: '读数', en: 'reading' },
  'common.noDate': { zh: '无日期', en: 'no date' },
} as const;
