import { stringify } from 'csv-stringify';
import type ExcelJS from 'exceljs';
import { once } from 'node:events';
import type { Response } from 'express';
import { decimalPlaces, fitsInDouble, significantDigits } from './cells.js';
import { neutralise } from './formula-guard.js';

/** A stored decimal an XLSX number cell carries and a spreadsheet shows as it is: a double
 * holds it exactly and it has at most 15 significant digits (else it is written as text). */
const asNumberCell = (d: string) => fitsInDouble(d) && significantDigits(d) <= 15;

/** A cell to write: text, an exact decimal number, or a calendar day. */
export type OutCell = string | number | null | undefined | { number: string } | { date: string };

export interface SheetWriter {
  row(cells: OutCell[]): Promise<void>;
  end(): Promise<void>;
}

/**
 * `attachment` with the name as an ASCII fallback and as RFC 5987 UTF-8, so a Chinese file
 * name arrives intact ("2017 番茄…-观测数据.csv").
 */
export function contentDisposition(fileName: string, fallback: string): string {
  const encoded = encodeURIComponent(fileName).replace(/['()*!]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return `attachment; filename="${fallback.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encoded}`;
}

/** A file name without characters that file systems refuse. */
export function safeFileName(name: string): string {
  return name.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_').trim().slice(0, 120);
}

export interface WriterOptions {
  format: 'csv' | 'xlsx';
  fileName: string;
  fallbackName: string;
  /** UTF-8 BOM at the start of a CSV so Excel reads Chinese correctly (default true). */
  bom?: boolean;
  /** Quote every CSV field (Field Book's trait file does). */
  quoteAll?: boolean;
  sheetName?: string;
  contentType?: string;
}

/**
 * Streams a table to the response as CSV (UTF-8 with BOM, CRLF, numbers as their exact text)
 * or XLSX (numbers as number cells when a double holds them exactly, with as many decimals
 * as stored; days as date cells). Rows are written as they come, never all held. ExcelJS is
 * loaded on the first XLSX, not at start.
 */
export async function sheetWriter(res: Response, header: string[], opts: WriterOptions): Promise<SheetWriter> {
  res.setHeader('Content-Disposition', contentDisposition(opts.fileName, opts.fallbackName));
  res.setHeader('Cache-Control', 'no-store');
  if (opts.format === 'csv') {
    res.type(opts.contentType ?? 'text/csv; charset=utf-8');
    if (opts.bom !== false) res.write('\uFEFF');
    const csv = stringify({ record_delimiter: 'windows', quoted: opts.quoteAll ?? false, quoted_empty: opts.quoteAll ?? false });
    csv.pipe(res);
    const write = async (cells: OutCell[]) => {
      if (!csv.write(cells.map(csvText))) await once(csv, 'drain');
    };
    void write(header);
    return {
      row: write,
      end: async () => {
        csv.end();
        await once(res, 'finish');
      },
    };
  }
  const { default: Excel } = await import('exceljs');
  res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  const book = new Excel.stream.xlsx.WorkbookWriter({ stream: res, useStyles: true, useSharedStrings: false });
  const sheet = book.addWorksheet(opts.sheetName ?? 'Sheet1', { views: [{ state: 'frozen', ySplit: 1 }] });
  const head = sheet.addRow(header);
  head.font = { bold: true };
  head.commit();
  return {
    row: async (cells) => {
      const row = sheet.addRow(cells.map(xlsxValue));
      cells.forEach((c, i) => {
        const fmt = xlsxFormat(c);
        if (fmt) row.getCell(i + 1).numFmt = fmt;
      });
      row.commit();
      if (res.writableNeedDrain) await once(res, 'drain');
    },
    end: async () => {
      sheet.commit();
      await book.commit();
    },
  };
}

function csvText(c: OutCell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return neutralise(c);
  if (typeof c === 'number') return String(c);
  return 'number' in c ? c.number : c.date;
}

function xlsxValue(c: OutCell): ExcelJS.CellValue {
  if (c === null || c === undefined) return null;
  if (typeof c === 'string' || typeof c === 'number') return c;
  if ('date' in c) {
    const [y, m, d] = c.date.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, d));
  }
  return asNumberCell(c.number) ? Number(c.number) : c.number;
}

function xlsxFormat(c: OutCell): string | undefined {
  if (c && typeof c === 'object') {
    if ('date' in c) return 'yyyy-mm-dd';
    if (asNumberCell(c.number)) {
      const places = decimalPlaces(c.number);
      return places ? `0.${'0'.repeat(places)}` : '0';
    }
  }
  return undefined;
}
