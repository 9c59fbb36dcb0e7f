import type { Kysely } from 'kysely';
import type { Database, SiteRow, VariableRow } from '../../db/database.js';
import { isStoredValue, toStoredValue, type StoredValue } from '../observations/observation-values.js';
import { observationTargets } from '../observations/observations.service.js';
import type { PlotView } from '../plots/plots.repository.js';
import { listSites } from '../sites/sites.repository.js';
import { listVariables } from '../variables/variables.repository.js';
import { implausible, todayInZone } from '../observations/plausibility.js';
import { cellText, halfWidth, isMissing, readDate, readDecimal, type Cell, type Read } from './cells.js';
import { FIELD_BOOK_EXTRAS, OBSERVATION_COLUMNS, dateColumnBase, headerKey, variableResolver, type ObservationField, type VariableResolver } from './columns.js';
import { RowProblems, cellAt, checkHeaderless, mapColumns, readHeader, type Header } from './sheet.js';
import type { StagedRow, Stager } from './stager.js';
import type { TableRow } from './table-reader.js';
import { KINDS } from '../variables/kinds.js';

export type ObservationShape = 'long' | 'wide' | 'fieldbook';

export interface ObservationCheck {
  shape: ObservationShape;
  columns: string[];
  /** Whether notes / recorded-by columns exist (only then do they count as changes). */
  notes: boolean;
  recordedBy: boolean;
  /** Columns read past without being an error (Field Book's later additions), by name. */
  ignored: string[];
}

/** What a trial's rows are checked against: its plots, variables and sites. */
async function targets(db: Kysely<Database>, trialId: number) {
  const { trial, plots, variables } = await observationTargets(db, trialId);
  const sites = new Map((await listSites(db, trial.trial.projectId)).map((s) => [s.id, s]));
  const resolveVariable = variableResolver([...variables.values()], await listVariables(db));
  const folded = new Map<string, PlotView | null>();
  for (const p of plots.values()) {
    const k = halfWidth(p.label).toLowerCase();
    folded.set(k, folded.has(k) ? null : p);
  }
  const prefix = `T${trialId}-`;
  /** A plot by its label; Field Book's unique id `T<trial>-<label>` and a width-folded
   * label are accepted when they name exactly one plot. */
  const resolvePlot = (text: string): PlotView | undefined => {
    const exact = plots.get(text);
    if (exact) return exact;
    if (text.startsWith(prefix)) {
      const p = plots.get(text.slice(prefix.length));
      if (p) return p;
    }
    return folded.get(halfWidth(text).toLowerCase()) ?? undefined;
  };
  // Today in the trial's zone, read once: a date after it is implausible (per row, the
  // formatting was a sixth of the check's time).
  return { trial, resolvePlot, resolveVariable, sites, today: todayInZone() };
}
type Targets = Awaited<ReturnType<typeof targets>>;

/**
 * A cell as the stored value of a variable. The cell is first read by kind (numbers with
 * full-width digits and thousands separators, dates in every accepted style), then checked
 * by toStoredValue, the one rule for what a variable accepts.
 */
export function readValue(variable: VariableRow, cell: Cell): Read<StoredValue> {
  let input: string;
  const read = KINDS[variable.kind].cell;
  if (read === 'decimal') {
    const d = readDecimal(cell);
    if (!d.ok) return d;
    input = d.value;
  } else if (read === 'date') {
    const d = readDate(cell);
    if (!d.ok) return d;
    input = d.value;
  } else {
    input = cellText(cell);
  }
  const stored = toStoredValue(variable, input);
  if (isStoredValue(stored)) return { ok: true, value: stored };
  return { ok: false, key: stored.key, ...(stored.params ? { params: stored.params } : {}) };
}

/** The value as it will be stored, as text for the preview. */
const shownValue = (s: StoredValue) => s.valueNumber ?? s.valueDate ?? s.valueText;

/** Field Book writes a categorical value as `[{"label":"旺","value":"旺"}]`. */
function unwrapFieldBook(cell: Cell): Cell {
  if (typeof cell !== 'string' || !cell.trim().startsWith('[{')) return cell;
  try {
    const parsed = JSON.parse(cell) as { label?: unknown; value?: unknown }[];
    if (Array.isArray(parsed) && parsed.length === 1) return String(parsed[0].value ?? parsed[0].label ?? '');
  } catch {
    /* not Field Book's JSON: checked as written */
  }
  return cell;
}

