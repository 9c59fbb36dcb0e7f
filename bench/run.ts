import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import pg from 'pg';
import type { DatabaseKind } from '../db/connect.js';
import { SCALES, type Scale } from './programme.js';
import { measureStart } from './start.js';
import { runSuite, type SuiteResult } from './suite.js';

/**
 * `npm run bench`: generates the synthetic programme on PostgreSQL and on PGlite and prints,
 * for each figure, a baseline measured in the same run. Settings (environment):
 *   BENCH_SCALE       full (default: 1,000,000 observations) or small
 *   BENCH_DATABASES   postgresql,pglite (default: both)
 *   BENCH_DATABASE_URL a PostgreSQL server where databases may be created and dropped
 *                     (default postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_SECONDS     seconds of each HTTP load (default 10), BENCH_CONNECTIONS (default 32)
 *   BENCH_ONLY        import: only the import figures (the COPY baselines, the CSV and XLSX
 *                     imports and their memory); no report timings, HTTP loads or start
 * With PGlite it also measures the production server's first start, restart and idle
 * memory on the demonstration data (bench/start.ts), which does not depend on the scale.
 */
const scaleName = (process.env.BENCH_SCALE ?? 'full') as Scale['name'];
const scale = SCALES[scaleName];
if (!scale) throw new Error(`BENCH_SCALE must be one of ${Object.keys(SCALES).join(', ')}`);
const kinds = (process.env.BENCH_DATABASES ?? 'postgresql,pglite').split(',').map((k) => k.trim()) as DatabaseKind[];
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const only = process.env.BENCH_ONLY === 'import' ? 'import' : undefined;
if (process.env.BENCH_ONLY && !only) throw new Error('BENCH_ONLY must be import');
const started = Date.now();
const log = (msg: string) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

async function postgresVersion(): Promise<string> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return (await c.query('show server_version')).rows[0].server_version;
  } finally {
    await c.end();
  }
}

function pgliteVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url), 'utf8'));
  return manifest.version;
}

function printTable(r: SuiteResult) {
  const title = r.kind === 'postgresql' ? 'PostgreSQL' : 'PGlite';
  console.log(`\n### ${title}, ${r.scale.name} scale: ${r.plots.toLocaleString('en')} plots, ${r.observations.toLocaleString('en')} observations (generated in ${r.loadSeconds.toFixed(0)} s)\n`);
  console.log('| figure | measured | baseline (same run) | baseline | ratio | target |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const f of r.figures) console.log(`| ${f.measure} | ${f.value} | ${f.baseline} | ${f.baselineValue} | ${f.ratio} | ${f.target ?? ''} |`);
  console.log('');
  for (const n of r.notes) console.log(`- ${n}`);
}

const machine = [
  `date ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  `${cpus().length} cores (${cpus()[0]?.model.trim()})`,
  `${(totalmem() / 2 ** 30).toFixed(0)} GB memory`,
  `Node ${process.versions.node}`,
  kinds.includes('postgresql') ? `PostgreSQL ${await postgresVersion()}` : null,
  kinds.includes('pglite') ? `PGlite ${pgliteVersion()}` : null,
].filter(Boolean);
console.log(`## npm run bench (BENCH_SCALE=${scale.name})\n\n${machine.join(', ')}`);
// Other work on the machine moves every figure; the load average says how busy it was.
const load = () => loadavg().map((l) => l.toFixed(1)).join(' / ');
for (const kind of kinds) {
  log(`${kind}: start`);
  const before = load();
  const result = await runSuite({ kind, scale, adminUrl, seconds, connections, only, log: (m) => log(`${kind}: ${m}`) });
  printTable(result);
  console.log(`- load average (1 / 5 / 15 min) before: ${before}; after: ${load()}`);
}
if (kinds.includes('pglite') && !only) {
  log('pglite: start and restart of the production server');
  const before = load();
  const { figures, notes } = await measureStart((m) => log(`pglite start: ${m}`));
  console.log('\n### PGlite start and memory, demonstration data (npm start)\n');
  console.log('| figure | measured | baseline (same run) | baseline | ratio | target |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const f of figures) console.log(`| ${f.measure} | ${f.value} | ${f.baseline} | ${f.baselineValue} | ${f.ratio} | ${f.target ?? ''} |`);
  console.log('');
  for (const n of notes) console.log(`- ${n}`);
  console.log(`- load average (1 / 5 / 15 min) before: ${before}; after: ${load()}`);
}
log('done');
