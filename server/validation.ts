import { z } from 'zod';
import { ValidationError, type PendingIssue } from './errors.js';
import { isMessageKey, messageKey, type MessageKey } from './i18n/i18n.js';
import { isIsoDate as isCalendarDate } from '../analysis/dates.js';

/**
 * Zod issues become PendingIssues (message keys plus parameters), which the error handler
 * writes in the client's language. Schemas give their own keys with `{ error: 'v.xxx' }`;
 * built-in checks are mapped here by issue code.
 */
export function issueFromZod(iss: z.core.$ZodIssue, rowBase?: number): PendingIssue {
  const path = [...iss.path];
  let row: number | undefined;
  if (rowBase !== undefined && typeof path[0] === 'number') {
    row = (path.shift() as number) + rowBase;
  }
  const where = path.map(String).join('.');
  const base = { ...(row !== undefined ? { row } : {}), path: where };
  // A schema's own key, except a type key (`z.string({ error: 'v.string' })`,
  // `z.number({ error: 'v.integer' })`), which zod also puts on the schema's length and range
  // checks: those say "too long" or "at most 2200", not "must be text" or "a whole number".
  const typeKeyOnRange = TYPE_KEYS.has(iss.message) && (iss.code === 'too_big' || iss.code === 'too_small');
  if (iss.message.startsWith('v.') && !typeKeyOnRange) return { ...base, key: messageKey(iss.message), params: paramsOf(iss) };
  switch (iss.code) {
    case 'invalid_type': {
      if ((iss as { input?: unknown }).input === undefined) return { ...base, key: 'v.required' };
      const key = ({ string: 'v.string', number: 'v.number', int: 'v.integer', boolean: 'v.boolean', array: 'v.array', object: 'v.object' } as Record<string, MessageKey>)[iss.expected] ?? 'v.string';
      return { ...base, key };
    }
    case 'too_small':
      if (iss.origin === 'string') return { ...base, key: 'v.notEmpty' };
      if (iss.origin === 'array') return { ...base, key: 'v.tooShort', params: { minimum: Number(iss.minimum) } };
      return { ...base, key: 'v.min', params: { minimum: Number(iss.minimum) } };
    case 'too_big':
      if (iss.origin === 'string') return { ...base, key: 'v.tooLong', params: { maximum: Number(iss.maximum) } };
      return { ...base, key: 'v.max', params: { maximum: Number(iss.maximum) } };
    case 'invalid_value':
      return { ...base, key: 'v.oneOf', params: { values: iss.values.map(String).join(', ') } };
    case 'unrecognized_keys':
      return { ...base, key: 'v.unknownField', params: { keys: iss.keys.join(', ') } };
    case 'invalid_union':
      return { ...base, key: 'v.string' };
    default:
      return { ...base, key: isMessageKey(iss.message) ? iss.message : 'v.string' };
  }
}

/** The keys that say what type a field must be: never the message of a range or length check. */
const TYPE_KEYS = new Set(['v.string', 'v.number', 'v.integer', 'v.boolean', 'v.array', 'v.object']);

function paramsOf(iss: z.core.$ZodIssue) {
  const input = (iss as { input?: unknown }).input;
  // A refinement's own parameters (`between`'s minimum and maximum) go with its key.
  const own = iss.code === 'custom' ? ((iss as { params?: Record<string, string | number> }).params ?? {}) : {};
  return { ...own, value: typeof input === 'string' || typeof input === 'number' ? String(input) : '' };
}

/** Parses or throws a ValidationError naming every failing field (and row, for arrays). */
export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, opts: { rowBase?: number } = {}): z.infer<S> {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map((i) => issueFromZod(i, opts.rowBase)));
}

// ---- Shared field schemas ----------------------------------------------------------------

/** A real calendar date written YYYY-MM-DD (2017-02-30 is not), within years 1900–2200. */
export function isIsoDate(s: string): boolean {
  return isCalendarDate(s) && Number(s.slice(0, 4)) >= 1900 && Number(s.slice(0, 4)) <= 2200;
}

