import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable, type Readable } from 'node:stream';
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../errors.js';

/** The largest upload accepted unless DEMOPLOT_MAX_UPLOAD_MB says otherwise: a season's
 * sheets are far smaller. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

/** The answer to an upload over the limit, naming the limit. */
export function uploadTooLarge(maxBytes: number): AppError {
  return new AppError(413, 'PayloadTooLarge', 'sec.uploadTooLarge', { mb: Math.floor(maxBytes / (1024 * 1024)) });
}

/**
 * Writes an upload to a temporary file as it arrives and hands the same bytes on to a live
 * reader, so a file is checked while it is still uploading (the upload's progress is the
 * check's progress) and can be read again from disk if the first reading has to restart.
 * It also notes whether the bytes are valid UTF-8 and keeps the first bytes for sniffing.
 */
export class Spool extends Writable {
  readonly path = join(tmpdir(), `demoplot-import-${randomUUID()}`);
  bytes = 0;
  utf8 = true;
  #file: Promise<FileHandle>;
  #decoder = new TextDecoder('utf-8', { fatal: true });
  #live: PassThrough | null = new PassThrough({ highWaterMark: 256 * 1024 });
  #head = Buffer.alloc(0);
  #headWaiters: Array<(b: Buffer) => void> = [];
  #wake: (() => void) | null = null;

  constructor(private readonly maxBytes = MAX_UPLOAD_BYTES) {
    super({ highWaterMark: 256 * 1024 });
    this.#file = open(this.path, 'w');
    this.#file.catch(() => undefined);
    // The reader sees a failure through its own reading; an 'error' event nobody listens to
    // (the reader finished or has not started) must not end the process.
    this.#live!.on('error', () => undefined);
  }

  /** The bytes as they arrive; null once detached. */
  get live(): PassThrough | null {
    return this.#live;
  }

