import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type DatabaseKind } from '../db/connect.js';
import { pgliteTarget, postgresTarget, type BulkTarget } from './bulk.js';

/** The database one bench run works in: the server's environment for it, a connection, the
 * bulk loader, and how to remove it afterwards. */
export interface BenchDatabase {
  env: Record<string, string>;
  open(): ReturnType<typeof openDatabase>;
  bulk(): Promise<BulkTarget>;
  drop(): Promise<void>;
}

/** A fresh database of its own for a bench run: a PGlite folder in the temporary directory, or
 * a new database named `<prefix>_<pid>_<time>` on the PostgreSQL server at `adminUrl`. */
export async function benchDatabase(kind: DatabaseKind, adminUrl: string, prefix: string): Promise<BenchDatabase> {
  if (kind === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'demoplot-bench-'));
    return { env: { DEMOPLOT_DATA_DIR: dataDir }, open: () => openDatabase({ dataDir }), bulk: () => pgliteTarget(dataDir), drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const { databaseUrl, drop } = await scratchPostgres(adminUrl, prefix);
  return { env: { DATABASE_URL: databaseUrl }, open: () => openDatabase({ databaseUrl }), bulk: () => postgresTarget(databaseUrl), drop };
}

/** Creates a database named `<prefix>_<pid>_<time>` on the server at `adminUrl`: its URL, and
 * `drop` to remove it (connections still open to it are ended). */
export async function scratchPostgres(adminUrl: string, prefix: string): Promise<{ databaseUrl: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  await asAdmin(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { databaseUrl: url.toString(), drop: () => asAdmin(adminUrl, `drop database if exists ${name} with (force)`) };
}

async function asAdmin(adminUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}