/**
 * Checks an observations sheet row by row and stages what it would write. The shape comes
 * from the header unless given: Field Book's database export (plot_id, trait, value,
 * timestamp), long (a variable and a value column), else wide (one column per variable).
 */
export async function checkObservations(
  db: Kysely<Database>,
  trialId: number,
  rows: AsyncIterator<TableRow>,
  stager: Stager,
  requestedShape?: ObservationShape,
): Promise<ObservationCheck> {
  const first = await rows.next();
  if (first.done) {
    await stager.issue(1, '', 'imp.empty');
    return { shape: requestedShape ?? 'long', columns: [], notes: false, recordedBy: false, ignored: [] };
  }
  const header = readHeader(first.value);
  const t = await targets(db, trialId);
  const keys = new Set(header.keys);
  const fieldBook = ['plotid', 'trait', 'value', 'timestamp'].every((k) => keys.has(k));
  const { fields, unmatched } = await mapColumns<ObservationField>(header, OBSERVATION_COLUMNS, stager, { plot: 'plotId' });
  const shape: ObservationShape = requestedShape ?? (fieldBook ? 'fieldbook' : fields.has('variable') && fields.has('value') ? 'long' : 'wide');
  // Field Book's `number` is the reading; its device and attachments go into the notes.
  const extras: Extra[] = [];
  if (shape === 'fieldbook') {
    const number = header.keys.indexOf('number');
    if (!fields.has('reading') && number >= 0) fields.set('reading', number);
    for (const name of FIELD_BOOK_EXTRAS) {
      const i = header.keys.indexOf(headerKey(name));
      if (i >= 0) extras.push({ index: i, name });
    }
  }
  const ignored = shape === 'fieldbook' ? unmatched.map((i) => header.names[i]) : [];
  const base = { shape, columns: header.names, notes: fields.has('notes') || extras.length > 0, recordedBy: fields.has('recordedBy'), ignored };

  if (!fields.has('plot')) {
    await stager.issue(header.row, '', 'imp.missingColumn', { column: '小区 / plot' });
  }
  if (shape !== 'wide') {
    if (!fields.has('variable')) await stager.issue(header.row, '', 'imp.missingColumn', { column: '指标 / variable' });
    if (!fields.has('value')) await stager.issue(header.row, '', 'imp.missingColumn', { column: '数值 / value' });
    // Field Book adds columns in new versions: they are listed as ignored, not refused.
    if (shape !== 'fieldbook') for (const i of unmatched) await stager.issue(header.row, header.label(i), 'imp.unknownColumn');
    if (!fields.has('plot') || !fields.has('variable') || !fields.has('value')) return drain(rows, stager, base);
    const check = { header, fields, t, fieldBook: shape === 'fieldbook', extras };
    for (let r = await rows.next(); !r.done; r = await rows.next()) {
      const staging = longRow(r.value, check, stager);
      if (staging) await staging;
    }
    return base;
  }

  const plan = await widePlan(header, fields, unmatched, t.resolveVariable, stager);
  if (!fields.has('plot')) return drain(rows, stager, base);
  if (!plan.length) await stager.issue(header.row, '', 'imp.noVariableColumns');
  for (let r = await rows.next(); !r.done; r = await rows.next()) await wideRow(r.value, header, fields, plan, t, stager);
  return base;
}

async function drain<T>(rows: AsyncIterator<TableRow>, stager: Stager, result: T): Promise<T> {
  for (let r = await rows.next(); !r.done; r = await rows.next()) stager.dataRows++;
  return result;
}

