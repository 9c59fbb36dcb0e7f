import type { VariableRow } from '../../db/database.js';
import { translate, type Lang } from '../i18n/i18n.js';
import { exactValue } from './observation-values.js';
import { read, type FormBody, type FormErrors } from '../web/forms.js';
import { enumLabel, nameIn, tr, withNote } from '../web/labels.js';
import { KINDS, type KindSpec } from '../variables/kinds.js';

/**
 * The data-entry grid of a trial: one row per plot, one column per variable, a cell per
 * plot × variable named `v.<plotId>.<variableId>`. A submission becomes one observation
 * per filled cell, sent to the service as one all-or-nothing batch; the batch's row
 * numbers lead each error back to its cell.
 */

export interface GridPlot {
  id: number;
  label: string;
  siteId: number;
  arm: string;
  armRole: 'treatment' | 'control';
  block: string | null;
  plantedOn: string | null;
  /** The plot's place in the field, when it has one. */
  row?: number | null;
  column?: number | null;
}

export type GridVariable = Pick<VariableRow, 'id' | 'code' | 'name' | 'nameEn' | 'kind' | 'unit' | 'minimum' | 'maximum' | 'categories'>;

export interface GridObservation {
  id: number;
  plotId: number;
  variableId: number;
  valueNumber: string | null;
  valueDate: string | null;
  valueText: string | null;
  observedOn: string | null;
  reading: number;
  recordedBy: string | null;
  notes: string | null;
  version: number;
}

export const cellName = (plotId: number, variableId: number) => `v.${plotId}.${variableId}`;
/** The "another reading" input of a cell: saved under the next reading number of its day. */
export const anotherName = (plotId: number, variableId: number) => `n.${plotId}.${variableId}`;
const CELL = /^([vn])\.(\d{1,9})\.(\d{1,9})$/;

/** The plots a submitted grid has cells for. */
export function cellPlotIds(body: FormBody): number[] {
  const ids = new Set<number>();
  for (const name of Object.keys(body)) {
    const m = CELL.exec(name);
    if (m) ids.add(Number(m[2]));
  }
  return [...ids];
}

/** The fields shared by every observation of one submission. */
export const COMMON_FIELDS = ['observedOn', 'recordedBy', 'notes'] as const;

/**
 * The filled cells of a submitted grid as observation inputs, in grid order (plots, then
 * variables), and the cell each input came from (`cells[i]` is row i + 1 of the batch).
 */
export function collectEntries(body: FormBody, plots: readonly GridPlot[], variables: readonly GridVariable[]) {
  const plotOrder = new Map(plots.map((p, i) => [p.id, i]));
  const varOrder = new Map(variables.map((v, i) => [v.id, i]));
  const filled = Object.entries(body)
    .map(([name, value]) => {
      const m = CELL.exec(name);
      return m && value.trim() !== '' ? { name, plotId: Number(m[2]), variableId: Number(m[3]), value, next: m[1] === 'n' } : null;
    })
    .filter((c): c is NonNullable<typeof c> => c !== null)
    .sort(
      (a, b) =>
        (plotOrder.get(a.plotId) ?? Infinity) - (plotOrder.get(b.plotId) ?? Infinity) ||
        (varOrder.get(a.variableId) ?? Infinity) - (varOrder.get(b.variableId) ?? Infinity) ||
        Number(a.next) - Number(b.next),
    );
  const plotById = new Map(plots.map((p) => [p.id, p]));
  const varById = new Map(variables.map((v) => [v.id, v]));
  const common = {
    observedOn: read.optional(body.observedOn),
    recordedBy: read.optional(body.recordedBy),
    notes: read.optional(body.notes),
  };
  return {
    inputs: filled.map((c) => ({
      plot: plotById.get(c.plotId)?.label ?? `#${c.plotId}`,
      variable: varById.get(c.variableId)?.code ?? `#${c.variableId}`,
      value: c.value,
      ...common,
    })),
    cells: filled.map((c) => c.name),
    /** Which inputs are "another reading" (the next reading number of their day). */
    next: filled.map((c) => c.next),
  };
}

