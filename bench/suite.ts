import ExcelJS from 'exceljs';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import type { DatabaseKind } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import * as reports from '../server/reports/reports.service.js';
import type { BulkTarget } from './bulk.js';
import { benchDatabase } from './database.js';
import { loadUrl, type LoadResult } from './http-load.js';
import { importRecords, loadProgramme, OBSERVATION_COLUMNS, observationLines, type LoadedProgramme } from './load.js';
import { processMemory, resetPeak, timeRuns, watchMemory, type Timing } from './measure.js';
import { csvField, VARIABLES, type ObservationRecord, type Scale } from './programme.js';
import { startServer, type ServerProcess } from './server-process.js';

export interface SuiteOptions {
  kind: DatabaseKind;
  scale: Scale;
  /** PostgreSQL: a URL of the server whose `postgres` database may create and drop others. */
  adminUrl: string;
  /** Seconds of each HTTP load. */
  seconds: number;
  connections: number;
  /** 'import': only the import figures (COPY baselines, CSV and XLSX imports, their memory). */
  only?: 'import';
  log: (msg: string) => void;
}

export interface Figure {
  measure: string;
  value: string;
  baseline: string;
  baselineValue: string;
  ratio: string;
  target?: string;
}

export interface SuiteResult {
  kind: DatabaseKind;
  scale: Scale;
  plots: number;
  observations: number;
  loadSeconds: number;
  figures: Figure[];
  notes: string[];
}

const ms = (x: number) => `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`;
const perSecond = (x: number) => `${Math.round(x).toLocaleString('en')}/s`;
const mb = (x: number) => `${x.toFixed(0)} MB`;
const times = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

/** The server's peak memory while it imports a file, against its idle RSS (target: under 250 MB more). */
function importPeakFigure(rows: number, format: 'CSV' | 'XLSX', peak: number, idle: number): Figure {
  return {
    measure: `server peak RSS while importing ${rows.toLocaleString('en')} rows (${format})`,
    value: mb(peak),
    baseline: 'idle RSS of the same process',
    baselineValue: mb(idle),
    ratio: `+${mb(peak - idle)}`,
    target: `< 250 MB above idle: ${peak - idle < 250 ? 'met' : 'missed'}`,
  };
}

/** The import file: a long-shape CSV, one observation per row, as a field team sends it. */
export function importCsv(records: ObservationRecord[]): Buffer {
  const lines = ['plot,variable,value,observed_on'];
  for (const r of records) lines.push(`${csvField(r.plot)},${csvField(r.variable)},${csvField(r.value)},${r.observedOn}`);
  return Buffer.from(lines.join('\n') + '\n');
}

/**
 * The same rows as an XLSX workbook, as Excel writes them: numbers as numbers shown with one
 * decimal ("0.0", so 123.0 keeps its zero), dates as date cells, categories as text.
 */
