import cluster from 'node:cluster';
import { fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { isNewDataFolder, openDatabase, type DatabaseKind } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { withStartupLock } from '../db/startup-lock.js';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { loadDemoData } from './demo/demo-data.js';
import { ensureFirstAdmin, hasActiveAdmin, hasActiveDemoAccount } from './accounts/bootstrap.js';
import { recoverInterruptedImports } from './imports/recovery.js';

const config = loadConfig();
/** Set for the child that builds a new PGlite folder (see buildInChild). */
const BUILD_ONLY = 'DEMOPLOT_BUILD_ONLY';
/** The database the configuration names. */
const openConfigured = () => openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.poolSize });

/**
 * One process, or with WEB_CONCURRENCY=N on PostgreSQL a primary that migrates and seeds
 * once and then forks N workers sharing the port. PGlite is a single-process database, so
 * it always runs one process.
 */
async function primary() {
  // The port first: when it is taken the process stops before any data is opened.
  const single = !config.databaseUrl || config.webConcurrency === 1;
  const server = await bind();
  if (!single) await new Promise<void>((resolve) => server.close(() => resolve()));
  // A new PGlite folder is built (the template unpacked, every migration, the demonstration
  // data) by a short-lived process of its own: PGlite's WebAssembly memory only grows and the
  // allocator keeps what building freed, so a server that built its own folder idled about
  // 100 MB above the same server restarted on that folder.
  if (isNewDataFolder(config)) await buildInChild();
  const database = await openConfigured();
  await prepare(database);
  if (config.production && (await hasActiveDemoAccount(database.db))) {
    console.warn('demonstration accounts with published passwords are active in production: deactivate them (PATCH /api/users/:id {"active": false}) or start with DEMOPLOT_DEMO=0 on a new database');
  }
  if (!(await hasActiveAdmin(database.db))) {
    console.warn('no admin account yet: set DEMOPLOT_ADMIN_EMAIL and DEMOPLOT_ADMIN_PASSWORD and start again to create one');
  }
  const workers = database.kind === 'pglite' ? 1 : config.webConcurrency;
  if (database.kind === 'pglite' && config.webConcurrency > 1) {
    console.warn('WEB_CONCURRENCY is ignored on the embedded PGlite database, which one process owns; set DATABASE_URL to run several.');
  }
  if (workers === 1) return serve(database, server);
  if (single) await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.close();
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
}

/** Brings a database up to date before it serves: migrations, imports cut short by a stop,
 * the demonstration data when asked for, the first admin. Cheap when all is done already. */
async function prepare(database: Awaited<ReturnType<typeof openDatabase>>) {
  await withStartupLock(database, async () => {
    const applied = await migrateToLatest(database.db);
    if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);
    const failed = await recoverInterruptedImports(database.db);
    if (failed) console.warn(`${failed} import check(s) cut short by a previous stop marked failed`);
    if (config.demo && (await loadDemoData(database.db, { accounts: config.demoAccounts }))) {
      console.log(config.demoAccounts ? 'demonstration data loaded, with one demonstration account per role (see README)' : 'demonstration data loaded, without the demonstration accounts (production; DEMOPLOT_DEMO_ACCOUNTS=1 adds them)');
    }
    if (await ensureFirstAdmin(database.db, config.admin)) console.log(`admin account ${config.admin!.email} created`);
  });
}

/** Runs this program again as a child that only builds the database (DEMOPLOT_BUILD_ONLY=1)
 * and exits; rejects when the child fails, with its exit code. */
function buildInChild(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1], process.argv.slice(2), { env: { ...process.env, [BUILD_ONLY]: '1' }, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`building the database in ${config.dataDir} failed (${signal ?? `exit ${code}`})`))));
  });
}

/** The read replica for reports, when DATABASE_REPLICA_URL names one (PostgreSQL only). */
async function openReplica(kind: DatabaseKind) {
  if (!config.replicaUrl) return undefined;
  if (kind === 'pglite') {
    console.warn('DATABASE_REPLICA_URL is ignored on the embedded PGlite database; set DATABASE_URL to use a replica.');
    return undefined;
  }
  return openDatabase({ databaseUrl: config.replicaUrl, poolSize: config.poolSize });
}

/**
 * Listens on the port, answering 503 until the app is attached; rejects (and so the process
 * exits 1) when the port cannot be had.
 */
function bind(): Promise<Server> {
  const server = createServer((_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' }).end('{"error":{"code":"Starting","message":"starting"}}');
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new Error(`cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message}`)));
    server.listen(config.port, config.host, () => resolve(server));
  });
}

async function serve(existing?: Awaited<ReturnType<typeof openDatabase>>, bound?: Server) {
  const server = bound ?? (await bind());
  const database = existing ?? (await openConfigured());
  const replica = await openReplica(database.kind);
  const app = createApp(config, database, { replica });
  server.removeAllListeners('request');
  server.on('request', app);
  const where = database.kind === 'pglite' ? `PGlite in ${config.dataDir}` : replica ? 'PostgreSQL, reports from the replica' : 'PostgreSQL';
  console.log(`Demoplot listening on http://localhost:${config.port} (${where}, pid ${process.pid})`);
  const stop = () => {
    server.close(() => void Promise.all([database.close(), replica?.close()]).then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function buildOnly() {
  const t0 = performance.now();
  const database = await openConfigured();
  try {
    await prepare(database);
  } finally {
    await database.close();
  }
  // This process's peak (maxRSS, in kilobytes): building takes more than the server that follows needs.
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(`database folder ${config.dataDir} built in ${((performance.now() - t0) / 1000).toFixed(1)} s (peak memory ${peak.toFixed(0)} MB, released as this step ends)`);
}

(process.env[BUILD_ONLY] === '1' ? buildOnly().then(() => process.exit(0)) : cluster.isPrimary ? primary() : serve()).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
