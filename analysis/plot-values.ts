import { mean, sum } from 'simple-statistics';
import { epochDay, isIsoDate } from './dates.js';

export type VariableKind = 'date' | 'number' | 'count' | 'category' | 'text';
export type Aggregation = 'sum' | 'mean' | 'first' | 'last';

/** Why a plot that has observations still has no value. */
export type PlotValueFlag = 'missingPlantingDate' | 'invalidValue';

export interface PlotRef {
  plotId: number;
  /** Reference date (planting / transplanting / inoculation), ISO `YYYY-MM-DD`. */
  plantedOn: string | null;
}

export interface ObservationRow {
  plotId: number;
  /** Decimal text for number/count, an ISO date for date, free text otherwise. */
  value: string;
  observedOn: string | null;
  /** Insertion order; breaks ties between observations of the same day. */
  seq: number;
}

export interface PlotValue {
  plotId: number;
  /** Combined value; days after planting for dates; null for category/text or when flagged. */
  value: number | null;
  /** The combined category or text, for category/text variables. */
  text?: string | null;
  /** Observations combined (non-blank ones). */
  n: number;
  flag?: PlotValueFlag;
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function readNumber(text: string): number | null {
  const t = text.trim();
  if (!DECIMAL.test(t)) return null;
  const x = Number(t);
  return Number.isFinite(x) ? x : null;
}

/** Total order for first/last: observedOn ascending with undated ones after every date, then seq. */
function chronological(a: ObservationRow, b: ObservationRow): number {
  if (a.observedOn !== b.observedOn) {
    if (a.observedOn === null) return 1;
    if (b.observedOn === null) return -1;
    return a.observedOn < b.observedOn ? -1 : 1;
  }
  return a.seq - b.seq;
}

/**
 * The rule actually applied to a variable's observations (see `aggregatePlotValues`).
 * @example effectiveAggregation('date', null) // => 'first'
 */
export function effectiveAggregation(kind: VariableKind, aggregation: Aggregation | null): Aggregation {
  switch (kind) {
    case 'number':
    case 'count':
      return aggregation ?? 'mean';
    case 'date':
      return aggregation === 'mean' || aggregation === 'last' ? aggregation : 'first';
    default:
      return aggregation === 'first' ? 'first' : 'last';
  }
}

/**
 * Combines a variable's observations into one value per plot. This is the reference
 * definition that the database's SQL aggregation must reproduce, row for row:
 *
 * 1. Observations whose `value` is blank (empty or spaces) are missing and left out.
 *    Plots with no remaining observation of the variable do not appear at all.
 *    Observations of plots absent from `plots` are ignored. Output follows `plots` order.
 * 2. Rule: `aggregation`, or by default `mean` for number/count, `first` for date,
 *    `last` for category/text. A rule that makes no sense for the kind (sum of dates,
 *    mean or sum of categories) falls back to that default.
 * 3. `first`/`last` take the first/last observation in one total order: `observedOn`
 *    ascending with undated observations after all dated ones, then `seq` ascending
 *    (SQL: `ORDER BY observed_on ASC NULLS LAST, seq ASC`).
 * 4. number/count: the value is the decimal text as a number (`"5427.1"`, `"-2"`, `"1e3"`);
 *    `sum` and `mean` use all observations of the plot.
 * 5. date: each observation becomes whole days after the plot's `plantedOn`
 *    (`daysBetween`, UTC), then the rule applies (`mean` may give fractional days).
 *    A plot without a valid `plantedOn` gets `value: null, flag: 'missingPlantingDate'`.
 * 6. A plot with any unreadable observation (not a decimal, or not a real ISO date) gets
 *    `value: null, flag: 'invalidValue'`, never a partial sum.
 * 7. category/text: `value` is null and `text` is the chosen observation's text, trimmed.
 * 8. `n` is the number of non-blank observations of the plot (0 when flagged).
 * @example aggregatePlotValues(
 *   { kind: 'date', aggregation: null },
 *   [{ plotId: 1, plantedOn: '2017-03-02' }],
 *   [{ plotId: 1, value: '2017-04-04', observedOn: '2017-04-04', seq: 1 }],
 * ) // => [{ plotId: 1, value: 33, n: 1 }]
 */
export function aggregatePlotValues(
  variable: { kind: VariableKind; aggregation: Aggregation | null },
  plots: readonly PlotRef[],
  observations: readonly ObservationRow[],
): PlotValue[] {
  const rule = effectiveAggregation(variable.kind, variable.aggregation);
  const byPlot = new Map<number, ObservationRow[]>();
  for (const o of observations) {
    if (o.value.trim() === '') continue;
    const list = byPlot.get(o.plotId);
    if (list) list.push(o);
    else byPlot.set(o.plotId, [o]);
  }

  const out: PlotValue[] = [];
  for (const plot of plots) {
    const rows = byPlot.get(plot.plotId);
    if (!rows) continue;
    rows.sort(chronological);
    const n = rows.length;

    if (variable.kind === 'category' || variable.kind === 'text') {
      const chosen = rule === 'first' ? rows[0] : rows[n - 1];
      out.push({ plotId: plot.plotId, value: null, text: chosen.value.trim(), n });
      continue;
    }

    let values: (number | null)[];
    if (variable.kind === 'date') {
      if (plot.plantedOn === null || !isIsoDate(plot.plantedOn)) {
        out.push({ plotId: plot.plotId, value: null, n: 0, flag: 'missingPlantingDate' });
        continue;
      }
      const start = epochDay(plot.plantedOn);
      values = rows.map((r) => {
        const text = r.value.trim();
        return isIsoDate(text) ? epochDay(text) - start : null;
      });
    } else {
      values = rows.map((r) => readNumber(r.value));
    }
    if (values.some((v) => v === null)) {
      out.push({ plotId: plot.plotId, value: null, n: 0, flag: 'invalidValue' });
      continue;
    }
    const numbers = values as number[];
    let value: number;
    if (rule === 'sum') value = sum(numbers);
    else if (rule === 'mean') value = mean(numbers);
    else if (rule === 'first') value = numbers[0];
    else value = numbers[n - 1];
    out.push({ plotId: plot.plotId, value, n });
  }
  return out;
}
