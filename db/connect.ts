import { Kysely, PostgresDialect, CamelCasePlugin, CompiledQuery, type DatabaseConnection } from 'kysely';
import pg from 'pg';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlitePool } from './pglite-pool.js';
import type { Database } from './database.js';
import { makeActorHook, SET_ACTOR_SQL } from './actor.js';
import { registerCopyPool } from './copy.js';
import { lockFolder } from './folder-lock.js';
import { pgliteTemplate, unpackTemplate } from './pglite-template.js';

export type DatabaseKind = 'pglite' | 'postgresql';

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL connection string; without one the embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite's data folder, or `memory://` for a database that lives only in memory. */
  dataDir?: string;
  /** Connections in the pg pool. */
  poolSize?: number;
}

/**
 * Dates stay `YYYY-MM-DD` strings (a JavaScript Date would shift them with the time zone),
 * numerics stay exact decimal strings, bigint counts become numbers.
 */
const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;

function pgTypes() {
  return {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === DATE_OID) return (v: string) => v;
      if (oid === INT8_OID) return (v: string) => Number(v);
      if (oid === NUMERIC_OID) return (v: string) => v;
      return pg.types.getTypeParser(oid, format as 'text');
    },
  };
}

/** Every connection handed out carries the current actor for the audit triggers (db/actor.ts);
 * on PostgreSQL the pool also serves COPY (db/copy.ts). */
export function makeKysely(dialectPool: pg.Pool | PGlitePool): Kysely<Database> {
  const setActor = makeActorHook<DatabaseConnection>((connection, params) => connection.executeQuery(CompiledQuery.raw(SET_ACTOR_SQL, params)));
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: dialectPool as unknown as pg.Pool, onReserveConnection: setActor }),
    plugins: [new CamelCasePlugin()],
  });
  if (dialectPool instanceof pg.Pool) registerCopyPool(db as Kysely<unknown>, dialectPool);
  return db;
}

/**
 * PGlite's settings on top of its defaults. Shared buffers of 32 MB instead of PostgreSQL's
 * 128 MB: the buffers live in the WebAssembly heap, which never shrinks, and the data files
 * sit in the operating system's cache anyway; with the demonstration data this takes about
 * 100 MB off the idle process (BENCHMARKS.md, "PGlite start and memory").
 */
const PGLITE_SETTINGS = ['shared_buffers=32MB'];

/** Opens PostgreSQL through `pg` when a URL is given, else the embedded PGlite. */
/** Whether `options` name a PGlite folder on disk that holds no cluster yet (so opening it
 * makes a new database); false for PostgreSQL and for `memory://`. */
export function isNewDataFolder(options: Pick<DatabaseOptions, 'databaseUrl' | 'dataDir'>): boolean {
  const dataDir = options.dataDir ?? './data';
  return !options.databaseUrl && !dataDir.startsWith('memory://') && !existsSync(join(dataDir, 'PG_VERSION'));
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypes(),
    });
    pool.on('error', (err) => console.error('database pool error:', err.message));
    const db = makeKysely(pool);
    return { db, kind: 'postgresql', close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? './data';
  // One process owns a folder: the lock is taken before PGlite opens it.
  const unlock = dataDir.startsWith('memory://') ? () => undefined : lockFolder(dataDir);
  let pglite: PGlite;
  try {
    const inMemory = dataDir.startsWith('memory://');
    if (!inMemory) mkdirSync(dataDir, { recursive: true });
    // A new cluster is unpacked from the template rather than made by initdb: into the
    // folder before PGlite opens it, or into the in-memory file system through PGlite.
    if (isNewDataFolder({ dataDir })) unpackTemplate(dataDir);
    const template = inMemory ? pgliteTemplate() : undefined;
    pglite = await PGlite.create(dataDir, {
      loadDataDir: template ? new Blob([new Uint8Array(template.buffer as ArrayBuffer, template.byteOffset, template.length)]) : undefined,
      startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((s) => ['-c', s])],
      parsers: {
        [pgliteTypes.DATE]: (v: string) => v,
        [pgliteTypes.INT8]: (v: string) => Number(v),
        [pgliteTypes.NUMERIC]: (v: string) => v,
      },
    });
  } catch (err) {
    unlock();
    throw err;
  }
  const db = makeKysely(new PGlitePool(pglite));
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      await pglite.close();
      unlock();
    },
  };
}
