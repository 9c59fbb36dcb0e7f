import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PGlite } from '@electric-sql/pglite';

/**
 * Raw access for writing many rows: parameterised queries and CSV `COPY ... FROM`, through a
 * `pg` client on PostgreSQL (pg-copy-streams) or a PGlite instance (`COPY FROM '/dev/blob'`).
 */
export interface BulkTarget {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** Runs `COPY table (columns) FROM STDIN (FORMAT csv)` with the given CSV lines. */
  copy(table: string, columns: string[], lines: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function postgresTarget(url: string): Promise<BulkTarget> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    query: async (text, params) => (await client.query(text, params)).rows,
    copy: async (table, columns, lines) => {
      const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin (format csv)`));
      await pipeline(Readable.from([lines.join('\n') + '\n']), stream);
    },
    close: () => client.end(),
  };
}

export async function pgliteTarget(dataDir: string): Promise<BulkTarget> {
  const db = await PGlite.create(dataDir);
  return {
    query: async (text, params = []) => (await db.query<any>(text, params)).rows,
    copy: async (table, columns, lines) => {
      await db.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob' (format csv)`, [], {
        blob: new Blob([lines.join('\n') + '\n']),
      });
    },
    close: () => db.close(),
  };
}
