import type { DatabaseKind } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { benchDatabase } from './database.js';
import { loadUrl } from './http-load.js';
import { loadProgramme } from './load.js';
import { timeRuns } from './measure.js';
import { SCALES, type Scale } from './programme.js';
import { startServer, type ServerProcess } from './server-process.js';

/**
 * `npx tsx bench/trial-page.ts`: the trial page alone, on the programme-wide trial of the
 * synthetic programme (full scale: 20,000 plots, 1,000,000 observations). For each page: one
 * request at a time (median / p95 of 20, with the page's size), then 32 connections for 10 s,
 * against GET /api/health of the same process. Same settings as bench/run.ts (BENCH_SCALE,
 * BENCH_DATABASES, default postgresql here, BENCH_DATABASE_URL, BENCH_SECONDS, BENCH_CONNECTIONS).
 */
const scale: Scale = SCALES[(process.env.BENCH_SCALE ?? 'full') as Scale['name']];
if (!scale) throw new Error(`BENCH_SCALE must be one of ${Object.keys(SCALES).join(', ')}`);
const kinds = (process.env.BENCH_DATABASES ?? 'postgresql').split(',').map((k) => k.trim()) as DatabaseKind[];
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const log = (m: string) => console.error(m);

async function one(server: ServerProcess, path: string) {
  let bytes = 0;
  const t = await timeRuns(async () => {
    const res = await fetch(`${server.base}${path}`, { headers: { ...server.headers, accept: 'text/html' }, signal: AbortSignal.timeout(60_000) });
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    bytes = (await res.arrayBuffer()).byteLength;
  }, 20);
  return { ...t, bytes };
}

for (const kind of kinds) {
  const database = await benchDatabase(kind, adminUrl, 'demoplot_bench_page');
  try {
    {
      const h = await database.open();
      await migrateToLatest(h.db);
      await h.close();
    }
    log(`${kind}: generating the ${scale.name} programme`);
    const bulk = await database.bulk();
    const programme = await loadProgramme(bulk, scale, (m) => log(`  ${m}`));
    await bulk.close();
    const server = await startServer(database.env);
    try {
      const id = programme.trialId;
      const pages = [
        [`GET /trials/:id (first site, first page)`, `/trials/${id}`],
        [`GET /trials/:id?site= (another site)`, `/trials/${id}?site=${programme.siteIds.at(-1)}`],
        [`GET /trials/:id?site=all&page=150`, `/trials/${id}?site=all&page=150`],
      ] as const;
      console.log(`\n### ${kind}, ${scale.name} scale: ${programme.plots.toLocaleString('en')} plots, ${programme.observations.toLocaleString('en')} observations\n`);
      console.log('| page | one request: median / p95 | HTML | under load: rps, p50 / p99 |');
      console.log('| --- | --- | --- | --- |');
      for (const [name, path] of pages) {
        const t = await one(server, path);
        const l = await loadUrl(`${server.base}${path}`, { ...server.headers, accept: 'text/html', 'accept-encoding': 'gzip' }, connections, seconds);
        const failed = l.failures ? `, ${l.failures} failed` : '';
        console.log(`| ${name} | ${t.median.toFixed(0)} / ${t.p95.toFixed(0)} ms | ${(t.bytes / 1024).toFixed(0)} KB | ${Math.round(l.rps)} rps, ${l.p50} / ${l.p99} ms${failed} |`);
      }
      const health = await loadUrl(`${server.base}/api/health`, server.headers, connections, seconds);
      console.log(`| GET /api/health (baseline) | | | ${Math.round(health.rps)} rps, ${health.p50} / ${health.p99} ms |`);
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
  }
}
