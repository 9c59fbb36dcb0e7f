import type { MessageKey, Params } from '../i18n/i18n.js';
import { decimalText, isIsoDate } from '../validation.js';

/** A cell as read: text from CSV; text, number, date or boolean from XLSX; null when empty. */
export type Cell = string | number | boolean | Date | null;

/** A cell that could not be read as asked, as a message key for the preview. */
export interface CellProblem {
  key: MessageKey;
  params?: Params;
}

export type Read<T> = { ok: true; value: T } | ({ ok: false } & CellProblem);

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const fail = (key: MessageKey, params?: Params): Read<never> => ({ ok: false, key, ...(params ? { params } : {}) });

/** True for an empty cell or one holding only spaces. */
export function isBlank(cell: Cell | undefined): boolean {
  return cell === null || cell === undefined || (typeof cell === 'string' && cell.trim() === '');
}

const NOT_AVAILABLE = /^(?:NA|N\/A|#N\/A)$/i;

/**
 * True for a cell that holds no observation: empty, spaces only, or a spreadsheet's or R's
 * marker for a missing value (`NA`, `N/A`, `#N/A`). Such a cell is never read as a value.
 * @example isMissing('#N/A') // => true
 */
export function isMissing(cell: Cell | undefined): boolean {
  return isBlank(cell) || (typeof cell === 'string' && NOT_AVAILABLE.test(cell.trim()));
}

/**
 * The cell as the text a person sees: trimmed text; a number's exact decimal text; a date
 * cell as YYYY-MM-DD. Used for labels, names, categories and free text.
 * @example cellText(12) // => '12'
 */
export function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell.trim();
  if (typeof cell === 'number') return decimalText(cell) ?? String(cell);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return utcDay(cell) ?? '';
}

/** Full-width digits and punctuation (５４２７．１, ２０１７／４／２) as ASCII; U+2212 as '-'. */
export function halfWidth(s: string): string {
  return s.normalize('NFKC').replace(/[\u2212\u2012\u2013\uFE63]/g, '-').trim();
}

const GROUPED = /^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$/;

/**
 * A number's exact decimal text. Accepts full-width digits and comma thousands separators in
 * their proper places (5,427.1); refuses anything that needs a guess: a comma elsewhere
 * (5,4 is a decimal comma or a typo), spaces inside, a percent sign, a date.
 * @example readDecimal('５，４２７．１０') // => { ok: true, value: '5427.10' }
 */
export function readDecimal(cell: Cell): Read<string> {
  if (typeof cell === 'number') {
    const d = decimalText(cell);
    return d === undefined ? fail('v.decimal', { value: String(cell) }) : ok(d);
  }
  if (cell instanceof Date) return fail('imp.dateNotNumber', { value: cellText(cell) });
  if (typeof cell === 'boolean') return fail('v.decimal', { value: cellText(cell) });
  const raw = (cell ?? '').trim();
  let s = halfWidth(raw);
  if (s.endsWith('%')) return fail('imp.percent', { value: raw });
  if (s.includes(',')) {
    if (!GROUPED.test(s)) return fail('imp.ambiguousNumber', { value: raw });
    s = s.replace(/,/g, '');
  }
  const d = decimalText(s);
  return d === undefined ? fail('v.decimal', { value: raw }) : ok(d);
}

const DAY_MS = 86_400_000;
/** Day 0 of Excel's 1900 date system, counted so that serial 61 is 1900-03-01 (Excel
 * counts a 29 February 1900 that never was; dates before March 1900 do not occur here). */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** The calendar day of an Excel serial number (42827 → 2017-04-02); the time of day is dropped. */
export function excelSerialDay(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 61 || serial > 2_958_465) return undefined;
  return utcDay(new Date(EXCEL_EPOCH + Math.floor(serial) * DAY_MS));
}

/** The Excel serial number of a YYYY-MM-DD day. */
export function dayToExcelSerial(day: string): number {
  const [y, m, d] = day.split('-').map(Number);
  return (Date.UTC(y, m - 1, d) - EXCEL_EPOCH) / DAY_MS;
}

function utcDay(d: Date): string | undefined {
  if (Number.isNaN(d.getTime())) return undefined;
  const s = d.toISOString().slice(0, 10);
  return isIsoDate(s) ? s : undefined;
}

const pad = (n: string) => n.padStart(2, '0');
// A time after the day is allowed (exports often carry 0:00) but must be a real time of day.
const TIME = String.raw`(?:[ T](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)?`;
const YMD = new RegExp(String.raw`^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})${TIME}$`);
const CHINESE = /^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/;
const SERIAL = /^\d{5}(\.\d+)?$/;
const DAY_FIRST_OR_MONTH_FIRST = /^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}/;
const SHORT_YEAR = /^\d{2}[-/.]\d{1,2}[-/.]\d{1,2}$/;

