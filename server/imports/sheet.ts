import type { Params } from '../i18n/i18n.js';
import { cellText, columnLetter, isBlank, type Cell } from './cells.js';
import { headerKey } from './columns.js';
import type { Stager } from './stager.js';
import type { TableRow } from './table-reader.js';

/** A sheet's header row: each column's name as written (or its letter when blank). */
export interface Header {
  /** Spreadsheet row number of the header (1 unless blank rows come first). */
  row: number;
  names: string[];
  keys: string[];
  /** Display name of column i: its header, or its letter for a column without one. */
  label(i: number): string;
  /** The first column has no header but others do: R's `write.csv` row names (1, 2, 3 …),
   * ignored while they are whole numbers. */
  rowNames: boolean;
}

export function readHeader(row: TableRow): Header {
  const names = row.cells.map((c) => cellText(c));
  while (names.length && names[names.length - 1] === '') names.pop();
  const keys = names.map(headerKey);
  return { row: row.row, names, keys, label: (i) => names[i] || columnLetter(i), rowNames: names.length > 1 && names[0] === '' };
}

/**
 * Maps known headers to fields. A field named twice is a problem on the header row; the
 * columns no alias matches are returned for the caller to interpret.
 */
export async function mapColumns<F extends string>(header: Header, aliases: Map<string, F>, stager: Stager, prefer: Partial<Record<F, F>> = {}) {
  const fields = new Map<F, number>();
  const unmatched: number[] = [];
  for (let i = 0; i < header.names.length; i++) {
    if (!header.names[i]) continue;
    const f = aliases.get(header.keys[i]);
    if (!f) {
      unmatched.push(i);
      continue;
    }
    if ((f as string) === 'ignore') continue;
    if (fields.has(f)) {
      await stager.issue(header.row, header.label(i), 'imp.duplicateColumn', { first: header.label(fields.get(f)!) });
      continue;
    }
    fields.set(f, i);
  }
  // A preferred stand-in (plot_id for plot) is used only when the field itself is missing.
  for (const [field, standIn] of Object.entries(prefer) as [F, F][]) {
    if (!fields.has(field) && fields.has(standIn)) fields.set(field, fields.get(standIn)!);
    fields.delete(standIn);
  }
  return { fields, unmatched };
}

/**
 * Reports cells holding something in a column without a header: nothing is dropped unsaid.
 * Answers a promise only when there is something to report (most rows have nothing, and a
 * row costs no extra promise then).
 */
export function checkHeaderless(header: Header, row: TableRow, stager: Stager): Promise<void> | undefined {
  for (let i = 0; i < row.cells.length; i++) {
    if (headerless(header, row, i)) return reportHeaderless(header, row, stager, i);
  }
  return undefined;
}

const ROW_NAME = /^\d{1,9}$/;

function headerless(header: Header, row: TableRow, i: number): boolean {
  if ((i < header.names.length && header.names[i]) || isBlank(row.cells[i])) return false;
  return !(i === 0 && header.rowNames && ROW_NAME.test(cellText(row.cells[0])));
}

async function reportHeaderless(header: Header, row: TableRow, stager: Stager, from: number): Promise<void> {
  for (let i = from; i < row.cells.length; i++) {
    if (headerless(header, row, i)) {
      await stager.issue(row.row, header.label(i), 'imp.cellWithoutHeader', { value: cellText(row.cells[i]).slice(0, 50) });
    }
  }
}

/** A row's problems, collected before it is staged. */
export class RowProblems {
  list: { column: string; key: string; params?: Params }[] = [];
  add(column: string, key: string, params?: Params) {
    this.list.push({ column, key, ...(params ? { params } : {}) });
  }
  get any() {
    return this.list.length > 0;
  }
  /** Stages the problems; a promise only when there were any. */
  flush(stager: Stager, row: number): Promise<void> | undefined {
    if (!this.list.length) return undefined;
    const list = this.list;
    this.list = [];
    return (async () => {
      for (const p of list) await stager.issue(row, p.column, p.key, p.params);
    })();
  }
}

export const cellAt = (row: TableRow, i: number | undefined): Cell => (i === undefined ? null : (row.cells[i] ?? null));