export async function importXlsx(records: ObservationRecord[]): Promise<Buffer> {
  const kinds = new Map<string, string>(VARIABLES.map((v) => [v.code, v.kind]));
  const dir = mkdtempSync(join(tmpdir(), 'demoplot-bench-xlsx-'));
  const filename = join(dir, 'import.xlsx');
  try {
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename, useSharedStrings: true, useStyles: true });
    const sheet = book.addWorksheet('observations');
    sheet.addRow(['plot', 'variable', 'value', 'observed_on']).commit();
    const day = (d: string) => new Date(`${d}T00:00:00Z`);
    for (const r of records) {
      const kind = kinds.get(r.variable);
      const value = kind === 'number' || kind === 'count' ? Number(r.value) : kind === 'date' ? day(r.value) : r.value;
      const row = sheet.addRow([r.plot, r.variable, value, day(r.observedOn)]);
      if (kind === 'number') row.getCell(3).numFmt = '0.0';
      if (kind === 'date') row.getCell(3).numFmt = 'yyyy-mm-dd';
      row.getCell(4).numFmt = 'yyyy-mm-dd';
      row.commit();
    }
    sheet.commit();
    await book.commit();
    return readFileSync(filename);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CONTENT_TYPES = { csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/**
 * The import path under measurement: the file uploaded to a server process, checked into a
 * preview (every row validated and staged), then committed in one transaction.
 */
async function importThroughApp(server: ServerProcess, trialId: number, file: Buffer, rows: number, format: keyof typeof CONTENT_TYPES = 'csv'): Promise<{ path: string; phases: string }> {
  const headers = { accept: 'application/json', ...server.headers };
  const t0 = performance.now();
  const memory = watchMemory(server.pid);
  const preview = await fetch(`${server.base}/api/trials/${trialId}/imports?kind=observations&shape=long`, {
    method: 'POST',
    headers: { ...headers, 'content-type': CONTENT_TYPES[format] },
    body: new Uint8Array(file),
  });
  const view = (await preview.json()) as { id: string; status: string; summary: { create: number; errors: number } };
  if (preview.status !== 201 || view.status !== 'ready' || view.summary.create !== rows) {
    throw new Error(`import preview failed (${preview.status}): ${JSON.stringify(view).slice(0, 500)}`);
  }
  const checked = memory.stop();
  const t1 = performance.now();
  const commitMemory = watchMemory(server.pid);
  const commit = await fetch(`${server.base}/api/imports/${view.id}/commit`, { method: 'POST', headers });
  const done = (await commit.json()) as { created: number };
  if (commit.status !== 200 || done.created !== rows) throw new Error(`import commit failed (${commit.status}): ${JSON.stringify(done).slice(0, 500)}`);
  const committed = commitMemory.stop();
  const t2 = performance.now();
  return {
    path: `import service: ${format.toUpperCase()} upload to POST /api/trials/:id/imports (checked, staged preview), then POST /api/imports/:id/commit (one transaction); time covers both`,
    phases: `${format.toUpperCase()} import phases: upload and check ${((t1 - t0) / 1000).toFixed(1)} s (highest RSS ${checked.highestRss.toFixed(0)} MB), commit ${((t2 - t1) / 1000).toFixed(1)} s (highest RSS ${committed.highestRss.toFixed(0)} MB)`,
  };
}

async function countObservations(t: BulkTarget, trialId: number): Promise<number> {
  const [r] = await t.query<{ n: number }>(`select count(*)::int as n from observations o join plots p on p.id = o.plot_id where p.trial_id = $1`, [trialId]);
  return r.n;
}

export async function runSuite(o: SuiteOptions): Promise<SuiteResult> {
  const figures: Figure[] = [];
  const notes: string[] = [];
  const database = await benchDatabase(o.kind, o.adminUrl, 'demoplot_bench');
  try {
    {
      const h = await database.open();
      await migrateToLatest(h.db);
      await h.close();
    }

    // 1. The programme, and COPY of the import rows: the floor for getting rows in.
    o.log(`generating the ${o.scale.name} programme`);
    const t0 = performance.now();
    let programme: LoadedProgramme;
    let records: ObservationRecord[];
    let copyMs: number;
    let plainCopyMs: number;
    {
      const bulk = await database.bulk();
      programme = await loadProgramme(bulk, o.scale, (m) => o.log(`  ${m}`));
      records = importRecords(programme.importPlan);
      const lines = observationLines(records, programme.copyPlots, programme.variableIds);
      o.log(`COPY of ${records.length.toLocaleString('en')} rows`);
      const t = performance.now();
      await bulk.copy('observations', OBSERVATION_COLUMNS, lines);
      copyMs = performance.now() - t;
      if ((await countObservations(bulk, programme.copyTrialId)) !== records.length) throw new Error('COPY wrote a different number of rows');
      // The floor: the same rows into a plain table with the same columns, defaults, checks,
      // primary key and unique index, but no triggers (so no audit, per-plot values or data
      // version) and no foreign keys (checked by triggers too).
      await bulk.query(`create table bench_plain_observations (like observations including all)`);
      o.log(`COPY of ${records.length.toLocaleString('en')} rows into a plain table`);
      const p = performance.now();
      await bulk.copy('bench_plain_observations', OBSERVATION_COLUMNS, lines);
      plainCopyMs = performance.now() - p;
      const [plain] = await bulk.query<{ n: number }>(`select count(*)::int as n from bench_plain_observations`);
      if (plain.n !== records.length) throw new Error('COPY into the plain table wrote a different number of rows');
      await bulk.query(`drop table bench_plain_observations`);
      await bulk.close();
    }
    const loadSeconds = (performance.now() - t0 - copyMs - plainCopyMs) / 1000;

    // 2. The report in-process: the service against one query over the raw observations.
    if (o.only !== 'import') {
      o.log('report timings');
      const h = await database.open();
      const raw = await timeRuns(
        () =>
          sql`
            select o.plot_id, o.variable_id, count(*), avg(o.value_number), min(o.value_date), max(o.value_text)
            from observations o join plots p on p.id = o.plot_id
            where p.trial_id = ${programme.trialId} and o.deleted_at is null and p.deleted_at is null
            group by o.plot_id, o.variable_id
          `.execute(h.db),
        10,
        1,
      );
      const computed = await timeRuns(() => reports.trialReport(h.db, programme.trialId), 15, 2, () => reports.clearReportCache());
      const cached = await timeRuns(() => reports.trialReport(h.db, programme.trialId), 50, 2);
      // The report after a write: PostgreSQL median ≤ 50 ms and ≤ 0.2× the raw aggregate; PGlite ≤ 100 ms.
      const met = (ok: boolean) => (ok ? 'met' : 'missed');
      const target = (t: Timing) =>
        o.kind === 'postgresql'
          ? `≤ 50 ms and ≤ 0.2× median: ${met(t.median <= 50 && t.median <= 0.2 * raw.median)}`
          : `≤ 100 ms median: ${met(t.median <= 100)}`;
      const n = programme.observations.toLocaleString('en');
      for (const [name, t] of [
        [`trial report, ${n} observations, computed (after any write): median / p95`, computed],
        [`trial report, ${n} observations, data unchanged (cached by data version): median / p95`, cached],
      ] as const) {
        figures.push({
          measure: name,
          value: `${ms(t.median)} / ${ms(t.p95)}`,
          baseline: 'one SQL aggregate of the raw observations',
          baselineValue: `${ms(raw.median)} / ${ms(raw.p95)}`,
          ratio: times(t.median, raw.median),
          target: target(t),
        });
      }
      await h.close();
    }

    // 3. A server process: memory while importing, then HTTP under load.
    let oneProcessReport: LoadResult | undefined;
    let csvRate = 0;
    o.log('import through a server process');
    const server = await startServer(database.env);
    try {
      await fetch(`${server.base}/api/health`, { headers: server.headers });
      await new Promise((r) => setTimeout(r, 1000));
      const idle = processMemory(server.pid).rss;
      const file = importCsv(records);
      resetPeak(server.pid);
      const watch = watchMemory(server.pid);
      const t = performance.now();
      const { path, phases } = await importThroughApp(server, programme.importTrialId, file, records.length);
      const importMs = performance.now() - t;
      const memory = watch.stop();
      notes.push(`import path measured: ${path}`, phases);
      const importRate = records.length / (importMs / 1000);
      const copyRate = records.length / (copyMs / 1000);
      const plainRate = records.length / (plainCopyMs / 1000);
      csvRate = importRate;
      const copyHow = o.kind === 'postgresql' ? 'COPY (pg-copy-streams)' : "COPY FROM '/dev/blob'";
      figures.push({
        measure: `import, ${records.length.toLocaleString('en')} observations (CSV)`,
        value: perSecond(importRate),
        baseline: `${copyHow} of the same rows into observations (its triggers fire)`,
        baselineValue: perSecond(copyRate),
        ratio: times(importRate, copyRate),
        target: o.kind === 'postgresql' ? `≥ 0.5× COPY: ${importRate >= copyRate / 2 ? 'met' : 'missed'}` : undefined,
      });
      figures.push({
        measure: `import, ${records.length.toLocaleString('en')} observations (CSV)`,
        value: perSecond(importRate),
        baseline: `${copyHow} of the same rows into a plain table (same columns, keys and unique index; no triggers)`,
        baselineValue: perSecond(plainRate),
        ratio: times(importRate, plainRate),
        target: o.kind === 'postgresql' ? `≥ 0.3× plain COPY: ${importRate >= plainRate * 0.3 ? 'met' : 'missed'}` : undefined,
      });
      const csvPeak = Math.max(memory.peak, memory.highestRss);
      figures.push(importPeakFigure(records.length, 'CSV', csvPeak, idle));

      if (o.only !== 'import') {
        o.log('HTTP load, one process');
        // Every request says what a browser says: JSON or HTML, gzip accepted.
        const load = (path: string, accept = 'application/json') =>
          loadUrl(`${server.base}${path}`, { ...server.headers, accept, 'accept-encoding': 'gzip' }, o.connections, o.seconds);
        const health = await load('/api/health');
        const report = await load(`/api/trials/${programme.trialId}/report`);
        const label = `${o.connections} connections, ${o.seconds} s`;
        const generator: string[] = [`/api/health ${Math.round(health.generatorCpu * 100)} %`];
        const http = (name: string, r: LoadResult, target?: string): Figure => {
          generator.push(`${name} ${Math.round(r.generatorCpu * 100)} %`);
          return {
            measure: `${name} (${label}): rps, p50 / p99`,
            value: `${Math.round(r.rps)} rps, ${r.p50} / ${r.p99} ms`,
            baseline: 'GET /api/health, same app',
            baselineValue: `${Math.round(health.rps)} rps, ${health.p50} / ${health.p99} ms`,
            ratio: times(r.rps, health.rps),
            target,
          };
        };
        for (const [n, r] of [['/api/health', health], ['report API', report]] as const) {
          if (r.failures) notes.push(`${n}: ${r.failures} requests failed, timed out or were not 2xx (${r.requests} completed)`);
        }
        // Issue 13: the cached report under load within 1.5× the p99 of the trivial route.
        figures.push(http('GET /api/trials/:id/report', report, `p99 ≤ 1.5× /api/health p99: ${report.p99 <= 1.5 * health.p99 ? 'met' : 'missed'}`));
        // The trial page: measured under load only if one request answers within 20 s; if not,
        // the page for one site (?site=) is measured instead, and the note says so.
        const probe = async (at: ServerProcess, path: string) => {
          const t = performance.now();
          try {
            const res = await fetch(`${at.base}${path}`, { headers: { ...at.headers, accept: 'text/html' }, redirect: 'manual', signal: AbortSignal.timeout(20_000) });
            await res.arrayBuffer();
            return { status: res.status, ms: performance.now() - t };
          } catch {
            return { status: 0, ms: performance.now() - t };
          }
        };
        const pagePath = `/trials/${programme.trialId}`;
        const whole = await probe(server, pagePath);
        if (whole.status === 200) {
          const page = await load(pagePath, 'text/html');
          if (page.failures) notes.push(`trial page: ${page.failures} requests failed, timed out or were not 2xx (${page.requests} completed)`);
          figures.push(http('GET /trials/:id (page)', page, `p99 ≤ 300 ms: ${page.p99 <= 300 ? 'met' : 'missed'}`));
          // The page is kept rendered per data version: the first reader after a write reads and
          // renders its plots again. One request at a time, each after one observation saved
          // through the API (not timed), against the same page with the data unchanged.
          const pageOk = async () => {
            const r = await probe(server, pagePath);
            if (r.status !== 200) throw new Error(`GET ${pagePath} answered ${r.status}`);
          };
          let day = 0;
          const write = async () => {
            day += 1;
            const saved = await server.request('POST', `/api/trials/${programme.trialId}/observations`, [
              { plot: 'S001-P001', variable: 'plant_height_cm', value: '50.5', observedOn: `2026-09-${String(1 + (day % 28)).padStart(2, '0')}`, reading: 1 + Math.floor(day / 28) },
            ]);
            if (saved.status !== 201) throw new Error(`saving one observation answered ${saved.status}: ${JSON.stringify(saved.body)}`);
          };
          const unchanged = await timeRuns(pageOk, 15, 2);
          const afterWrite = await timeRuns(pageOk, 15, 2, write);
          figures.push({
            measure: 'GET /trials/:id (page), one request after a write (the page read and rendered again): median / p95',
            value: `${ms(afterWrite.median)} / ${ms(afterWrite.p95)}`,
            baseline: 'the same page, data unchanged (kept rendered)',
            baselineValue: `${ms(unchanged.median)} / ${ms(unchanged.p95)}`,
            ratio: times(afterWrite.median, unchanged.median),
          });
        } else {
          notes.push(
            whole.status === 0
              ? `trial page: one GET /trials/:id of the ${programme.plots.toLocaleString('en')}-plot trial did not answer within 20 s; not measured under load`
              : `trial page: GET /trials/:id answered ${whole.status}; not measured under load`,
          );
        }
        if (whole.status !== 200) {
          // The server may still be busy with the abandoned page: a fresh one measures one site's page.
          await server.stop();
          const again = await startServer(database.env);
          try {
            const sitePath = `/trials/${programme.trialId}?site=${programme.siteIds[0]}`;
            const one = await probe(again, sitePath);
            if (one.status === 200) {
              const page = await loadUrl(`${again.base}${sitePath}`, { ...again.headers, accept: 'text/html', 'accept-encoding': 'gzip' }, o.connections, o.seconds);
              if (page.failures) notes.push(`trial page, one site: ${page.failures} requests failed, timed out or were not 2xx (${page.requests} completed)`);
              figures.push(http('GET /trials/:id?site= (page, one site)', page));
            } else {
              notes.push(`trial page for one site: ${one.status === 0 ? 'no answer within 20 s' : `answered ${one.status}`}; not measured`);
            }
          } finally {
            await again.stop();
          }
        }
        oneProcessReport = report;
        notes.push(`load generator (autocannon, in the bench's process) CPU, share of one core: ${generator.join(', ')}`);
      }
    } finally {
      await server.stop();
    }

    // 4. The same rows as XLSX, into a third empty trial, on a fresh process (its peak is its own).
    o.log('XLSX import through a fresh server process');
    {
      const file = await importXlsx(records);
      const xlsx = await startServer(database.env);
      try {
        await fetch(`${xlsx.base}/api/health`, { headers: xlsx.headers });
        await new Promise((r) => setTimeout(r, 1000));
        const idle = processMemory(xlsx.pid).rss;
        resetPeak(xlsx.pid);
        const watch = watchMemory(xlsx.pid);
        const t = performance.now();
        const { phases } = await importThroughApp(xlsx, programme.xlsxTrialId, file, records.length, 'xlsx');
        const importMs = performance.now() - t;
        const memory = watch.stop();
        const peak = Math.max(memory.peak, memory.highestRss);
        notes.push(phases, `XLSX file: ${(file.length / 2 ** 20).toFixed(1)} MB (shared strings, numbers with one decimal shown, date cells)`);
        figures.push({
          measure: `import, ${records.length.toLocaleString('en')} observations (XLSX, the same rows)`,
          value: perSecond(records.length / (importMs / 1000)),
          baseline: 'the same rows as CSV, same run',
          baselineValue: perSecond(csvRate),
          ratio: times(records.length / (importMs / 1000), csvRate),
        });
        figures.push(importPeakFigure(records.length, 'XLSX', peak, idle));
      } finally {
        await xlsx.stop();
      }
    }

    // 5. Scale out: the report API from two worker processes on one database.
    if (o.kind === 'postgresql' && o.only !== 'import') {
      o.log('HTTP load, two processes');
      const two = await startServer({ ...database.env, WEB_CONCURRENCY: '2' });
      try {
        const r = await loadUrl(`${two.base}/api/trials/${programme.trialId}/report`, { ...two.headers, 'accept-encoding': 'gzip' }, o.connections, o.seconds);
        const one = oneProcessReport!;
        figures.push({
          measure: `report API, WEB_CONCURRENCY=2: rps, p50 / p99`,
          value: `${Math.round(r.rps)} rps, ${r.p50} / ${r.p99} ms`,
          baseline: 'the same with one process',
          baselineValue: `${Math.round(one.rps)} rps, ${one.p50} / ${one.p99} ms`,
          ratio: times(r.rps, one.rps),
        });
        if (r.failures) notes.push(`report API with two processes: ${r.failures} requests failed, timed out or were not 2xx (${r.requests} completed)`);
      } finally {
        await two.stop();
      }
    } else if (o.kind === 'pglite') {
      notes.push('scale-out not measured: PGlite is a single-process database (WEB_CONCURRENCY is ignored)');
    }
    return { kind: o.kind, scale: o.scale, plots: programme.plots, observations: programme.observations, loadSeconds, figures, notes };
  } finally {
    await database.drop();
  }
}