export const isoDate = z.string({ error: 'v.date' }).refine(isIsoDate, { error: 'v.date' });

const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * The exact decimal text of a number given as a JSON number or a string; undefined when it
 * is not a plain decimal number ("12abc", "", NaN). No rounding happens here.
 */
export function decimalText(v: unknown): string | undefined {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    const s = String(v);
    if (!/e/i.test(s)) return s;
    return plainFromExponent(s);
  }
  if (typeof v === 'string') {
    const s = v.trim();
    if (!DECIMAL.test(s)) return undefined;
    return s.startsWith('+') ? s.slice(1) : s;
  }
  return undefined;
}

/** A number literal with an exponent as a plain decimal: '1.5e-3' → '0.0015'. */
export function plainFromExponent(s: string): string {
  const [mant, expStr] = s.toLowerCase().split('e');
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const [int, frac = ''] = mant.replace('-', '').split('.');
  const digits = int + frac;
  let point = int.length + exp;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  out = out.replace(/^0+(?=\d)/, '');
  return (neg ? '-' : '') + out;
}

export const decimal = z
  .union([z.number(), z.string()], { error: 'v.decimal' })
  .refine((v) => decimalText(v) !== undefined, { error: 'v.decimal' })
  .transform((v) => decimalText(v)!);

export const text = (max = 200) => z.string({ error: 'v.string' }).trim().min(1, { error: 'v.notEmpty' }).max(max);
export const optionalText = (max = 2000) =>
  z
    .string({ error: 'v.string' })
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v === '' || v === undefined ? null : v));
export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;

/**
 * A whole number that fits PostgreSQL's `integer` (counts, targets, versions): anything
 * outside −2^31 … 2^31−1 is a 400 naming the field before the database sees it. Used for
 * every integer column written from a JSON body; narrower bounds chain on (`int32.min(0)`).
 */
export const int32 = z
  .number({ error: 'v.integer' })
  // The range first, so that 2^53 (not a safe integer either) is told its range.
  .min(INT32_MIN, { error: 'v.int32' })
  .max(INT32_MAX, { error: 'v.int32' })
  .int({ error: 'v.integer' });

/**
 * A number from `min` to `max` whose range failure names both ends ("must be from -90 to
 * 90"), for fields where either bound alone would mislead (coordinates).
 */
export function numberBetween(min: number, max: number) {
  return z.number({ error: 'v.number' }).refine((v) => v >= min && v <= max, { error: 'v.between', params: { minimum: min, maximum: max } });
}

/** A row id: a positive integer that fits PostgreSQL's `integer` (ids, `?siteId=`). */
export const id = z.coerce.number({ error: 'v.integer' }).int({ error: 'v.integer' }).positive().max(INT32_MAX, { error: 'v.int32' });

/** In a zod refinement: a `v.duplicateInBatch` issue at each value that repeats an earlier one
 * (at `[i, field]` when the values are a field of the list's items).
 * @example z.array(id).superRefine((list, ctx) => flagDuplicates(ctx, list)) */
export function flagDuplicates(ctx: z.RefinementCtx, values: readonly unknown[], field?: string): void {
  const seen = new Set<unknown>();
  values.forEach((v, i) => {
    if (seen.has(v)) ctx.addIssue({ code: 'custom', path: field === undefined ? [i] : [i, field], message: 'v.duplicateInBatch', input: v });
    seen.add(v);
  });
}

/**
 * A body that is one object or a list of them: parsed with `one` or `list`, rows numbered
 * from 1 in a list. `batch` says which was sent (the answer mirrors it).
 */
export function parseOneOrList<S extends z.ZodType, L extends z.ZodType<z.infer<S>[]>>(one: S, list: L, body: unknown): { batch: boolean; inputs: z.infer<S>[] } {
  const batch = Array.isArray(body);
  return { batch, inputs: batch ? parseOrThrow(list, body, { rowBase: 1 }) : [parseOrThrow(one, body)] };
}
