import type { Kysely } from 'kysely';
import type pg from 'pg';

/**
 * `COPY … FROM STDIN` for bulk staging on PostgreSQL. The pg pool behind a Kysely instance
 * is remembered when the instance is made (db/connect.ts); on PGlite there is none and
 * callers write with multi-row INSERTs instead.
 */
const pools = new WeakMap<object, pg.Pool>();

export function registerCopyPool(db: Kysely<unknown>, pool: pg.Pool): void {
  pools.set(db, pool);
}

/** Whether openCopy can stream to this database. */
export function canCopy(db: Kysely<unknown>): boolean {
  return pools.has(db);
}

export interface CopyWriter {
  /** Sends text-format lines; resolves when the connection can take more. */
  write(lines: string): Promise<void>;
  /** Ends the COPY; resolves once the server has stored every row. */
  end(): Promise<void>;
  /** Abandons the COPY: nothing it sent is kept, and the connection is discarded. */
  abort(): Promise<void>;
}

/**
 * Starts `copy <table> (<columns>) from stdin` on a connection of its own (see canCopy). The COPY is its own
 * transaction: its rows are visible once `end` resolves.
 */
export async function openCopy(db: Kysely<unknown>, table: string, columns: string[]): Promise<CopyWriter> {
  const pool = pools.get(db);
  if (!pool) throw new Error('COPY from a client stream needs PostgreSQL');
  const { from } = await import('pg-copy-streams');
  const client = await pool.connect();
  let stream: ReturnType<typeof from>;
  try {
    stream = client.query(from(`copy ${table} (${columns.join(', ')}) from stdin`));
  } catch (err) {
    client.release(err as Error);
    throw err;
  }
  let failure: Error | null = null;
  stream.on('error', (err) => (failure ??= err));
  let released = false;
  const release = (err?: Error) => {
    if (released) return;
    released = true;
    client.release(err);
  };
  const drained = () =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        if (failure) reject(failure);
        else resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
      stream.on('close', done);
    });
  return {
    async write(lines) {
      if (failure) throw failure;
      if (!stream.write(lines)) await drained();
    },
    async end() {
      if (failure) {
        release(failure);
        throw failure;
      }
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('finish', resolve);
        stream.end();
      }).catch((err) => {
        release(err as Error);
        throw err;
      });
      release();
    },
    async abort() {
      if (released) return;
      const err = failure ?? new Error('COPY abandoned');
      // destroy() sends CopyFail, so the server rolls the COPY back; the connection is then
      // closed rather than reused.
      const closed = new Promise<void>((resolve) => {
        if (stream.closed) resolve();
        stream.once('close', () => resolve());
        setTimeout(resolve, 5000).unref();
      });
      stream.destroy(err);
      await closed;
      release(err);
    },
  };
}

/** A value as a field of COPY's text format: \N for null, with \\, \t, \n and \r escaped. */
export function copyField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'string' ? v : String(v);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}
