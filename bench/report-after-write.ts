import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { openDatabase, type DatabaseKind } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import * as reports from '../server/reports/reports.service.js';
import * as reportRepo from '../server/reports/reports.repository.js';
import { pgliteTarget, postgresTarget, type BulkTarget } from './bulk.js';
import { loadProgramme } from './load.js';
import { quantile } from './measure.js';
import { SCALES, type Scale } from './programme.js';

/**
 * `npx tsx bench/report-after-write.ts`: the first report after a write, in-process, on the
 * programme-wide trial (1,000,000 observations, 20,000 plots, 200 sites at full scale). Each
 * run writes one observation (so the data version moves and the cached report is stale), then
 * times the report; beside it the raw SQL aggregate of the observations, the report's read
 * query alone, and the write itself.
 *   BENCH_SCALE        full (default) or small
 *   BENCH_DATABASES    postgresql,pglite (default: both)
 *   BENCH_DATABASE_URL a PostgreSQL server where databases may be created
 *   BENCH_KEEP         a name: keep the generated database (PostgreSQL database
 *                      demoplot_report_<name>, PGlite folder <tmp>/demoplot-report-<name>) and reuse it
 *                      on the next run after migrating it, so before/after compare the same rows
 *   BENCH_RUNS         timed runs per figure (default 21)
 */
const scale: Scale = SCALES[(process.env.BENCH_SCALE ?? 'full') as Scale['name']];
if (!scale) throw new Error(`BENCH_SCALE must be one of ${Object.keys(SCALES).join(', ')}`);
const kinds = (process.env.BENCH_DATABASES ?? 'postgresql,pglite').split(',').map((k) => k.trim()) as DatabaseKind[];
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const keep = process.env.BENCH_KEEP;
const runs = Number(process.env.BENCH_RUNS ?? 21);
const started = Date.now();
const log = (msg: string) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const ms = (x: number) => `${x < 10 ? x.toFixed(1) : x.toFixed(0)} ms`;

interface Place {
  open(): ReturnType<typeof openDatabase>;
  bulk(): Promise<BulkTarget>;
  fresh: boolean;
  drop(): Promise<void>;
}

