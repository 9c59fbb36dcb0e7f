import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { createApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { loadDemoData } from '../../server/demo/demo-data.js';
import { ensureFirstAdmin } from '../../server/accounts/bootstrap.js';

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
 * created on TEST_DATABASE_URL's server and dropped afterwards. Migrated unless `migrate`
 * is false. */
export async function createTestDatabase(opts: { dataDir?: string; migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = opts.migrate ?? true;
  if (testDbKind() === 'pglite') {
    const handle = await openDatabase({ dataDir: opts.dataDir ?? 'memory://' });
    if (migrate) await migrateToLatest(handle.db);
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
  if (migrate) await migrateToLatest(handle.db);
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

type Answer<T> = Promise<{ status: number; body: T; headers: Headers }>;

/** Request helpers bound to one set of credentials (or none). */
export interface Client {
  /** JSON request helper: answers status, parsed body and headers. */
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Answer<T>;
  get<T = any>(path: string, headers?: Record<string, string>): Answer<T>;
  post<T = any>(path: string, body: unknown, headers?: Record<string, string>): Answer<T>;
  patch<T = any>(path: string, body: unknown, headers?: Record<string, string>): Answer<T>;
  del<T = any>(path: string, headers?: Record<string, string>): Answer<T>;
}

export type Role = 'admin' | 'agronomist' | 'lead' | 'viewer';

/** An account made for a test, with its password and an API token. */
export interface TestUser {
  id: number;
  email: string;
  password: string;
  role: Role;
  projects: number[];
  token: string;
}

/** A browser cookie as Playwright's `context.addCookies` takes it. */
export interface TestCookie {
  name: string;
  value: string;
  url: string;
}

/**
 * The app under test. Its own request helpers act as the admin that `startTestApp` set up
 * through DEMOPLOT_ADMIN_EMAIL / DEMOPLOT_ADMIN_PASSWORD (the same path as a real first start).
 */
export interface TestApp extends Client {
  baseUrl: string;
  database: TestDatabase;
  db: DatabaseHandle['db'];
  config: Readonly<Config>;
  /** The bootstrap admin. */
  admin: TestUser;
  /** No credentials at all. */
  anonymous: Client;
  /** Creates an account (through the API, as the admin) and an API token for it. */
  createUser(opts: { role: Role; projects?: number[]; email?: string; password?: string; name?: string }): Promise<TestUser>;
  /** A client with the token of `user`, or of an account with that role and those projects
   * (made once and reused for the same role and projects). */
  as(who: Role | TestUser, projects?: number[]): Promise<Client>;
  /** Signs in through the login form: a client that sends the session cookie and the
   * session's CSRF token (as X-CSRF-Token), and the raw cookie and token. */
  login(email: string, password: string): Promise<Client & { cookie: string; csrfToken: string }>;
  /** A session cookie for a browser context (default: the admin's). */
  sessionCookies(user?: { email: string; password: string }): Promise<TestCookie[]>;
  close(): Promise<void>;
}

export const TEST_ADMIN = { email: 'admin@test.example', password: 'test-admin-password' };

/** Sends JSON (or a string as given) and parses a JSON answer. */
async function send(baseUrl: string, method: string, path: string, body: unknown, headers: Record<string, string>) {
  const res = await fetch(baseUrl + path, {
    method,
    redirect: 'manual',
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
}

function client(baseUrl: string, credentials: Record<string, string>): Client {
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    send(baseUrl, method, path, body, { ...credentials, ...headers });
  return {
    request,
    get: (p, h) => request('GET', p, undefined, h),
    post: (p, b, h) => request('POST', p, b, h),
    patch: (p, b, h) => request('PATCH', p, b, h),
    del: (p, h) => request('DELETE', p, undefined, h),
  };
}

/** The value of one cookie from a response's Set-Cookie headers. */
export function cookieFrom(headers: Headers, name: string): string | undefined {
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(';');
    const i = pair.indexOf('=');
    if (pair.slice(0, i).trim() === name) return decodeURIComponent(pair.slice(i + 1));
  }
  return undefined;
}

/** Signs in through the login form as a browser would: the form's pre-session CSRF token,
 * then the session cookie. */
export async function loginThroughForm(baseUrl: string, email: string, password: string): Promise<string> {
  const page = await fetch(`${baseUrl}/login`, { redirect: 'manual' });
  const pre = cookieFrom(page.headers, 'demoplot_csrf');
  const html = await page.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!pre || !token) throw new Error('the login form has no CSRF token');
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `demoplot_csrf=${pre}` },
    body: new URLSearchParams({ email, password, _csrf: token, next: '/' }).toString(),
  });
  const session = cookieFrom(res.headers, 'demoplot_session');
  if (res.status !== 303 || !session) throw new Error(`login as ${email} failed with ${res.status}`);
  return session;
}

/** A migrated fresh database (optionally with the demonstration data) behind the real app,
 * listening on a free loopback port, with an admin account whose token the helpers send. */
export async function startTestApp(opts: { demo?: boolean; env?: Record<string, string> } = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  if (opts.demo) await loadDemoData(database.handle.db);
  const config = loadConfig({
    NODE_ENV: 'test',
    DEMOPLOT_DEMO: opts.demo ? '1' : '0',
    DEMOPLOT_ADMIN_EMAIL: TEST_ADMIN.email,
    DEMOPLOT_ADMIN_PASSWORD: TEST_ADMIN.password,
    ...opts.env,
  });
  await ensureFirstAdmin(database.handle.db, config.admin);
  const app = createApp(config, database.handle);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const anonymous = client(baseUrl, {});

  const tokenFor = async (email: string, password: string) => {
    const res = await anonymous.post('/api/tokens', { email, password, name: 'test' });
    if (res.status !== 201) throw new Error(`no token for ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  };
  const adminEmail = config.admin?.email ?? TEST_ADMIN.email;
  const adminPassword = config.admin?.password ?? TEST_ADMIN.password;
  const adminToken = await tokenFor(adminEmail, adminPassword);
  const me = await client(baseUrl, { authorization: `Bearer ${adminToken}` }).get('/api/me');
  const admin: TestUser = { id: me.body.id, email: adminEmail, password: adminPassword, role: 'admin', projects: [], token: adminToken };
  const asAdmin = client(baseUrl, { authorization: `Bearer ${adminToken}` });

  let seq = 0;
  const createUser: TestApp['createUser'] = async (o) => {
    const email = o.email ?? `${o.role}${++seq}.${Math.floor(Math.random() * 1e6)}@test.example`;
    const password = o.password ?? `password-${o.role}-${seq}`;
    const res = await asAdmin.post('/api/users', { email, name: o.name ?? `${o.role} ${seq}`, password, role: o.role, projects: o.projects ?? [] });
    if (res.status !== 201) throw new Error(`cannot create ${o.role}: ${res.status} ${JSON.stringify(res.body)}`);
    return { id: res.body.id, email, password, role: o.role, projects: o.projects ?? [], token: await tokenFor(email, password) };
  };
  const cached = new Map<string, Promise<TestUser>>();
  const as: TestApp['as'] = async (who, projects = []) => {
    let user: TestUser;
    if (typeof who === 'string') {
      const key = `${who}:${[...projects].sort((a, b) => a - b).join(',')}`;
      if (!cached.has(key)) cached.set(key, createUser({ role: who, projects }));
      user = await cached.get(key)!;
    } else user = who;
    return client(baseUrl, { authorization: `Bearer ${user.token}` });
  };
  const login: TestApp['login'] = async (email, password) => {
    const cookie = await loginThroughForm(baseUrl, email, password);
    const me = await client(baseUrl, { cookie: `demoplot_session=${cookie}` }).get('/api/me');
    const csrfToken = me.body.csrfToken as string;
    return { ...client(baseUrl, { cookie: `demoplot_session=${cookie}`, 'x-csrf-token': csrfToken }), cookie, csrfToken };
  };

  return {
    baseUrl,
    database,
    db: database.handle.db,
    config,
    ...asAdmin,
    admin,
    anonymous,
    createUser,
    as,
    login,
    sessionCookies: async (user = admin) => [{ name: 'demoplot_session', value: await loginThroughForm(baseUrl, user.email, user.password), url: baseUrl }],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.drop();
    },
  };
}