/**
 * A calendar day as YYYY-MM-DD from the ways a date arrives in a sheet: 2017-04-02,
 * 2017/4/2, 2017.4.2, 2017年4月2日, with a time of day after it (the day as written, no
 * time-zone shift: "2017-04-22 10:31:05-0700" is 2017-04-22), an Excel date cell or an
 * Excel serial number (42827). A day-first or month-first date (02/04/2017) is refused as
 * ambiguous rather than guessed.
 * @example readDate('2017年4月2日') // => { ok: true, value: '2017-04-02' }
 */
export function readDate(cell: Cell): Read<string> {
  if (cell instanceof Date) {
    const d = utcDay(cell);
    return d ? ok(d) : fail('imp.badDate', { value: String(cell) });
  }
  if (typeof cell === 'number') {
    const d = excelSerialDay(cell);
    return d ? ok(d) : fail('imp.badDate', { value: String(cell) });
  }
  const raw = typeof cell === 'string' ? cell.trim() : cellText(cell);
  const s = halfWidth(raw);
  let m = YMD.exec(s);
  if (m) return calendar(m[1], m[3], m[4], raw);
  m = CHINESE.exec(s);
  if (m) return calendar(m[1], m[2], m[3], raw);
  if (SERIAL.test(s)) {
    const d = excelSerialDay(Number(s));
    if (d) return ok(d);
  }
  if (DAY_FIRST_OR_MONTH_FIRST.test(s) || SHORT_YEAR.test(s)) return fail('imp.ambiguousDate', { value: raw });
  return fail('imp.badDate', { value: raw });
}

function calendar(y: string, m: string, d: string, raw: string): Read<string> {
  const iso = `${y}-${pad(m)}-${pad(d)}`;
  return isIsoDate(iso) ? ok(iso) : fail('imp.badDate', { value: raw });
}

/** A column's spreadsheet letter from its zero-based index: 0 → A, 27 → AB. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** Moves the decimal point of an exact decimal text: shiftDecimal('0.032', 2) → '3.2'. */
export function shiftDecimal(text: string, places: number): string {
  const neg = text.startsWith('-');
  const [int, frac = ''] = text.replace(/^[-+]/, '').split('.');
  const digits = int + frac;
  const point = int.length + places;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  out = out.replace(/^0+(?=\d)/, '');
  if (out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, '');
  return (neg && /[1-9]/.test(out) ? '-' : '') + out;
}

/**
 * True when a JavaScript number carries this decimal exactly (so an XLSX number cell can
 * hold it): '5427.10' yes, '0.1' yes, '0.12345678901234567890' no.
 */
export function fitsInDouble(text: string): boolean {
  const n = Number(text);
  if (!Number.isFinite(n)) return false;
  const back = decimalText(n);
  return back !== undefined && sameDecimal(back, text);
}

/** Significant digits of a plain decimal: '0.0012300' → 3, '5427.10' → 5, '1200' → 2. */
export function significantDigits(text: string): number {
  return text.replace(/^[-+]/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

/**
 * A number as a spreadsheet shows it: at most 15 significant digits, as Excel keeps what is
 * typed and writes CSV. A longer double in an XLSX cell is a calculation's binary residue
 * (=0.1+0.2 is stored as 0.30000000000000004 and shown as 0.3), not a measurement.
 * @example spreadsheetNumber(0.1 + 0.2) // => 0.3
 */
export function spreadsheetNumber(n: number): number {
  const d = decimalText(n);
  return d !== undefined && significantDigits(d) > 15 ? Number(n.toPrecision(15)) : n;
}

/** Equal decimal values written differently: '5427.1' and '5427.10'. */
export function sameDecimal(a: string, b: string): boolean {
  return canonicalDecimal(a) === canonicalDecimal(b);
}

/**
 * Compares two plain decimals exactly (no float rounding): -1, 0 or 1.
 * @example compareDecimal('30000.0000000000000001', '30000') // => 1
 */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const x = canonicalDecimal(a);
  const y = canonicalDecimal(b);
  if (x === y) return 0;
  const xn = x.startsWith('-');
  const yn = y.startsWith('-');
  if (xn !== yn) return xn ? -1 : 1;
  const [xi, xf = ''] = x.replace(/^-/, '').split('.');
  const [yi, yf = ''] = y.replace(/^-/, '').split('.');
  const width = Math.max(xf.length, yf.length);
  const magnitude = xi.length !== yi.length ? (xi.length < yi.length ? -1 : 1) : xi + xf.padEnd(width, '0') < yi + yf.padEnd(width, '0') ? -1 : 1;
  return (xn ? -magnitude : magnitude) as -1 | 1;
}

function canonicalDecimal(s: string): string {
  let t = s.trim().replace(/^\+/, '');
  const neg = t.startsWith('-');
  t = t.replace(/^-/, '');
  let [int, frac = ''] = t.split('.');
  int = int.replace(/^0+(?=\d)/, '') || '0';
  frac = frac.replace(/0+$/, '');
  const out = frac ? `${int}.${frac}` : int;
  return out === '0' ? '0' : (neg ? '-' : '') + out;
}

/** The number of decimal places written: '5427.10' → 2. */
export function decimalPlaces(text: string): number {
  const i = text.indexOf('.');
  return i < 0 ? 0 : text.length - i - 1;
}
