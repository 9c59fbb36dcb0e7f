import { parse } from 'csv-parse';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { Readable, pipeline } from 'node:stream';
import { AppError } from '../errors.js';
import { shiftDecimal, isBlank, spreadsheetNumber, type Cell } from './cells.js';
import { decimalText } from '../validation.js';
import { withXlsxLimits } from './xlsx-limits.js';
import { restore } from './formula-guard.js';

/** One non-blank row of a sheet with its spreadsheet row number (the header is row 1). */
export interface TableRow {
  row: number;
  cells: Cell[];
}

export type FileFormat = 'csv' | 'xlsx';
export type TextEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

/** Thrown while reading a file believed to be UTF-8 that turns out not to be. */
export class NotUtf8 extends Error {
  constructor() {
    super('not UTF-8');
  }
}

/**
 * What a file is, from its first bytes: XLSX (a zip), the old binary XLS (refused with a
 * clear message), or text, with the encoding a byte-order mark names.
 */
export function sniff(head: Buffer): { format: FileFormat; bom?: TextEncoding } {
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return { format: 'xlsx' };
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw new AppError(415, 'ImportXlsNotSupported', 'imp.error.xls');
  }
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { format: 'csv', bom: 'utf-8' };
  if (head[0] === 0xff && head[1] === 0xfe) return { format: 'csv', bom: 'utf-16le' };
  if (head[0] === 0xfe && head[1] === 0xff) return { format: 'csv', bom: 'utf-16be' };
  return { format: 'csv' };
}

/**
 * Text from bytes. UTF-8 is decoded strictly: an invalid sequence throws NotUtf8 so the
 * caller can read the file again as GB18030 (Excel's "CSV" on Chinese Windows). A BOM is
 * dropped.
 */
export async function* decodeText(bytes: AsyncIterable<Buffer>, encoding: TextEncoding): AsyncGenerator<string> {
  if (encoding === 'gb18030') {
    const decoder = iconv.getDecoder('gb18030');
    for await (const b of bytes) {
      const s = decoder.write(b);
      if (s) yield s;
    }
    const tail = decoder.end();
    if (tail) yield tail;
    return;
  }
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
  for await (const b of bytes) {
    let s: string;
    try {
      s = decoder.decode(b, { stream: true });
    } catch {
      throw new NotUtf8();
    }
    if (s) yield s;
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    throw new NotUtf8();
  }
  if (tail) yield tail;
}

/**
 * The rows of a CSV (comma- or tab-separated, from the first line) as text cells. Quoted
 * cells may hold commas and line breaks; a quoted multi-line cell is one spreadsheet row.
 * Blank rows are skipped but counted, so row numbers match what Excel shows.
 */
export async function* readCsv(text: AsyncIterable<string>): AsyncGenerator<TableRow> {
  const it = text[Symbol.asyncIterator]();
  let prefix = '';
  let next = await it.next();
  while (!next.done) {
    prefix += next.value;
    if (prefix.includes('\n') || prefix.length > 65536) break;
    next = await it.next();
  }
  const sourceDone = next.done === true;
  const firstLine = prefix.split('\n', 1)[0];
  const delimiter = !firstLine.includes(',') && firstLine.includes('\t') ? '\t' : ',';
  async function* all() {
    if (prefix) yield prefix;
    if (sourceDone) return;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  const parser = parse({ delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: false });
  const piped = pipeline(Readable.from(all(), { objectMode: false, encoding: 'utf8' }), parser, () => undefined);
  let row = 0;
  try {
    for await (const record of piped as AsyncIterable<string[]>) {
      row++;
      if (record.every((c) => isBlank(c))) continue;
      yield { row, cells: record.map(restore) };
    }
  } catch (err) {
    if (err instanceof NotUtf8 || err instanceof AppError) throw err;
    const e = err as { code?: string; lines?: number; message?: string };
    if (e.code?.startsWith('CSV_')) {
      throw new AppError(422, 'ImportUnreadable', 'imp.error.csv', { line: e.lines ?? row + 1, detail: e.message ?? '' });
    }
    throw err;
  }
}

type XlsxValue = ExcelJS.CellValue | undefined;

/** Decodes UTF-8 byte chunks as one stream, so a character split between chunks survives. */
async function* utf8Chunks(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const c of chunks) {
    const s = typeof c === 'string' ? c : decoder.decode(c, { stream: true });
    if (s) yield s;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}

type ReaderInternals = {
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): unknown;
  _parseSharedStrings(entry: Readable): unknown;
  _parseStyles(entry: Readable): unknown;
  _parseWorkbook(entry: Readable): unknown;
};
type WorkbookReader = ExcelJS.stream.xlsx.WorkbookReader & ReaderInternals;
type ReaderClass = new (input: Readable, options: Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>) => WorkbookReader;