async function place(kind: DatabaseKind): Promise<Place> {
  if (kind === 'pglite') {
    const dataDir = keep ? join(tmpdir(), `demoplot-report-${keep}`) : mkdtempSync(join(tmpdir(), 'demoplot-report-'));
    const fresh = !keep || !existsSync(join(dataDir, 'PG_VERSION'));
    return { open: () => openDatabase({ dataDir }), bulk: () => pgliteTarget(dataDir), fresh, drop: async () => (keep ? undefined : rmSync(dataDir, { recursive: true, force: true })) };
  }
  const name = keep ? `demoplot_report_${keep}` : `demoplot_report_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  if (!exists) await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    open: () => openDatabase({ databaseUrl }),
    bulk: () => postgresTarget(databaseUrl),
    fresh: !exists,
    drop: async () => {
      if (keep) return;
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** The report's read before site_arm_values: one JSON row per plot and variable, joined from plot_values. */
async function perPlotRead(db: Kysely<Database>, trialId: number) {
  const { rows } = await sql<{ valueRows: unknown }>`
    select coalesce(json_agg(json_build_array(
      pl.id, pl.site_id, pl.arm_id, pl.block, pv.variable_id,
      case when v.kind = 'date' then pv.num_value - (pl.planted_on - date '1970-01-01') else pv.num_value end,
      pv.text_value,
      v.kind = 'date' and pl.planted_on is null
    )), '[]') as value_rows
    from plots pl
    join plot_values pv on pv.plot_id = pl.id
    join trial_variables tv on tv.trial_id = pl.trial_id and tv.variable_id = pv.variable_id
    join variables v on v.id = pv.variable_id
    where pl.trial_id = ${trialId} and pl.deleted_at is null
  `.execute(db);
  return typeof rows[0].valueRows === 'string' ? JSON.parse(rows[0].valueRows) : rows[0].valueRows;
}

async function time(f: () => Promise<unknown>, before?: () => Promise<unknown>): Promise<{ median: number; p95: number }> {
  const samples: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    await before?.();
    const t = performance.now();
    await f();
    if (i >= 2) samples.push(performance.now() - t);
  }
  return { median: quantile(samples, 0.5), p95: quantile(samples, 0.95) };
}

console.log(`## report after a write (BENCH_SCALE=${scale.name}, ${runs} runs each)\n`);
for (const kind of kinds) {
  const p = await place(kind);
  try {
    if (p.fresh) {
      const h = await p.open();
      await migrateToLatest(h.db);
      await h.close();
      log(`${kind}: generating the ${scale.name} programme`);
      const bulk = await p.bulk();
      await loadProgramme(bulk, scale, (m) => log(`${kind}:   ${m}`));
      await bulk.close();
    }
    const h = await p.open();
    try {
      const t0 = performance.now();
      const applied = await migrateToLatest(h.db);
      if (applied.length) log(`${kind}: migrated ${applied.join(', ')} in ${ms(performance.now() - t0)}`);
      const trial = await h.db.selectFrom('trials').select('id').where('name', '=', '番茄全项目对比试验').executeTakeFirstOrThrow();
      const trialId = trial.id;
      const observations = Number((await sql<{ n: string }>`select count(*) as n from observations o join plots p on p.id = o.plot_id where p.trial_id = ${trialId}`.execute(h.db)).rows[0].n);
      const target = await h.db
        .selectFrom('observations as o')
        .innerJoin('plots as p', 'p.id', 'o.plotId')
        .innerJoin('variables as v', 'v.id', 'o.variableId')
        .select(['o.id', 'o.valueNumber'])
        .where('p.trialId', '=', trialId)
        .where('v.code', '=', 'plant_height_cm')
        .orderBy('o.id')
        .limit(1)
        .executeTakeFirstOrThrow();
      let k = 0;
      // One observation written, alternating between two values, as an API edit would be.
      const write = () =>
        h.db
          .updateTable('observations')
          .set({ valueNumber: (k++ % 2 ? target.valueNumber : String(Number(target.valueNumber) + 1)) as string })
          .where('id', '=', target.id)
          .execute();
      log(`${kind}: timing`);
      const raw = await time(() =>
        sql`
          select o.plot_id, o.variable_id, count(*), avg(o.value_number), min(o.value_date), max(o.value_text)
          from observations o join plots p on p.id = o.plot_id
          where p.trial_id = ${trialId} and o.deleted_at is null and p.deleted_at is null
          group by o.plot_id, o.variable_id
        `.execute(h.db),
      );
      const read = await time(() => reportRepo.listReportValueCells(h.db, trialId));
      const perPlot = await time(() => perPlotRead(h.db, trialId));
      const writeTime = await time(write);
      const afterWrite = await time(() => reports.trialReport(h.db, trialId), write);
      const cached = await time(() => reports.trialReport(h.db, trialId));
      await write();
      const title = kind === 'postgresql' ? 'PostgreSQL' : 'PGlite';
      console.log(`### ${title}: ${observations.toLocaleString('en')} observations in the trial\n`);
      console.log('| figure | median | p95 |');
      console.log('| --- | --- | --- |');
      for (const [name, t] of [
        ['raw SQL aggregate of the observations (baseline)', raw],
        ["the report's read query alone", read],
        ['one row per plot and variable from plot_values, as the report read before site_arm_values', perPlot],
        ['one observation update (the write)', writeTime],
        ['report after a write (computed)', afterWrite],
        ['report, data unchanged (cached)', cached],
      ] as const) {
        console.log(`| ${name} | ${ms(t.median)} | ${ms(t.p95)} |`);
      }
      console.log(`\nreport after a write / raw aggregate: ${(afterWrite.median / raw.median).toFixed(2)}×\n`);
    } finally {
      await h.close();
    }
  } finally {
    await p.drop();
  }
}
log('done');