/** Checks the row's plot, and its site, arm and block columns against that plot. */
function checkPlot(row: TableRow, header: Header, fields: Map<ObservationField, number>, t: Targets, problems: RowProblems): { plot?: PlotView; text: string } {
  const col = fields.get('plot')!;
  const text = cellText(cellAt(row, col));
  if (!text) {
    problems.add(header.label(col), 'v.required');
    return { text };
  }
  const plot = t.resolvePlot(text);
  if (!plot) {
    problems.add(header.label(col), 'v.unknownPlot', { value: text });
    return { text };
  }
  const fold = (s: string | null | undefined) => halfWidth(s ?? '').toLowerCase();
  const siteCol = fields.get('site');
  const site = cellText(cellAt(row, siteCol));
  if (siteCol !== undefined && site) {
    const s = t.sites.get(plot.siteId) as SiteRow;
    if (fold(site) !== fold(s.name) && fold(site) !== fold(s.nameEn)) {
      problems.add(header.label(siteCol), 'imp.plotElsewhere', { plot: plot.label, value: site, actual: s.name });
    }
  }
  const armCol = fields.get('arm');
  const arm = cellText(cellAt(row, armCol));
  if (armCol !== undefined && arm && fold(arm) !== fold(plot.arm)) {
    problems.add(header.label(armCol), 'imp.plotOtherArm', { plot: plot.label, value: arm, actual: plot.arm });
  }
  const blockCol = fields.get('block');
  const block = cellText(cellAt(row, blockCol));
  if (blockCol !== undefined && block && fold(block) !== fold(plot.block)) {
    problems.add(header.label(blockCol), 'imp.plotOtherBlock', { plot: plot.label, value: block, actual: plot.block ?? '-' });
  }
  return { plot, text };
}

function optionalText(row: TableRow, header: Header, col: number | undefined, max: number, problems: RowProblems): string | null {
  const cell = cellAt(row, col);
  if (isMissing(cell)) return null;
  const s = cellText(cell);
  if (s.length > max) {
    problems.add(header.label(col!), 'v.tooLong', { maximum: max });
    return null;
  }
  return s;
}

function observedOn(row: TableRow, header: Header, col: number | undefined, problems: RowProblems): string | null | undefined {
  const cell = cellAt(row, col);
  if (col === undefined || isMissing(cell)) return null;
  const d = readDate(cell);
  if (d.ok) return d.value;
  problems.add(header.label(col), d.key, d.params);
  return undefined;
}

interface Extra {
  index: number;
  name: string;
}

/** The reading number of a row: blank or NA is 1; otherwise a whole number ≥ 1. */
function readingOf(row: TableRow, header: Header, col: number | undefined, problems: RowProblems): number | undefined {
  const cell = cellAt(row, col);
  if (col === undefined || isMissing(cell)) return 1;
  const d = readDecimal(cell);
  if (d.ok && /^\d+$/.test(d.value) && Number(d.value) >= 1 && Number(d.value) <= 10_000) return Number(d.value);
  problems.add(header.label(col), 'v.reading');
  return undefined;
}

/** Notes with Field Book's device and attachment file names kept in them ("device_name: Pixel 7"). */
function withExtras(notes: string | null, row: TableRow, extras: Extra[]): string | null {
  const parts = notes ? [notes] : [];
  for (const e of extras) {
    const cell = cellAt(row, e.index);
    if (!isMissing(cell)) parts.push(`${e.name}: ${cellText(cell)}`);
  }
  return parts.length ? parts.join('; ').slice(0, 2000) : null;
}

type LongCheck = { header: Header; fields: Map<ObservationField, number>; t: Targets; fieldBook: boolean; extras: Extra[] };

/** Checks and stages one row of a long sheet; a promise only when the caller has to wait. */
function longRow(row: TableRow, c: LongCheck, stager: Stager): Promise<void> | undefined {
  stager.dataRows++;
  const headerless = checkHeaderless(c.header, row, stager);
  return headerless ? headerless.then(() => longRowValue(row, c, stager)) : longRowValue(row, c, stager);
}

