/**
 * Imports one large observation file through the HTTP API of a separate server process and
 * prints the time and the server's peak resident memory for the preview (upload + check)
 * and the commit, then the time of a re-import of the same file (all rows unchanged).
 *
 *   npx tsx bench/import-file.ts [--rows 100000] [--format csv|xlsx] [--database-url postgres://…]
 *
 * Without --database-url the server uses an in-memory PGlite (whose data also counts in the
 * server's memory). The file is a long sheet with Chinese headers: 500 plots × 2 variables,
 * one observation per plot, variable and day.
 */
import ExcelJS from 'exceljs';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { scratchPostgres } from './database.js';
import { processMemory, watchMemory } from './measure.js';
import { startServer, type ServerProcess } from './server-process.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const ROWS = Number(arg('rows', '100000'));
const FORMAT = arg('format', 'csv') as 'csv' | 'xlsx';
const DATABASE_URL = arg('database-url', '');
const PLOTS = 500;

async function api(server: ServerProcess, method: string, path: string, body?: unknown) {
  const res = await fetch(server.base + path, {
    method,
    headers: { accept: 'application/json', 'content-type': 'application/json', ...server.headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function day(n: number): string {
  return new Date(Date.UTC(2017, 0, 1 + n)).toISOString().slice(0, 10);
}

function* records(labels: string[]) {
  for (let i = 0; i < ROWS; i++) {
    const variable = Math.floor(i / PLOTS) % 2 === 0 ? '产量' : '株高';
    const value = variable === '产量' ? ((i * 7919) % 90000) / 10 + 100 : ((i * 104729) % 1500) / 10 + 20;
    yield [labels[i % PLOTS], variable, value.toFixed(1), day(Math.floor(i / (2 * PLOTS))), i % 97 === 0 ? '复查' : ''];
  }
}

async function writeFile(path: string, labels: string[]) {
  const header = ['小区', '指标', '数值', '观测日期', '备注'];
  if (FORMAT === 'csv') {
    const out = createWriteStream(path);
    out.write('\uFEFF' + header.join(',') + '\r\n');
    for (const r of records(labels)) if (!out.write(r.join(',') + '\r\n')) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    return;
  }
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: false, useStyles: true });
  const sheet = book.addWorksheet('观测');
  sheet.addRow(header).commit();
  for (const [plot, variable, value, date, note] of records(labels)) {
    const row = sheet.addRow([plot, variable, Number(value), new Date(`${date}T00:00:00Z`), note || null]);
    row.getCell(4).numFmt = 'yyyy-mm-dd';
    row.commit();
  }
  sheet.commit();
  await book.commit();
}

async function main() {
  let dropDatabase: (() => Promise<void>) | undefined;
  const env: Record<string, string> = {};
  if (DATABASE_URL) {
    const scratch = await scratchPostgres(DATABASE_URL, 'demoplot_import_bench');
    env.DATABASE_URL = scratch.databaseUrl;
    dropDatabase = scratch.drop;
  } else {
    env.DEMOPLOT_DATA_DIR = 'memory://';
  }
  const dir = mkdtempSync(join(tmpdir(), 'demoplot-import-bench-'));
  const server = await startServer(env);
  try {
    const suffix = Date.now().toString(36);
    for (const v of [
      { code: `bench_yield_${suffix}`, name: '产量', kind: 'number', unit: 'kg/亩', aggregation: 'sum', minimum: 0, maximum: 30000 },
      { code: `bench_height_${suffix}`, name: '株高', kind: 'number', unit: 'cm', aggregation: 'mean' },
    ]) {
      await api(server, 'POST', '/api/variables', v);
    }
    const project = await api(server, 'POST', '/api/projects', { code: `BENCH-${suffix}`, name: `导入测试 ${suffix}` });
    const site = await api(server, 'POST', `/api/projects/${project.id}/sites`, { name: '示范点一', kind: 'field' });
    const trial = await api(server, 'POST', `/api/projects/${project.id}/trials`, {
      name: '导入测试',
      crop: '番茄',
      design: 'crd',
      arms: [
        { name: '示范', role: 'treatment' },
        { name: '对照', role: 'control' },
      ],
      variables: [`bench_yield_${suffix}`, `bench_height_${suffix}`],
    });
    const labels = Array.from({ length: PLOTS }, (_, i) => `P${String(i + 1).padStart(3, '0')}`);
    await api(
      server,
      'POST',
      `/api/trials/${trial.id}/plots`,
      labels.map((label, i) => ({ siteId: site.id, label, arm: i % 2 ? '对照' : '示范' })),
    );

    const file = join(dir, `observations.${FORMAT}`);
    await writeFile(file, labels);
    const size = statSync(file).size / 1024 / 1024;
    const idle = processMemory(server.pid);
    console.log(`file: ${ROWS} rows, ${FORMAT}, ${size.toFixed(1)} MB; server ${DATABASE_URL ? 'PostgreSQL' : 'PGlite in memory'}, RSS before: ${idle.rss.toFixed(0)} MB`);

    const upload = async () => {
      const t0 = performance.now();
      const res = await fetch(`${server.base}/api/trials/${trial.id}/imports`, {
        method: 'POST',
        headers: { 'content-type': FORMAT === 'csv' ? 'text/csv' : 'application/octet-stream', accept: 'application/json', ...server.headers },
        body: Readable.toWeb(createReadStream(file)) as unknown as BodyInit,
        duplex: 'half',
      } as RequestInit);
      const body = await res.json();
      if (res.status !== 201) throw new Error(JSON.stringify(body).slice(0, 500));
      return { body, seconds: (performance.now() - t0) / 1000 };
    };

    let watch = watchMemory(server.pid);
    const preview = await upload();
    let mem = watch.stop();
    console.log(`preview: ${preview.seconds.toFixed(1)} s, summary ${JSON.stringify(preview.body.summary)}, peak RSS ${mem.peak.toFixed(0)} MB (highest sampled ${mem.highestRss.toFixed(0)} MB)`);

    watch = watchMemory(server.pid);
    const t0 = performance.now();
    const committed = await api(server, 'POST', `/api/imports/${preview.body.id}/commit`);
    mem = watch.stop();
    console.log(`commit: ${((performance.now() - t0) / 1000).toFixed(1)} s, ${JSON.stringify(committed)}, peak RSS ${mem.peak.toFixed(0)} MB`);

    watch = watchMemory(server.pid);
    const again = await upload();
    mem = watch.stop();
    console.log(`re-import preview: ${again.seconds.toFixed(1)} s, summary ${JSON.stringify(again.body.summary)}, peak RSS ${mem.peak.toFixed(0)} MB`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase?.();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
