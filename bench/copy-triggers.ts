/**
 * Where the time of getting the import's rows in goes, on PostgreSQL: COPY of the 100,000
 * rows of the import file into a plain table (the floor), the same with the two foreign
 * keys, then into `observations` with no user trigger, with each insert trigger alone, and
 * with all of them (as the import's commit and `npm run bench`'s COPY baseline pay). Each
 * variant runs in a transaction that is rolled back, best of three.
 *
 *   npx tsx bench/copy-triggers.ts   (BENCH_DATABASE_URL as for npm run bench; small programme)
 */
import pg from 'pg';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { postgresTarget } from './bulk.js';
import { importRecords, loadProgramme, OBSERVATION_COLUMNS, observationLines } from './load.js';
import { SCALES } from './programme.js';

const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `demoplot_copy_triggers_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
try {
  const h = await openDatabase({ databaseUrl: url.toString() });
  await migrateToLatest(h.db);
  await h.close();
  const bulk = await postgresTarget(url.toString());
  const programme = await loadProgramme(bulk, SCALES.small);
  const lines = observationLines(importRecords(programme.importPlan), programme.copyPlots, programme.variableIds);
  const triggers = (
    await bulk.query<{ tgname: string }>(
      `select tgname from pg_trigger where tgrelid = 'observations'::regclass and not tgisinternal and (tgtype & 4) <> 0 order by tgname`,
    )
  ).map((t) => t.tgname);
  const variants: [string, string, string[]][] = [
    ['plain table: same columns, primary key, unique index; no foreign keys, no triggers', 'plain', []],
    ['plain table with the two foreign keys (plot, variable)', 'plain_fk', []],
    ['observations, every user trigger disabled (foreign keys kept)', 'observations', []],
    ...triggers.map((t): [string, string, string[]] => [`observations with ${t} only`, 'observations', [t]]),
    ['observations, all triggers (as the commit and the bench COPY baseline)', 'observations', triggers],
  ];
  console.log(`| COPY of ${lines.length.toLocaleString('en')} rows into | best of 3 | rows/s |\n| --- | ---: | ---: |`);
  for (const [label, target, enabled] of variants) {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      await bulk.query('begin');
      let table = 'observations';
      if (target !== 'observations') {
        table = 'bench_plain_observations';
        await bulk.query(`create table ${table} (like observations including all)`);
        if (target === 'plain_fk') {
          await bulk.query(`alter table ${table} add foreign key (plot_id) references plots(id), add foreign key (variable_id) references variables(id)`);
        }
      } else if (enabled.length < triggers.length) {
        await bulk.query('alter table observations disable trigger user');
        for (const t of enabled) await bulk.query(`alter table observations enable trigger ${t}`);
      }
      const t0 = performance.now();
      await bulk.copy(table, OBSERVATION_COLUMNS, lines);
      best = Math.min(best, performance.now() - t0);
      await bulk.query('rollback');
    }
    console.log(`| ${label} | ${(best / 1000).toFixed(2)} s | ${Math.round(lines.length / (best / 1000)).toLocaleString('en')} |`);
  }
  await bulk.close();
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
