import type { VariableRow } from '../../db/database.js';
import { halfWidth } from './cells.js';

/** The fields a column can stand for, by import kind. */
export type ObservationField = 'plot' | 'plotId' | 'variable' | 'value' | 'observedOn' | 'reading' | 'notes' | 'recordedBy' | 'site' | 'arm' | 'block' | 'ignore';
export type TrainingField = 'heldOn' | 'kind' | 'topic' | 'site' | 'village' | 'trainer' | 'attendance' | 'women' | 'attendees' | 'notes' | 'ignore';

/**
 * A header as compared: full-width forms folded (（ → (, ² → 2), lower case, without spaces,
 * underscores and hyphens. "Observed on", "observed_on" and "observedOn" are one header.
 */
export function headerKey(h: string): string {
  return halfWidth(h).toLowerCase().replace(/[\s_\-·]+/g, '');
}

/** Columns of Field Book's database export kept with each observation (in its notes). */
export const FIELD_BOOK_EXTRAS = ['device_name', 'attached_photo', 'attached_video', 'attached_audio'];

const INFO = ['序号', 'no', 'no.', '#', '单位', 'unit', 'location', 'number', 'rep', 'plot_number'];

function table<F extends string>(entries: Record<F, string[]>): Map<string, F> {
  const m = new Map<string, F>();
  for (const [field, names] of Object.entries(entries) as [F, string[]][]) for (const n of names) m.set(headerKey(n), field);
  return m;
}

const SITE = ['示范点', '地点', '试验点', 'site'];
const ARM = ['处理', 'arm', 'treatment'];
const BLOCK = ['区组', 'block'];
const NOTES = ['备注', '说明', 'notes', 'note', 'remarks'];
const PLOT = ['小区', '小区编号', '小区号', 'plot', 'plot label', 'label'];
const AREA = ['面积', '面积(m2)', '面积(平方米)', '面积m2', '小区面积', 'area', 'area_m2', 'area(m2)'];
const PLANTED = ['定植日期', '播种日期', '种植日期', '栽植日期', '接种日期', 'planted_on', 'planting date', 'planted'];

export const OBSERVATION_COLUMNS = table<ObservationField>({
  plot: PLOT,
  plotId: ['plot_id'],
  variable: ['指标', '指标编码', '指标代码', '观测指标', 'variable', 'variable code', 'trait'],
  value: ['数值', '值', '观测值', 'value'],
  observedOn: ['观测日期', '日期', 'observed_on', 'date', 'timestamp'],
  reading: ['读数', '读数序号', '第几次读数', 'reading'],
  notes: NOTES,
  recordedBy: ['记录人', '观测人', 'recorded_by', 'person'],
  site: SITE,
  arm: ARM,
  block: BLOCK,
  // The plot's layout, shown beside its observations, is informational here; Field Book's
  // number, device and attachment columns are read by name in its shape.
  ignore: [...INFO, ...AREA, ...PLANTED, ...FIELD_BOOK_EXTRAS],
});

/**
 * The plot fields a column of a plot file can be read as (the plots API's names), or
 * `ignore`: the column is read past. A column maps to one field, a field to one column.
 */
export const PLOT_TARGETS = ['label', 'site', 'arm', 'block', 'plantedOn', 'areaM2', 'row', 'column', 'notes', 'ignore'] as const;
export type PlotTarget = (typeof PLOT_TARGETS)[number];

/**
 * Header names of each plot field, in ranks: a column of the first rank the file has is
 * proposed, columns of later ranks are then proposed as ignored (`plot` before `plot_name`
 * before `plot_id`, so a Field Book field file exported here reads its label from `plot`).
 */
const PLOT_NAMES: Record<Exclude<PlotTarget, 'ignore'>, string[][]> = {
  label: [PLOT, ['plot_name', '小区名称'], ['plot_id', '小区id']],
  site: [SITE],
  arm: [ARM],
  block: [BLOCK, ['rep', 'replicate', 'replication', '重复']],
  plantedOn: [PLANTED],
  areaM2: [AREA],
  row: [['row', '行', '行号', '田间行']],
  column: [['column', 'col', '列', '列号', '田间列']],
  notes: [NOTES],
};
const PLOT_RANKS = new Map<string, { field: PlotTarget; rank: number }>();
for (const [field, ranks] of Object.entries(PLOT_NAMES) as [PlotTarget, string[][]][]) {
  ranks.forEach((names, rank) => names.forEach((n) => PLOT_RANKS.set(headerKey(n), { field, rank })));
}

/**
 * The mapping proposed for a plot file's header keys, one field per column: known names
 * and their Chinese and English synonyms; any other column is ignored. Two columns of a
 * field's best rank are both proposed (the check then names the second).
 * @example proposePlotMapping(['plotid', 'row', 'column', 'pedigree', 'rep']) // => ['label', 'row', 'column', 'ignore', 'block']
 */
