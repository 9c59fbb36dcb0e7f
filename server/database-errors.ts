import { AppError, ValidationError } from './errors.js';
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
 * -> `areaM2`), or a 409 for a uniqueness taken meanwhile. The transaction that met it has
 * rolled back, so nothing was written.
 */
export function databaseRefusal(err: unknown): AppError | undefined {
  const e = err as { code?: string; column?: string; constraint?: string; table?: string; detail?: string };
  if (e?.code === '23505') return uniqueRefusal(e);
  const key = e?.code ? INPUT_ERRORS[e.code] : undefined;
  if (!key) return undefined;
  let path = e.column ? camel(e.column) : '';
  if (!path && e.constraint) {
    const m = /^(?:[a-z0-9]+_)?(.+?)_check\d*$/.exec(e.constraint);
    path = m ? camel(e.table && e.constraint.startsWith(`${e.table}_`) ? e.constraint.slice(e.table.length + 1).replace(/_check\d*$/, '') : m[1]) : e.constraint;
  }
  return new ValidationError([{ path: path || 'body', key }]);
}

/** Unique constraints that stand for one field of the request. */
const UNIQUE_FIELDS: Record<string, { path: string; key: MessageKey }> = {
  plots_label_unique: { path: 'label', key: 'v.duplicateLabel' },
  trials_name_unique: { path: 'name', key: 'v.duplicateName' },
  // A correction moving an observation onto another's plot, variable, day and reading.
  observations_identity: { path: 'reading', key: 'v.identityTaken' },
};

/**
 * A uniqueness another request won meanwhile (the service's own check passed): 409, named
 * by its field and value where the constraint stands for one.
 */
function uniqueRefusal(e: { constraint?: string; detail?: string }): AppError {
  const field = UNIQUE_FIELDS[e.constraint ?? ''];
  if (!field) return new AppError(409, 'Conflict');
  const value = /=\((?:[^)]*, )?([^,)]*)\)/.exec(e.detail ?? '')?.[1] ?? '';
  return new ValidationError([{ path: field.path, key: field.key, params: { value } }], 409, 'Conflict');
}