function longRowValue(row: TableRow, c: LongCheck, stager: Stager): Promise<void> | undefined {
  const { header, fields, t } = c;
  const problems = new RowProblems();
  const { plot, text: plotText } = checkPlot(row, header, fields, t, problems);
  const varCol = fields.get('variable')!;
  const valueCol = fields.get('value')!;
  const varText = cellText(cellAt(row, varCol));
  let variable: VariableRow | undefined;
  if (!varText) problems.add(header.label(varCol), 'v.required');
  else {
    const m = t.resolveVariable(varText);
    if ('variable' in m) variable = m.variable;
    else problems.add(header.label(varCol), m.key, m.params);
  }
  let cell = cellAt(row, valueCol);
  if (c.fieldBook) cell = unwrapFieldBook(cell);
  // NA, N/A, #N/A or nothing: no observation in this row, never a value.
  if (isMissing(cell) && !problems.any && plot && variable) return undefined;
  const on = observedOn(row, header, fields.get('observedOn'), problems);
  const reading = readingOf(row, header, fields.get('reading'), problems);
  const notes = withExtras(optionalText(row, header, fields.get('notes'), 2000, problems), row, c.extras);
  const recordedBy = optionalText(row, header, fields.get('recordedBy'), 100, problems);
  let stored: StoredValue | undefined;
  if (variable) {
    if (isMissing(cell)) problems.add(header.label(valueCol), 'v.required');
    else {
      const v = readValue(variable, cell);
      if (v.ok) stored = v.value;
      else problems.add(header.label(valueCol), v.key, v.params);
    }
  }
  const shown = {
    plot: plot?.label ?? plotText,
    variable: variable?.code ?? varText,
    value: stored ? shownValue(stored) : cellText(cell),
    observedOn: on ?? (on === null ? null : cellText(cellAt(row, fields.get('observedOn')))),
    reading: reading ?? cellText(cellAt(row, fields.get('reading'))),
  };
  const onCol = fields.get('observedOn');
  const columns = { value: header.label(valueCol), observedOn: onCol === undefined ? undefined : header.label(onCol) };
  return stage(stager, t.today, row.row, columns, problems, plot, variable, stored, on, reading, notes, recordedBy, shown);
}

/** Stages one value with its problems; a promise only when the caller has to wait. */
function stage(
  stager: Stager,
  today: string,
  rowNumber: number,
  /** The value's column, and the column its observed-on day came from (when it has one). */
  columns: { value: string; observedOn: string | undefined },
  problems: RowProblems,
  plot: PlotView | undefined,
  variable: VariableRow | undefined,
  stored: StoredValue | undefined,
  on: string | null | undefined,
  reading: number | undefined,
  notes: string | null,
  recordedBy: string | null,
  shown: Record<string, unknown>,
  inherited: RowProblems['list'] = [],
): Promise<void> | undefined {
  if (plot && stored && on !== undefined) {
    // Each problem under the column it is about: the observed-on day's, or the value's.
    for (const w of implausible({ observedOn: on, valueDate: stored.valueDate }, plot, today)) {
      problems.add(w.path === 'observedOn' ? (columns.observedOn ?? columns.value) : columns.value, w.key, w.params);
    }
  }
  const error = problems.any || inherited.length > 0 || !plot || !variable || !stored || on === undefined || reading === undefined;
  if (error) shown.problems = [...inherited, ...problems.list].map((p) => ({ column: p.column, key: p.key, params: p.params }));
  const staged: StagedRow = {
    rowNumber,
    columnName: columns.value,
    action: error ? 'error' : 'create',
    plotId: plot?.id ?? null,
    variableId: variable?.id ?? null,
    valueNumber: stored?.valueNumber ?? null,
    valueDate: stored?.valueDate ?? null,
    valueText: stored?.valueText ?? null,
    observedOn: on ?? null,
    reading: reading ?? null,
    notes,
    recordedBy,
    shown,
  };
  const flushing = problems.flush(stager, rowNumber);
  return flushing ? flushing.then(() => stager.row(staged)) : stager.row(staged);
}

interface WideColumn {
  index: number;
  variable: VariableRow;
  dateIndex?: number;
}

/**
 * The value columns of a wide sheet with their observed-on date columns. A column is a
 * variable (by code or name, optionally with a repeat marker such as "(第2次)" or ".2");
 * "<that header> 观测日期" / "<that header> observed_on" is its own date column; a lone
 * "观测日期" / "observed_on" column is the date of every value column without one.
 */