export function proposePlotMapping(keys: string[]): PlotTarget[] {
  const found = keys.map((k) => PLOT_RANKS.get(k));
  const best = new Map<PlotTarget, number>();
  for (const f of found) if (f && (best.get(f.field) ?? Infinity) > f.rank) best.set(f.field, f.rank);
  return found.map((f) => (f && best.get(f.field) === f.rank ? f.field : 'ignore'));
}

export const TRAINING_COLUMNS = table<TrainingField>({
  heldOn: ['日期', '培训日期', '举办日期', 'held_on', 'date'],
  kind: ['类型', '形式', '培训类型', 'kind', 'type'],
  topic: ['主题', '培训主题', '培训内容', '内容', 'topic'],
  site: SITE,
  village: ['村', '村庄', '地点(村)', 'village'],
  trainer: ['培训人', '授课人', '讲师', '主讲', 'trainer'],
  attendance: ['参加人数', '人数', '培训人数', 'attendance'],
  women: ['女性人数', '女性', '其中女性', 'women'],
  attendees: ['签到名单', '参加农户', '名单', 'attendees', 'roster'],
  notes: NOTES,
  ignore: INFO,
});

/** The words that make a column an observed-on date column, alone or after a value column's header. */
const DATE_WORDS = ['观测日期', '日期', 'observed_on', 'observed on', 'date'].map(headerKey);

/** True when the header is a shared observed-on date column ("观测日期", "date"). */
export function isSharedDateHeader(h: string): boolean {
  return DATE_WORDS.includes(headerKey(h));
}

/** For "产量(第1次) 观测日期" the value column header it belongs to ("产量(第1次)"), else undefined. */
export function dateColumnBase(h: string): string | undefined {
  const key = headerKey(h);
  if (DATE_WORDS.includes(key)) return undefined;
  for (const w of DATE_WORDS) {
    if (key.length > w.length && key.endsWith(w)) return key.slice(0, -w.length).replace(/[:：]$/, '');
  }
  return undefined;
}

/**
 * Strips a repeat marker from a wide sheet's value column header: "产量(第2次)", "产量（2）",
 * "产量第2次", "yield_kg_per_mu.2", "yield#2" all name the variable "产量"/"yield…".
 */
export function stripRepeat(h: string): string | undefined {
  const s = halfWidth(h);
  const m = /^(.*?)\s*(?:\.(\d+)|#(\d+)|\(\s*(?:第\s*)?(\d+)\s*次?\s*\)|第\s*(\d+)\s*次)$/.exec(s);
  return m && m[1] ? m[1] : undefined;
}

/** Splits "产量(kg/亩)" into the name and the unit in brackets. */
function splitUnit(h: string): [string, string] | undefined {
  const m = /^(.*?)\s*\(\s*([^()]+?)\s*\)$/.exec(halfWidth(h));
  return m && m[1] ? [m[1], m[2]] : undefined;
}

export type VariableMatch = { variable: VariableRow } | { key: 'v.variableNotInTrial' | 'v.unknownVariable' | 'imp.ambiguousVariable'; params: Record<string, string> };

/**
 * Finds a trial's variable from what a sheet calls it: its code, its Chinese or English
 * name (case and width folded), optionally followed by its unit in brackets ("产量(kg/亩)").
 * A name two variables share is refused, never picked. Results are cached per text.
 */
export function variableResolver(trialVariables: VariableRow[], catalogue: VariableRow[]) {
  const cache = new Map<string, VariableMatch>();
  const fold = (s: string) => halfWidth(s).toLowerCase();
  const byName = (vars: VariableRow[], text: string) => {
    const exact = vars.filter((v) => v.code === text);
    if (exact.length) return exact;
    const t = fold(text);
    return vars.filter((v) => fold(v.code) === t || fold(v.name) === t || (v.nameEn !== null && fold(v.nameEn) === t));
  };
  const find = (vars: VariableRow[], text: string): VariableRow[] => {
    const direct = byName(vars, text);
    if (direct.length) return direct;
    const split = splitUnit(text);
    if (!split) return [];
    return byName(vars, split[0]).filter((v) => v.unit !== null && fold(v.unit) === fold(split[1]));
  };
  return (text: string, opts: { repeats?: boolean } = {}): VariableMatch => {
    const cacheKey = `${opts.repeats ? 'r' : ''}:${text}`;
    const hit = cache.get(cacheKey);
    if (hit) return hit;
    const candidates = [text];
    if (opts.repeats) {
      const base = stripRepeat(text);
      if (base) candidates.push(base);
    }
    let out: VariableMatch | undefined;
    for (const c of candidates) {
      const found = find(trialVariables, c.trim());
      if (found.length === 1) out = { variable: found[0] };
      else if (found.length > 1) out = { key: 'imp.ambiguousVariable', params: { value: text, values: found.map((v) => v.code).join(', ') } };
      if (out) break;
    }
    if (!out) {
      const elsewhere = candidates.some((c) => find(catalogue, c.trim()).length > 0);
      out = { key: elsewhere ? 'v.variableNotInTrial' : 'v.unknownVariable', params: { value: text } };
    }
    cache.set(cacheKey, out);
    return out;
  };
}
export type VariableResolver = ReturnType<typeof variableResolver>;
