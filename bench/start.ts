import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/server-process.js';
import { processMemory } from './measure.js';
import type { Figure } from './suite.js';

/**
 * PGlite's start, as `npm start` runs it: the compiled server (`node dist/server/main.js`,
 * built first by scripts/build.mjs when stale) on an empty data folder with the
 * demonstration data on, timed from launch to the first answer of /api/health; then
 * stopped and started again on the same folder. Idle RSS is read 2 s after a few requests
 * (sign-in, the home page, a trial page, the trial's report as JSON). The baseline of each
 * figure is the app's `openDatabase` alone on the same kind of folder in its own process:
 * PGlite's own start (opening a full folder) and memory, without migrations, demonstration
 * data, modules or HTTP; for the first start, PGlite alone making a new cluster with its
 * initdb, which the app skips by unpacking db/templates/ (db/pglite-template.ts).
 *
 *   npx tsx bench/start.ts      (run alone; `npm run bench` runs it with PGlite)
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const DEMO_ACCOUNT = { email: 'agronomist@demo.example', password: 'demoplot-agronomist' };

interface Started {
  readyMs: number;
  idleRss: number;
  peak: number;
  /** The build child's own peak (MB) on a first start, as it reports it. */
  buildPeak: number | null;
}

const mb = (x: number) => `${x.toFixed(0)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const times = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const difference = (a: number, b: number) => `${a >= b ? '+' : '−'}${mb(Math.abs(a - b))}`;

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return exited.finally(() => clearTimeout(timer));
}

/** Launches the compiled server on `dataDir` and measures it until idle; leaves it stopped. */
async function startOnce(dataDir: string): Promise<Started> {
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...process.env, PORT: String(port), HOST: '127.0.0.1', DEMOPLOT_DATA_DIR: dataDir, DEMOPLOT_DEMO: '1' };
  delete env.NODE_ENV;
  delete env.DATABASE_URL;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--enable-source-maps', 'dist/server/main.js'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
      if (performance.now() - t0 > 180_000) throw new Error(`server did not answer within 180 s: ${output}`);
      try {
        if ((await fetch(`${base}/api/health`)).ok) break;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const readyMs = performance.now() - t0;
    const login = await fetch(`${base}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DEMO_ACCOUNT) });
    if (login.status !== 201) throw new Error(`demonstration sign-in failed: ${login.status} ${await login.text()}`);
    const { token } = (await login.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' };
    const get = async (path: string, accept: string) => {
      const res = await fetch(base + path, { headers: { ...headers, accept } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    };
    await get('/', 'text/html');
    await get('/trials/1', 'text/html');
    await get('/api/trials/1/report', 'application/json');
    await new Promise((r) => setTimeout(r, 2000));
    const { rss: idleRss, peak } = processMemory(child.pid!);
    // A first start builds the folder in a child process (server/main.ts), which reports its peak.
    const built = /built in [\d.]+ s \(peak memory (\d+) MB/.exec(output);
    return { readyMs, idleRss, peak, buildPeak: built ? Number(built[1]) : null };
  } finally {
    await stop(child);
  }
}

/** The app's openDatabase alone on `dataDir`, in a process of its own: ms to open and answer,
 * RSS. With `initdb`, PGlite itself instead (no template: it runs initdb on an empty folder). */
function openAlone(dataDir: string, initdb = false): { readyMs: number; rss: number } {
  const open = initdb
    ? `const { PGlite } = await import('@electric-sql/pglite');
       const p = await PGlite.create(${JSON.stringify(dataDir)});
       await p.query('select count(*) from pg_class');
       const h = { close: () => p.close() };`
    : `const { openDatabase } = await import('./dist/db/connect.js');
       const { CompiledQuery } = await import('kysely');
       const h = await openDatabase({ dataDir: ${JSON.stringify(dataDir)} });
       await h.db.executeQuery(CompiledQuery.raw('select count(*) from pg_class'));`;
  const script = `
    const t0 = performance.now();
    ${open}
    const readyMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 2000));
    const rss = process.memoryUsage().rss / 2 ** 20;
    await h.close();
    console.log(JSON.stringify({ readyMs, rss }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** Builds dist/ when stale (npm's prestart), then measures the first start and a restart. */
export async function measureStart(log: (msg: string) => void = () => {}): Promise<{ figures: Figure[]; notes: string[] }> {
  const b = performance.now();
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: root, stdio: 'inherit' });
  const buildMs = performance.now() - b;
  const dataDir = mkdtempSync(join(tmpdir(), 'demoplot-start-'));
  const emptyDir = mkdtempSync(join(tmpdir(), 'demoplot-start-empty-'));
  try {
    log('first start on an empty folder, with the demonstration data');
    const first = await startOnce(dataDir);
    log(`ready in ${seconds(first.readyMs)}, idle RSS ${mb(first.idleRss)}; restart on the same folder`);
    const again = await startOnce(dataDir);
    log(`ready in ${seconds(again.readyMs)}, idle RSS ${mb(again.idleRss)}`);
    log('the database alone');
    const initdb = openAlone(join(emptyDir, 'initdb'), true);
    const fromTemplate = openAlone(join(emptyDir, 'db'));
    const reopen = openAlone(dataDir);
    const figures: Figure[] = [
      {
        measure: 'PGlite first start with demonstration data (empty folder, until /api/health answers)',
        value: seconds(first.readyMs),
        baseline: 'PGlite alone making a new cluster (its initdb)',
        baselineValue: seconds(initdb.readyMs),
        ratio: times(first.readyMs, initdb.readyMs),
        target: `≤ 8 s: ${first.readyMs <= 8000 ? 'met' : 'missed'}`,
      },
      {
        measure: 'PGlite restart (same folder, until /api/health answers)',
        value: seconds(again.readyMs),
        baseline: 'openDatabase alone on the same folder',
        baselineValue: seconds(reopen.readyMs),
        ratio: times(again.readyMs, reopen.readyMs),
        target: `≤ 3 s: ${again.readyMs <= 3000 ? 'met' : 'missed'}`,
      },
      {
        measure: 'PGlite idle RSS with demonstration data, after a restart and a few requests',
        value: mb(again.idleRss),
        baseline: 'openDatabase alone on the same folder',
        baselineValue: mb(reopen.rss),
        ratio: difference(again.idleRss, reopen.rss),
        target: `≤ 300 MB: ${again.idleRss <= 300 ? 'met' : 'missed'}`,
      },
      {
        measure: 'PGlite idle RSS after the first start and a few requests',
        value: mb(first.idleRss),
        baseline: 'openDatabase alone on an empty folder (the template unpacked)',
        baselineValue: mb(fromTemplate.rss),
        ratio: difference(first.idleRss, fromTemplate.rss),
        target: `≤ 300 MB: ${first.idleRss <= 300 ? 'met' : 'missed'}`,
      },
    ];
    const notes = [
      `start: \`node dist/server/main.js\` as \`npm start\` runs it (build check before it: ${seconds(buildMs)}, not counted); requests before the idle reading: sign-in, GET /, GET /trials/1, GET /api/trials/1/report`,
      `start peak RSS (VmHWM): first start ${mb(first.peak)}, restart ${mb(again.peak)}; on the first start the folder is built by a short-lived child process first, whose own peak was ${first.buildPeak === null ? 'not reported' : mb(first.buildPeak)} (the server process waits meanwhile, before it opens the database)`,
      `a new data folder is unpacked from db/templates/ (db/pglite-template.ts): openDatabase alone on an empty folder ${seconds(fromTemplate.readyMs)}, against ${seconds(initdb.readyMs)} for PGlite's initdb`,
    ];
    return { figures, notes };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(emptyDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { figures, notes } = await measureStart((m) => console.error(m));
  console.log('| figure | measured | baseline (same run) | baseline | ratio | target |\n| --- | --- | --- | --- | --- | --- |');
  for (const f of figures) console.log(`| ${f.measure} | ${f.value} | ${f.baseline} | ${f.baselineValue} | ${f.ratio} | ${f.target ?? ''} |`);
  for (const n of notes) console.log(`- ${n}`);
}
