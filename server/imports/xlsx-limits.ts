import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AppError } from '../errors.js';

/**
 * What one XLSX may unpack to. A zip inflates each entry by up to about a thousand times,
 * so a few megabytes can hold gigabytes of XML (a "zip bomb"): these limits are checked on
 * the inflated bytes as they stream, before anything grows in memory.
 */
export const XLSX_LIMITS = {
  /** Inflated bytes of all entries together. */
  inflatedBytes: 200 * 1024 * 1024,
  /** Inflated bytes of xl/sharedStrings.xml, which is held in memory while the sheet is read. */
  sharedStringBytes: 64 * 1024 * 1024,
  /** Strings in the shared-string table. */
  sharedStrings: 1_000_000,
  /** Entries (files) in the zip. */
  entries: 1_000,
};
export type XlsxLimits = typeof XLSX_LIMITS;

const tooLarge = (what: 'inflated' | 'sharedStrings' | 'entries', limit: number) =>
  new AppError(413, 'ImportTooLarge', `sec.xlsx.${what}`, { limit: what === 'entries' || what === 'sharedStrings' ? limit : Math.floor(limit / (1024 * 1024)) });

/** Counts inflated bytes against a budget shared by every entry of one file. */
class Budget {
  total = 0;
  constructor(readonly limits: XlsxLimits) {}
  meter(path: string): Transform {
    let own = 0;
    const shared = path === 'xl/sharedStrings.xml';
    return new Transform({
      transform: (chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) => {
        this.total += chunk.length;
        own += chunk.length;
        if (this.total > this.limits.inflatedBytes) return done(tooLarge('inflated', this.limits.inflatedBytes));
        if (shared && own > this.limits.sharedStringBytes) return done(tooLarge('inflated', this.limits.sharedStringBytes));
        done(null, chunk);
      },
    });
  }
}

type Unzip = { Parse(o: { forceStream: boolean }): Transform };
let unzipper: Unzip | undefined;
/** ExcelJS's own unzipper, required on the first XLSX: it pulls in about 200 modules
 * (bluebird, fstream, es-abstract …) that a server which never reads a workbook need not hold. */
function unzip(): Unzip {
  unzipper ??= createRequire(createRequire(import.meta.url).resolve('exceljs'))('unzipper') as Unzip;
  return unzipper;
}

type Entry = Readable & { path: string; vars?: { uncompressedSize?: number }; autodrain(): unknown };
type Internals = {
  options: Record<string, unknown>;
  stream: Readable;
  sharedStrings?: unknown[];
  workbookRels?: unknown;
  input: unknown;
  _getStream(input: unknown): Readable;
  _parseRels(entry: Readable): Promise<unknown>;
  _parseWorkbook(entry: Readable): Promise<unknown>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<unknown>;
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
  _parseHyperlinks(iterator: AsyncIterable<Buffer | string>, sheetNo: string): Generator<unknown>;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctor<T> = abstract new (...args: any[]) => T;

/**
 * ExcelJS's streaming workbook reader with XLSX_LIMITS enforced: its entry loop
 * (exceljs 4.4.0 `WorkbookReader.parse`), with every entry read through a meter, entries
 * counted, declared sizes checked up front and the shared-string table capped. Worksheets
 * that come before the shared strings wait in a temporary file (metered too) and are
 * removed afterwards.
 */
export function withXlsxLimits<B extends Ctor<object>>(Base: B, limits: XlsxLimits = XLSX_LIMITS) {
  abstract class Limited extends Base {
    #strings: unknown[] | undefined;

    // ExcelJS assigns a fresh array when it meets the shared strings; it is capped here.
    get sharedStrings(): unknown[] | undefined {
      return this.#strings;
    }
    set sharedStrings(v: unknown[] | undefined) {
      if (!Array.isArray(v)) {
        this.#strings = v;
        return;
      }
      const capped = v;
      const push = capped.push.bind(capped);
      capped.push = (...items: unknown[]) => {
        if (capped.length + items.length > limits.sharedStrings) throw tooLarge('sharedStrings', limits.sharedStrings);
        return push(...items);
      };
      this.#strings = capped;
    }

    async *parse(this: Limited & Internals, input?: unknown, options?: Record<string, unknown>): AsyncGenerator<unknown> {
      if (options) this.options = options;
      const stream = (this.stream = this._getStream(input ?? this.input));
      const zip = unzip().Parse({ forceStream: true });
      stream.pipe(zip);
      const budget = new Budget(limits);
      const waiting: { sheetNo: string; path: string }[] = [];
      let entries = 0;
      try {
        for await (const raw of zip as AsyncIterable<Entry>) {
          if (++entries > limits.entries) throw tooLarge('entries', limits.entries);
          const declared = raw.vars?.uncompressedSize ?? 0;
          if (declared > limits.inflatedBytes) throw tooLarge('inflated', limits.inflatedBytes);
          const entry = raw.pipe(budget.meter(raw.path));
          raw.on('error', (err) => entry.destroy(err));
          const sheet = /^xl\/worksheets\/sheet(\d+)[.]xml$/.exec(raw.path);
          const rels = /^xl\/worksheets\/_rels\/sheet(\d+)[.]xml.rels$/.exec(raw.path);
          if (raw.path === 'xl/_rels/workbook.xml.rels') await this._parseRels(entry);
          else if (raw.path === 'xl/workbook.xml') await this._parseWorkbook(entry);
          else if (raw.path === 'xl/sharedStrings.xml') yield* this._parseSharedStrings(entry);
          else if (raw.path === 'xl/styles.xml') await this._parseStyles(entry);
          else if (sheet && this.sharedStrings && this.workbookRels) yield* this._parseWorksheet(entry, sheet[1]);
          else if (sheet) {
            const path = join(tmpdir(), `demoplot-xlsx-${randomUUID()}`);
            waiting.push({ sheetNo: sheet[1], path });
            const out = createWriteStream(path);
            entry.pipe(out);
            await Promise.all([finished(entry), finished(out)]);
          } else if (rels) yield* this._parseHyperlinks(entry, rels[1]);
          else {
            entry.resume();
            await finished(entry);
          }
          entry.resume();
          await finished(entry);
        }
        for (const { sheetNo, path } of waiting) yield* this._parseWorksheet(createReadStream(path), sheetNo);
      } finally {
        stream.unpipe(zip);
        zip.destroy();
        for (const { path } of waiting) await rm(path, { force: true });
      }
    }
  }
  return Limited;
}