async function widePlan(header: Header, fields: Map<ObservationField, number>, unmatched: number[], resolve: VariableResolver, stager: Stager): Promise<WideColumn[]> {
  const plan: WideColumn[] = [];
  const pendingDates: { index: number; base: string }[] = [];
  for (const field of ['variable', 'value'] as const) {
    const i = fields.get(field);
    if (i !== undefined) await stager.issue(header.row, header.label(i), 'imp.unknownColumn');
  }
  for (const i of unmatched) {
    const name = header.names[i];
    const exact = resolve(name);
    if ('variable' in exact) {
      plan.push({ index: i, variable: exact.variable });
      continue;
    }
    const base = dateColumnBase(name);
    if (base !== undefined && header.keys.some((k, j) => j !== i && k === base)) {
      pendingDates.push({ index: i, base });
      continue;
    }
    const m = resolve(name, { repeats: true });
    if ('variable' in m) plan.push({ index: i, variable: m.variable });
    else await stager.issue(header.row, header.label(i), m.key === 'v.unknownVariable' ? 'imp.unknownWideColumn' : m.key, m.params);
  }
  for (const d of pendingDates) {
    const candidates = plan.filter((c) => header.keys[c.index] === d.base);
    const left = candidates.filter((c) => c.index < d.index).at(-1);
    const owner = left ?? candidates[0];
    if (!owner) {
      await stager.issue(header.row, header.label(d.index), 'imp.unknownWideColumn', { value: header.names[d.index] });
      continue;
    }
    if (owner.dateIndex !== undefined) {
      await stager.issue(header.row, header.label(d.index), 'imp.duplicateColumn', { first: header.label(owner.dateIndex) });
      continue;
    }
    owner.dateIndex = d.index;
  }
  return plan.sort((a, b) => a.index - b.index);
}

async function wideRow(row: TableRow, header: Header, fields: Map<ObservationField, number>, plan: WideColumn[], t: Targets, stager: Stager) {
  stager.dataRows++;
  const headerless = checkHeaderless(header, row, stager);
  if (headerless) await headerless;
  // Problems of the row as a whole (its plot, its shared date) are reported once and make
  // every value of the row an error.
  const rowProblems = new RowProblems();
  const { plot, text: plotText } = checkPlot(row, header, fields, t, rowProblems);
  const shared = observedOn(row, header, fields.get('observedOn'), rowProblems);
  const notes = optionalText(row, header, fields.get('notes'), 2000, rowProblems);
  const recordedBy = optionalText(row, header, fields.get('recordedBy'), 100, rowProblems);
  const inherited = [...rowProblems.list];
  const flushing = rowProblems.flush(stager, row.row);
  if (flushing) await flushing;
  // Columns of one variable and day in a row are its readings 1, 2 … from left to right
  // (two harvest columns without dates, five plants measured per plot).
  const readings = new Map<string, number>();
  for (const col of plan) {
    const cell = cellAt(row, col.index);
    if (isMissing(cell)) continue;
    const problems = new RowProblems();
    const own = col.dateIndex !== undefined && !isMissing(cellAt(row, col.dateIndex)) ? observedOn(row, header, col.dateIndex, problems) : shared;
    const v = readValue(col.variable, cell);
    if (!v.ok) problems.add(header.label(col.index), v.key, v.params);
    const readingKey = `${col.variable.id}|${own ?? ''}`;
    const reading = (readings.get(readingKey) ?? 0) + 1;
    readings.set(readingKey, reading);
    const shown = {
      plot: plot?.label ?? plotText,
      variable: col.variable.code,
      value: v.ok ? shownValue(v.value) : cellText(cell),
      observedOn: own ?? (own === null ? null : cellText(cellAt(row, col.dateIndex ?? fields.get('observedOn')))),
      reading,
    };
    const onCol = col.dateIndex !== undefined && !isMissing(cellAt(row, col.dateIndex)) ? col.dateIndex : fields.get('observedOn');
    const columns = { value: header.label(col.index), observedOn: onCol === undefined ? undefined : header.label(onCol) };
    const staging = stage(stager, t.today, row.row, columns, problems, plot, col.variable, v.ok ? v.value : undefined, own, reading, notes, recordedBy, shown, inherited);
    if (staging) await staging;
  }
}