  /** The first bytes of the file (at least 8 unless the file is shorter). */
  head(): Promise<Buffer> {
    if (this.#head.length >= 8 || this.writableFinished) return Promise.resolve(this.#head);
    return new Promise((resolve) => this.#headWaiters.push(resolve));
  }

  /** Stops feeding the live reader (it failed or must restart); the file still fills up. */
  detachLive(): void {
    const live = this.#live;
    this.#live = null;
    this.#wake?.();
    live?.destroy();
  }

  /** A fresh stream of the whole file, once the upload has finished. */
  replay(): Readable {
    return createReadStream(this.path, { highWaterMark: 256 * 1024 });
  }

  async remove(): Promise<void> {
    await (await this.#file.catch(() => null))?.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }

  #settleHead(): void {
    const waiters = this.#headWaiters.splice(0);
    for (const w of waiters) w(this.#head);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    void (async () => {
      this.bytes += chunk.length;
      if (this.bytes > this.maxBytes) throw uploadTooLarge(this.maxBytes);
      if (this.#head.length < 8) {
        this.#head = Buffer.concat([this.#head, chunk.subarray(0, 64)]);
        if (this.#head.length >= 8) this.#settleHead();
      }
      if (this.utf8) {
        try {
          this.#decoder.decode(chunk, { stream: true });
        } catch {
          this.utf8 = false;
        }
      }
      const fh = await this.#file;
      await fh.write(chunk);
      const live = this.#live;
      if (live && !live.write(chunk)) {
        await new Promise<void>((resolve) => {
          const finish = () => {
            live.off('drain', finish);
            live.off('close', finish);
            this.#wake = null;
            resolve();
          };
          this.#wake = finish;
          live.once('drain', finish);
          live.once('close', finish);
        });
      }
    })().then(() => done(), (err: Error) => done(err));
  }

  override _final(done: (err?: Error | null) => void): void {
    void (async () => {
      if (this.utf8) {
        try {
          this.#decoder.decode();
        } catch {
          this.utf8 = false;
        }
      }
      await (await this.#file).close();
      this.#settleHead();
      this.#live?.end();
    })().then(() => done(), (err: Error) => done(err));
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.#settleHead();
    // After a normal finish (auto-destroy) the live reader may still be reading what was
    // handed to it; it is torn down only when the upload failed.
    if (err) this.#live?.destroy(err);
    done(err);
  }
}

export interface Upload {
  spool: Spool;
  /** The file's name when the client gave one (multipart). */
  fileName: string | null;
  /** The other multipart fields that came before the file (kind, shape, _csrf). */
  fields: Record<string, string>;
  /** Resolves when the whole upload is on disk; rejects on a broken or oversized upload. */
  done: Promise<void>;
  /** The most data rows the file may hold (DEMOPLOT_MAX_IMPORT_ROWS). */
  maxRows: number;
}

/** DEMOPLOT_MAX_UPLOAD_MB and DEMOPLOT_MAX_IMPORT_ROWS, as the app holds them. */
export interface UploadLimits {
  uploadBytes: number;
  importRows: number;
}

export const MAX_IMPORT_ROWS = 1_000_000;

const RAW_TYPES = [
  'text/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/csv',
  'application/vnd.ms-excel',
  'application/octet-stream',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

/** True when the request's content type is one an import accepts as its body. */
export function isUploadType(contentType: string | undefined): boolean {
  const t = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return t === 'multipart/form-data' || RAW_TYPES.includes(t);
}

/**
 * Starts receiving an import file: the raw body (CSV, XLSX, octet-stream) or the `file`
 * field of a multipart form. Resolves once the file's bytes start to arrive, with the
 * spool the file is written through.
 */
export function receiveUpload(body: Readable, headers: IncomingHttpHeaders, limits: Partial<UploadLimits> = {}): Promise<Upload> {
  const maxBytes = limits.uploadBytes ?? MAX_UPLOAD_BYTES;
  const maxRows = limits.importRows ?? MAX_IMPORT_ROWS;
  // A declared length over the limit is refused before a byte is written.
  const declared = Number(headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + 64 * 1024) {
    body.resume();
    return Promise.reject(uploadTooLarge(maxBytes));
  }
  const type = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'multipart/form-data') {
    if (!RAW_TYPES.includes(type)) {
      return Promise.reject(new AppError(415, 'UnsupportedMediaType', 'error.UnsupportedMediaType', { type: type || '-' }));
    }
    const spool = new Spool(maxBytes);
    const done = handled(pump(body, spool));
    const name = headers['x-file-name'];
    return Promise.resolve({ spool, fileName: typeof name === 'string' ? safeDecode(name) : null, fields: {}, done, maxRows });
  }
  return new Promise<Upload>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers, limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 10_000 }, defParamCharset: 'utf8' });
    } catch {
      reject(new AppError(400, 'ImportNoFile', 'imp.error.noFile'));
      return;
    }
    const fields: Record<string, string> = {};
    let started = false;
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('file', (name, file, info) => {
      if (name !== 'file' || started) {
        file.resume();
        return;
      }
      started = true;
      const spool = new Spool(maxBytes);
      // busboy stops a file at the limit and marks it truncated; the spool refuses it first.
      file.on('limit', () => spool.destroy(uploadTooLarge(maxBytes)));
      const done = pump(file, spool).then(() => {
        if ((file as Readable & { truncated?: boolean }).truncated) throw uploadTooLarge(maxBytes);
      });
      resolve({ spool, fileName: info.filename ? info.filename : null, fields, maxRows, done: handled(Promise.all([done, finished]).then(() => undefined)) });
    });
    const finished = new Promise<void>((ok, fail) => {
      bb.on('close', () => {
        ok();
        if (!started) reject(new AppError(400, 'ImportNoFile', 'imp.error.noFile'));
      });
      bb.on('error', (err) => {
        fail(new AppError(400, 'ImportUnreadable', 'imp.error.unreadable', { detail: (err as Error).message }));
        if (!started) reject(new AppError(400, 'ImportUnreadable', 'imp.error.unreadable', { detail: (err as Error).message }));
      });
    });
    finished.catch(() => undefined);
    // A client that goes away mid-upload ends the form with an error, not silence.
    onPrematureClose(body, (err) => bb.destroy(err));
    body.pipe(bb);
  });
}

/**
 * A promise the process never reports as an unhandled rejection: the upload's `done` can
 * fail (too large, aborted) long before the import awaits it, and an unhandled rejection
 * ends a Node process.
 */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** Calls `fail` when the stream closes before its end (the client aborted the request). */
function onPrematureClose(source: Readable, fail: (err: Error) => void): void {
  source.on('close', () => {
    if (!source.readableEnded) fail(new Error('the upload was aborted before its end'));
  });
}

/** Copies a stream into the spool; on a spool failure the rest of the body is discarded. */
function pump(source: Readable, spool: Spool): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const broken = (err: Error) => {
      const appErr = err instanceof AppError ? err : new AppError(400, 'ImportUnreadable', 'imp.error.unreadable', { detail: err.message });
      spool.destroy(appErr);
      reject(appErr);
    };
    source.on('error', broken);
    onPrematureClose(source, broken);
    spool.on('error', (err) => {
      source.unpipe(spool);
      source.resume();
      reject(err);
    });
    spool.on('finish', () => resolve());
    source.pipe(spool);
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
