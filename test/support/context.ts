import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { createApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { loadDemoData } from '../../server/demo/demo-data.js';

export type TestDbKind = 'pglite' | 'postgresql';

export function testDbKind(): TestDbKind {
  return process.env.DEMOPLOT_TEST_DB === 'postgresql' ? 'postgresql' : 'pglite';
}

export interface TestDatabase {
  handle: DatabaseHandle;
  /** The connection string of the fresh PostgreSQL database (undefined on PGlite). */
  url?: string;
  /** Closes the connections and, on PostgreSQL, drops the database. */
  drop(): Promise<void>;
}

/** A fresh database for one test file: an in-memory PGlite, or a new PostgreSQL database
 * created on TEST_DATABASE_URL's server and dropped afterwards. Migrated. */
export async function createTestDatabase(opts: { dataDir?: string } = {}): Promise<TestDatabase> {
  if (testDbKind() === 'pglite') {
    const handle = await openDatabase({ dataDir: opts.dataDir ?? 'memory://' });
    await migrateToLatest(handle.db);
    return { handle, drop: () => handle.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set for the postgresql test tier');
  const name = `demoplot_t_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ databaseUrl: url.toString(), poolSize: 5 });
  await migrateToLatest(handle.db);
  return {
    handle,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

export interface TestApp {
  baseUrl: string;
  database: TestDatabase;
  db: DatabaseHandle['db'];
  config: Readonly<Config>;
  close(): Promise<void>;
  /** JSON request helper: answers status, parsed body and headers. */
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
  get<T = any>(path: string, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
  post<T = any>(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
  del<T = any>(path: string, headers?: Record<string, string>): Promise<{ status: number; body: T; headers: Headers }>;
}

/** A migrated fresh database (optionally with the demonstration data) behind the real app,
 * listening on a free loopback port. */
export async function startTestApp(opts: { demo?: boolean; env?: Record<string, string> } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  if (opts.demo) await loadDemoData(database.handle.db);
  const config = loadConfig({ NODE_ENV: 'test', DEMOPLOT_DEMO: opts.demo ? '1' : '0', ...opts.env });
  const app = createApp(config, database.handle);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    baseUrl,
    database,
    db: database.handle.db,
    config,
    request,
    get: (p, h) => request('GET', p, undefined, h),
    post: (p, b, h) => request('POST', p, b, h),
    patch: (p, b, h) => request('PATCH', p, b, h),
    del: (p, h) => request('DELETE', p, undefined, h),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.drop();
    },
  };
}
