import type { VariableRow } from '../../db/database.js';
import type { PendingIssue } from '../errors.js';
import { compareDecimal, readDate, readDecimal } from '../imports/cells.js';

export interface StoredValue {
  valueNumber: string | null;
  valueDate: string | null;
  valueText: string | null;
}

type Variable = Pick<VariableRow, 'kind' | 'minimum' | 'maximum' | 'categories'>;

/**
 * Turns a submitted value into the typed column it is stored in, or says what is wrong.
 * One parser for the API, the entry grid and spreadsheet imports: numbers are read by
 * readDecimal (full-width digits ６１２, thousands separators 5,427.1) and keep their exact
 * decimal text (no float rounding); dates are read by readDate (2017-04-02, 2017/4/2,
 * 2017年4月2日) and must be real calendar dates; counts whole and non-negative, categories one of the variable's list; numbers and
 * counts must lie within the variable's minimum and maximum.
 */
export function toStoredValue(variable: Variable, raw: unknown): StoredValue | Omit<PendingIssue, 'path' | 'row'> {
  const shown = typeof raw === 'string' || typeof raw === 'number' ? String(raw) : JSON.stringify(raw) ?? '';
  if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) return { key: 'v.required' };
  switch (variable.kind) {
    case 'number':
    case 'count': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return { key: 'v.decimal', params: { value: shown } };
      const read = readDecimal(raw);
      if (!read.ok) return { key: read.key, params: read.params ?? { value: shown } };
      const d = read.value;
      if (variable.kind === 'count' && !/^\d+$/.test(d)) return { key: 'v.count', params: { value: shown } };
      // Exact comparisons: 30000.0000000000000001 is above a maximum of 30000.
      if (variable.minimum !== null && compareDecimal(d, String(variable.minimum)) < 0) return { key: 'v.belowMinimum', params: { value: d, minimum: variable.minimum } };
      if (variable.maximum !== null && compareDecimal(d, String(variable.maximum)) > 0) return { key: 'v.aboveMaximum', params: { value: d, maximum: variable.maximum } };
      return { valueNumber: d, valueDate: null, valueText: null };
    }
    case 'date': {
      if (typeof raw !== 'string' || raw.trim() === '') return { key: 'v.date', params: { value: shown } };
      const read = readDate(raw);
      if (!read.ok) return { key: 'v.date', params: { value: shown } };
      return { valueNumber: null, valueDate: read.value, valueText: null };
    }
    case 'category': {
      const s = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
      const cats = variable.categories ?? [];
      if (!cats.includes(s)) return { key: 'v.category', params: { value: shown, values: cats.join(', ') } };
      return { valueNumber: null, valueDate: null, valueText: s };
    }
    case 'text': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return { key: 'v.string' };
      const s = String(raw).trim();
      if (s.length > 2000) return { key: 'v.tooLong', params: { maximum: 2000 } };
      return { valueNumber: null, valueDate: null, valueText: s };
    }
  }
}

export function isStoredValue(v: StoredValue | Omit<PendingIssue, 'path' | 'row'>): v is StoredValue {
  return !('key' in v);
}

/** The stored value as JSON: numbers as numbers, everything else as text. */
export function typedValue(row: StoredValue): number | string | null {
  if (row.valueNumber !== null) return Number(row.valueNumber);
  return row.valueDate ?? row.valueText;
}

/** The stored value exactly as kept, as text ("5427.10" stays "5427.10"). */
export function exactValue(row: StoredValue): string | null {
  return row.valueNumber ?? row.valueDate ?? row.valueText;
}