/** Leads a batch issue back to its cell; the shared fields keep their own names. */
export function cellRename(cells: readonly string[]) {
  return (path: string, row?: number): string | undefined => {
    const field = path.split('.')[0];
    if ((COMMON_FIELDS as readonly string[]).includes(field)) return field;
    if (row !== undefined && cells[row - 1]) return cells[row - 1];
    return undefined;
  };
}

/** The same message once per field: the shared fields fail once for every row. */
export function dedupe(errors: FormErrors): FormErrors {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors.fields)) fields[k] = [...new Set(v.split('; '))].join('; ');
  return { fields, form: [...new Set(errors.form)] };
}

function daysAfter(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** An observation's value as a person reads it: "5427.10 kg/亩", "2017-04-22（定植后 33 天）" or "2017-04-22 (day 33 after planting)". */
export function shownValue(lang: Lang, v: GridVariable, o: Pick<GridObservation, 'valueNumber' | 'valueDate' | 'valueText'>, plantedOn: string | null): string {
  const raw = exactValue(o) ?? '';
  const spec: KindSpec = KINDS[v.kind];
  if (spec.daysAfterPlanting) {
    const d = daysAfter(plantedOn, o.valueDate);
    if (d === null) return raw;
    const note = tr(lang, 'entry.daysAfterPlanting', { days: d });
    return withNote(lang, raw, note);
  }
  if (spec.column === 'valueNumber' && v.unit) return `${raw} ${v.unit}`;
  return raw;
}

export interface ColumnView {
  id: number;
  code: string;
  name: string;
  unit: string | null;
  kind: string;
  kindLabel: string;
  range: string | null;
}

export function columnView(lang: Lang, v: GridVariable): ColumnView {
  const lo = v.minimum === null ? null : Number(v.minimum);
  const hi = v.maximum === null ? null : Number(v.maximum);
  return {
    id: v.id,
    code: v.code,
    name: nameIn(lang, v),
    unit: v.unit,
    kind: v.kind,
    kindLabel: tr(lang, KINDS[v.kind].label),
    range: lo !== null || hi !== null ? `${lo ?? ''}–${hi ?? ''}` : null,
  };
}

export interface HistoryItem {
  id: number;
  value: string;
  observedOn: string | null;
  reading: number;
  recordedBy: string | null;
  notes: string | null;
  corrected: boolean;
}

export interface CellView {
  name: string;
  id: string;
  /** The column's name and unit, for the cell's own label (shown on a phone, where the header row is not). */
  column: Pick<ColumnView, 'name' | 'unit'>;
  value: string;
  error?: string;
  input: 'date' | 'decimal' | 'integer' | 'select' | 'text';
  /** The phone keyboard of a number cell. */
  inputmode?: 'decimal' | 'numeric';
  options?: { value: string; label: string; selected: boolean }[];
  /** The latest observation (all of them are on the cell's own page, `/trials/:id/cells`),
   * with the cell's count in words: the summary "12 recorded · latest 80.8 kg/亩" and the
   * link "All 12 records"; null while the cell has none. */
  latest: (HistoryItem & { summary: string; meta: string; allRecords: string; allHref: string }) | null;
  /** The cell's "another reading" input, once it has an observation (or one was typed). */
  another: { name: string; id: string; value: string; error?: string; open: boolean } | null;
}

/** A cell's observations as the grid reads them: their count and the latest of them, oldest first. */
export interface CellObservations {
  count: number;
  observations: readonly GridObservation[];
}

/** One observation as a line of a cell's history. */
export function historyItem(lang: Lang, v: GridVariable, o: GridObservation, plantedOn: string | null): HistoryItem {
  return {
    id: o.id,
    value: shownValue(lang, v, o, plantedOn),
    observedOn: o.observedOn,
    reading: o.reading,
    recordedBy: o.recordedBy,
    notes: o.notes,
    corrected: o.version > 1,
  };
}

/** One plot row of the grid, with each cell's typed value, error, observation count and latest
 * observation; `cells` holds the observations of the cells that have any (at least their
 * latest), keyed by `${plotId}.${variableId}`. */
export function gridRow(
  lang: Lang,
  trialId: number,
  plot: GridPlot,
  variables: readonly GridVariable[],
  cells: ReadonlyMap<string, CellObservations>,
  values: FormBody,
  errors: FormErrors | undefined,
) {
  return {
    id: plot.id,
    label: plot.label,
    arm: plot.arm,
    role: enumLabel(lang, 'role', plot.armRole),
    isControl: plot.armRole === 'control',
    block: plot.block,
    plantedOn: plot.plantedOn,
    place: plot.row != null && plot.column != null ? translate(lang, 'plot.place', { row: plot.row, column: plot.column }) : null,
    cells: cellViewsOf(lang, trialId, plot, variables, cells, values, errors),
  };
}

const INPUTMODE = { decimal: 'decimal', integer: 'numeric' } as const;

/** Cell texts with one number in them ("12 recorded", "reading 2"), made once per language,
 * key and number: a page repeats the same few hundred times. */
const countTexts = new Map<string, string>();
function countText(lang: Lang, key: 'entry.historySummary' | 'entry.allRecords' | 'entry.readingN', n: number): string {
  const k = `${lang}|${key}|${n}`;
  let text = countTexts.get(k);
  if (text === undefined) {
    if (countTexts.size > 10_000) countTexts.clear();
    countTexts.set(k, (text = translate(lang, key, key === 'entry.readingN' ? { reading: n } : { count: n })));
  }
  return text;
}

function cellViewsOf(
  lang: Lang,
  trialId: number,
  plot: GridPlot,
  variables: readonly GridVariable[],
  cells: ReadonlyMap<string, CellObservations>,
  values: FormBody,
  errors: FormErrors | undefined,
): CellView[] {
  return variables.map((v): CellView => {
    const name = cellName(plot.id, v.id);
    const value = values[name] ?? '';
    const cell = cells.get(`${plot.id}.${v.id}`);
    const last = cell?.observations.at(-1);
    const input = KINDS[v.kind].input;
    const count = Math.max(cell?.count ?? 0, cell?.observations.length ?? 0);
    const latest = last ? historyItem(lang, v, last, plot.plantedOn) : null;
    return {
      name,
      id: `c-${plot.id}-${v.id}`,
      column: { name: nameIn(lang, v), unit: v.unit },
      value,
      error: errors?.fields[name],
      input,
      inputmode: input === 'decimal' || input === 'integer' ? INPUTMODE[input] : undefined,
      options:
        KINDS[v.kind].hasCategories
          ? [{ value: '', label: '—', selected: value === '' }, ...(v.categories ?? []).map((c) => ({ value: c, label: c, selected: c === value }))]
          : undefined,
      latest: latest && {
        ...latest,
        // The value is a parameter: in right-to-left text it is isolated, so a date keeps its order.
        summary: `${countText(lang, 'entry.historySummary', count)} · ${translate(lang, 'entry.latest', { value: latest.value })}`,
        meta: `${latest.observedOn ?? translate(lang, 'entry.undated')} · ${countText(lang, 'entry.readingN', latest.reading)}`,
        allRecords: countText(lang, 'entry.allRecords', count),
        allHref: `/trials/${trialId}/cells?plot=${plot.id}&variable=${encodeURIComponent(v.code)}`,
      },
      another: (() => {
        const n = anotherName(plot.id, v.id);
        const typed = values[n] ?? '';
        if (!last && !typed) return null;
        const error = errors?.fields[n];
        return { name: n, id: `n-${plot.id}-${v.id}`, value: typed, error, open: typed !== '' || !!error };
      })(),
    };
  });
}