let utf8SafeReader: Promise<ReaderClass> | undefined;

/**
 * ExcelJS's streaming reader decodes each decompressed chunk of XML on its own, so a Chinese
 * character that straddles two chunks turns into "��" (exceljs issues #2063, #2084). This
 * reader hands it text decoded across chunk boundaries instead. ExcelJS is loaded on the
 * first XLSX, not at start.
 */
function utf8SafeWorkbookReader(): Promise<ReaderClass> {
  utf8SafeReader ??= import('exceljs').then(({ default: Excel }) => {
    const BaseReader = withXlsxLimits(Excel.stream.xlsx.WorkbookReader as unknown as ReaderClass) as unknown as ReaderClass;
    return class Utf8SafeWorkbookReader extends BaseReader {
      override _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string) {
        return super._parseWorksheet(utf8Chunks(iterator), sheetNo);
      }
      override _parseSharedStrings(entry: Readable) {
        entry.setEncoding('utf8');
        return super._parseSharedStrings(entry);
      }
      override _parseStyles(entry: Readable) {
        entry.setEncoding('utf8');
        return super._parseStyles(entry);
      }
      override _parseWorkbook(entry: Readable) {
        entry.setEncoding('utf8');
        return super._parseWorkbook(entry);
      }
    };
  });
  return utf8SafeReader;
}

/**
 * An XLSX cell as a Cell: formulas by their result, rich text as its text, a number shown
 * as a percentage as that text ("3.2%", so it is never silently read as 0.032). A formula
 * cell without a value refuses the file, naming the cell: the streaming reader gives no
 * result both for an error result (#DIV/0!, #N/A) and for a file saved without results
 * (programs often write such files), and reading either as empty would drop it silently.
 */
function xlsxCell(cell: ExcelJS.Cell, rowNumber: number): Cell {
  let v: XlsxValue = cell.value;
  if (v && typeof v === 'object' && !(v instanceof Date) && ('formula' in v || 'sharedFormula' in v)) {
    const f = v as ExcelJS.CellFormulaValue & { sharedFormula?: string };
    if (f.result === undefined || f.result === null || (typeof f.result === 'number' && Number.isNaN(f.result))) {
      const formula = f.formula ? `=${f.formula}` : '';
      throw new AppError(422, 'ImportUnreadable', 'imp.error.formulaNoResult', { cell: cell.address, row: rowNumber, formula });
    }
    v = f.result as XlsxValue;
  }
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    if ('richText' in v) v = (v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('');
    else if ('text' in v) v = String((v as ExcelJS.CellHyperlinkValue).text);
    else if ('error' in v) v = String((v as ExcelJS.CellErrorValue).error);
    else v = null;
  }
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') v = spreadsheetNumber(v);
  if (typeof v === 'number' && /%/.test(cell.numFmt ?? '')) {
    const d = decimalText(v);
    return d === undefined ? String(v) : `${shiftDecimal(d, 2)}%`;
  }
  if (typeof v === 'number') {
    // A number shown with fixed decimals ("0.00", as exports write 5427.10) keeps its trailing
    // zeros: the stored text says how precisely it was measured. More decimals than shown are
    // kept as they are (never rounded to the format).
    const places = /^(?:#,##)?0\.(0+)$/.exec(cell.numFmt ?? '')?.[1].length;
    const d = places ? decimalText(v) : undefined;
    if (d !== undefined && places) {
      const have = d.includes('.') ? d.length - d.indexOf('.') - 1 : 0;
      if (have < places) return `${d}${have ? '' : '.'}${'0'.repeat(places - have)}`;
    }
  }
  if (typeof v === 'object' && !(v instanceof Date)) return null;
  return v as Cell;
}

/**
 * The rows of the first worksheet of an XLSX file, read as a stream (the workbook is never
 * held whole in memory). Date cells arrive as dates, numbers as numbers.
 */
export async function* readXlsx(bytes: Readable): AsyncGenerator<TableRow> {
  const Reader = await utf8SafeWorkbookReader();
  const reader = new Reader(bytes, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  let first = true;
  try {
    for await (const sheet of reader) {
      if (!first) continue;
      first = false;
      for await (const row of sheet as unknown as AsyncIterable<ExcelJS.Row>) {
        const cells: Cell[] = [];
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          cells[col - 1] = xlsxCell(cell, row.number);
        });
        for (let i = 0; i < cells.length; i++) if (cells[i] === undefined) cells[i] = null;
        if (cells.every((c) => isBlank(c))) continue;
        yield { row: row.number, cells };
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(422, 'ImportUnreadable', 'imp.error.xlsx', { detail: (err as Error).message });
  }
}
