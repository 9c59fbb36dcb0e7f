import type { Aggregation, VariableKind } from '../../db/database.js';
import type { MessageKey } from '../i18n/i18n.js';

/**
 * What each variable kind means, in one table. Every place that decides by kind reads its
 * spec, so adding a kind is: its name in `VariableKind` (db/database.ts) and the CHECK of a
 * new migration, an entry here, and its label in the catalogues; the compiler then lists
 * each remaining decision (`satisfies Record<VariableKind, KindSpec>`, exhaustive switches).
 * The SQL function `effective_aggregation` applies the same aggregation rule inside the
 * database; test/db/variable-kinds.test.ts checks it against this table for every kind.
 */
export interface KindSpec {
  /** The stored column a value of this kind lives in (the cell reader reads it back). */
  column: 'valueNumber' | 'valueDate' | 'valueText';
  /** How a sheet cell is read before the value is checked: as a number, a date, or text. */
  cell: 'decimal' | 'date' | 'text';
  /** Whole numbers only (counts). */
  wholeNumber: boolean;
  /** The form control of an entry: a decimal or integer field, a date picker, a list, text. */
  input: 'decimal' | 'integer' | 'date' | 'select' | 'text';
  /** The trait format in Field Book's .trt file. */
  fieldBookFormat: 'numeric' | 'date' | 'categorical' | 'text';
  /** Compared treatment against control as a number (dates as days after planting). */
  numeric: boolean;
  /** Compared as days after the plot's planting date. */
  daysAfterPlanting: boolean;
  /** Takes a minimum and a maximum. */
  ranged: boolean;
  /** Takes a list of categories. */
  hasCategories: boolean;
  /** How several records of one plot become its value, and which other rules it allows. */
  defaultAggregation: Aggregation;
  aggregations: readonly Aggregation[];
  /** The kind's name in the interface. */
  label: MessageKey;
}

export const KINDS = {
  date: {
    column: 'valueDate',
    cell: 'date',
    wholeNumber: false,
    input: 'date',
    fieldBookFormat: 'date',
    numeric: true,
    daysAfterPlanting: true,
    ranged: false,
    hasCategories: false,
    defaultAggregation: 'first',
    aggregations: ['first', 'mean', 'last'],
    label: 'variableKind.date',
  },
  number: {
    column: 'valueNumber',
    cell: 'decimal',
    wholeNumber: false,
    input: 'decimal',
    fieldBookFormat: 'numeric',
    numeric: true,
    daysAfterPlanting: false,
    ranged: true,
    hasCategories: false,
    defaultAggregation: 'mean',
    aggregations: ['sum', 'mean', 'first', 'last'],
    label: 'variableKind.number',
  },
  count: {
    column: 'valueNumber',
    cell: 'decimal',
    wholeNumber: true,
    input: 'integer',
    fieldBookFormat: 'numeric',
    numeric: true,
    daysAfterPlanting: false,
    ranged: true,
    hasCategories: false,
    defaultAggregation: 'mean',
    aggregations: ['sum', 'mean', 'first', 'last'],
    label: 'variableKind.count',
  },
  category: {
    column: 'valueText',
    cell: 'text',
    wholeNumber: false,
    input: 'select',
    fieldBookFormat: 'categorical',
    numeric: false,
    daysAfterPlanting: false,
    ranged: false,
    hasCategories: true,
    defaultAggregation: 'last',
    aggregations: ['first', 'last'],
    label: 'variableKind.category',
  },
  text: {
    column: 'valueText',
    cell: 'text',
    wholeNumber: false,
    input: 'text',
    fieldBookFormat: 'text',
    numeric: false,
    daysAfterPlanting: false,
    ranged: false,
    hasCategories: false,
    defaultAggregation: 'last',
    aggregations: ['first', 'last'],
    label: 'variableKind.text',
  },
} as const satisfies Record<VariableKind, KindSpec>;

/** Every kind, in the order forms list them. */
export const VARIABLE_KINDS = Object.keys(KINDS) as [VariableKind, ...VariableKind[]];

export function kindOf(kind: VariableKind): KindSpec {
  return KINDS[kind];
}

/** The rule that aggregates a plot's records: the variable's own when its kind allows it,
 * else the kind's default (the same as SQL's `effective_aggregation`). */
export function effectiveAggregation(kind: VariableKind, aggregation: Aggregation | null): Aggregation {
  const spec: KindSpec = KINDS[kind];
  return aggregation && spec.aggregations.includes(aggregation) ? aggregation : spec.defaultAggregation;
}
