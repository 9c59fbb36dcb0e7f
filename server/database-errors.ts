import { ValidationError, type AppError } from './errors.js';
import type { MessageKey } from './i18n/i18n.js';

/** PostgreSQL error codes that mean the input was bad, with the message each gets. */
const INPUT_ERRORS: Record<string, MessageKey> = {
  '23514': 'v.constraint', // check_violation
  '23502': 'v.required', // not_null_violation
  '22003': 'v.outOfRange', // numeric_value_out_of_range (integer >= 2^31, numeric beyond its precision)
  '22P05': 'v.nul', // untranslatable_character (NUL in text)
  '22021': 'v.nul', // character_not_in_repertoire
  '22P02': 'v.format', // invalid_text_representation
  '22007': 'v.format', // invalid_datetime_format
  '22008': 'v.format', // datetime_field_overflow
};

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

/**
 * A database refusal caused by the input, as a 400 naming the field when the database says
 * which (the column, or the column a CHECK constraint is named after: `plots_area_m2_check`
 * -> `areaM2`). The transaction that met it has rolled back, so nothing was written.
 */
export function databaseRefusal(err: unknown): AppError | undefined {
  const e = err as { code?: string; column?: string; constraint?: string; table?: string };
  const key = e?.code ? INPUT_ERRORS[e.code] : undefined;
  if (!key) return undefined;
  let path = e.column ? camel(e.column) : '';
  if (!path && e.constraint) {
    const m = /^(?:[a-z0-9]+_)?(.+?)_check\d*$/.exec(e.constraint);
    path = m ? camel(e.table && e.constraint.startsWith(`${e.table}_`) ? e.constraint.slice(e.table.length + 1).replace(/_check\d*$/, '') : m[1]) : e.constraint;
  }
  return new ValidationError([{ path: path || 'body', key }]);
}
