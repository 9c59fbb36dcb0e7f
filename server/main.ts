import cluster from 'node:cluster';
import { openDatabase, type DatabaseKind } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { withStartupLock } from '../db/startup-lock.js';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { loadDemoData } from './demo/demo-data.js';
import { ensureFirstAdmin, hasActiveAdmin, hasActiveDemoAccount } from './accounts/bootstrap.js';

const config = loadConfig();

/**
 * One process, or with WEB_CONCURRENCY=N on PostgreSQL a primary that migrates and seeds
 * once and then forks N workers sharing the port. PGlite is a single-process database, so
 * it always runs one process.
 */
async function primary() {
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.poolSize });
  await withStartupLock(database, async () => {
    const applied = await migrateToLatest(database.db);
    if (applied.length) console.log(`migrations applied: ${applied.join(', ')}`);
    if (config.demo && (await loadDemoData(database.db))) console.log('demonstration data loaded, with one demonstration account per role (see README)');
    if (await ensureFirstAdmin(database.db, config.admin)) console.log(`admin account ${config.admin!.email} created`);
  });
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
  if (workers === 1) return serve(database);
  await database.close();
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
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

async function serve(existing?: Awaited<ReturnType<typeof openDatabase>>) {
  const database = existing ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.poolSize }));
  const replica = await openReplica(database.kind);
  const app = createApp(config, database, { replica });
  const server = app.listen(config.port, config.host, () => {
    const where = database.kind === 'pglite' ? `PGlite in ${config.dataDir}` : replica ? 'PostgreSQL, reports from the replica' : 'PostgreSQL';
    console.log(`Demoplot listening on http://localhost:${config.port} (${where}, pid ${process.pid})`);
  });
  const stop = () => {
    server.close(() => void Promise.all([database.close(), replica?.close()]).then(() => process.exit(0)));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

(cluster.isPrimary ? primary() : serve()).catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
