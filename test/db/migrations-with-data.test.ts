import { afterEach, describe, expect, it } from 'vitest';
import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import { migrateToLatest, migrations } from '../../db/migrate.js';
import type { Database } from '../../db/database.js';
import { createTestDatabase, type TestDatabase } from '../support/context.js';
import { expectDerivedTablesFresh } from '../support/derived.js';

/**
 * Migrations on a database that already holds data. For every migration, a database is built
 * up to it (each earlier migration followed by the representative rows written in its day:
 * same-day repeats, undated repeats, soft-deleted rows, a signed-off trial, accounts, audit),
 * then migrated to the latest schema: every row and column that was there is still there with
 * its value, and the derived tables equal a fresh computation.
 *
 * The seeds are frozen like the migrations: plain SQL valid at their migration. A new
 * migration adds its own seed here (rows that use what it added); one that deliberately
 * rewrites stored values lists the change in `rewritten`.
 */
const seeds: Record<string, string[]> = {
  '2026-11-30T01-initial-schema': [
    `insert into projects (code, name, target_person_times) values ('MIG', '迁移项目', 300)`,
    `insert into sites (project_id, name, kind) select id, s, 'greenhouse' from projects, unnest(array['二工镇', '和布克赛尔']) s where code = 'MIG'`,
    `insert into variables (code, name, kind, unit, aggregation, categories) values
       ('m_yield', '产量', 'number', 'kg/mu', 'sum', null),
       ('m_height', '株高', 'number', 'cm', 'mean', null),
       ('m_flowering', '开花期', 'date', null, null, null),
       ('m_fruits', '坐果数', 'count', null, null, null),
       ('m_vigour', '长势', 'category', null, null, array['旺', '中', '弱']),
       ('m_note', '备注', 'text', null, null, null)`,
    `insert into trials (project_id, name, crop, design) select id, t, '番茄', d from projects, (values ('温室', 'crd'), ('生产线', 'paired')) x(t, d) where code = 'MIG'`,
    `insert into trial_arms (trial_id, name, role, position) select t.id, a.name, a.role, a.pos from trials t, (values ('秸秆降解', 'treatment', 0), ('常规', 'control', 1)) a(name, role, pos)`,
    `insert into trial_variables (trial_id, variable_id, position) select t.id, v.id, v.id from trials t, variables v`,
    `insert into plots (trial_id, site_id, arm_id, label, block, planted_on, area_m2)
       select t.id, s.id, a.id, t.name || '-' || s.name || '-' || a.name || '-' || n, case when t.design = 'paired' then n::text end, date '2017-03-02', 66.7
       from trials t join trial_arms a on a.trial_id = t.id join sites s on true, generate_series(1, 2) n`,
    // A plot deleted before anything was recorded on it.
    `update plots set deleted_at = now() where label = '温室-二工镇-常规-2'`,
    // Two harvests on one day, two undated harvests, three subsamples of one day.
    `insert into observations (plot_id, variable_id, value_number, observed_on, recorded_by)
       select p.id, v.id, x.val, x.day, '李' from plots p, variables v,
         (values (512.5, date '2017-07-01'), (100.25, date '2017-07-01'), (40, null), (41, null)) x(val, day)
       where v.code = 'm_yield' and p.deleted_at is null`,
    `insert into observations (plot_id, variable_id, value_number, observed_on)
       select p.id, v.id, x.val, date '2017-05-10' from plots p, variables v, (values (61.5), (63), (58.25)) x(val)
       where v.code = 'm_height' and p.deleted_at is null`,
    `insert into observations (plot_id, variable_id, value_date, observed_on)
       select p.id, v.id, date '2017-04-04' + (p.id % 3), date '2017-04-04' + (p.id % 3) from plots p, variables v
       where v.code = 'm_flowering' and p.deleted_at is null`,
    `insert into observations (plot_id, variable_id, value_number, observed_on)
       select p.id, v.id, 7 + p.id % 4, date '2017-06-01' from plots p, variables v where v.code = 'm_fruits' and p.deleted_at is null`,
    `insert into observations (plot_id, variable_id, value_text, observed_on)
       select p.id, v.id, (array['旺', '中', '弱'])[1 + p.id % 3], date '2017-06-01' from plots p, variables v where v.code = 'm_vigour' and p.deleted_at is null`,
    `insert into observations (plot_id, variable_id, value_text, observed_on, notes)
       select p.id, v.id, '叶片有"斑点", 待查' || chr(10) || '第二行', null, '=1+1' from plots p, variables v where v.code = 'm_note' and p.deleted_at is null`,
    // A correction deleted softly, and one of each same-day pair deleted softly.
    `update observations set deleted_at = now() where id in (select min(id) from observations group by plot_id, variable_id having count(*) > 2)`,
    `insert into farmers (project_id, name, village, household, gender, demo_household)
       select id, f.name, f.village, f.hh, f.g, f.demo from projects,
         (values ('阿依古丽', '托万克', 'H1', 'female', true), ('买买提', '托万克', 'H2', 'male', false), ('王芳', '英阿瓦提', 'H3', 'female', true)) f(name, village, hh, g, demo)
       where code = 'MIG'`,
    `update farmers set deleted_at = now() where name = '王芳'`,
    `insert into training_sessions (project_id, held_on, kind, topic, attendance, women)
       select id, d, k, '栽培技术', a, w from projects, (values (date '2017-05-01', 'training', 40, 12), (date '2017-06-01', 'field_day', 2, 1)) x(d, k, a, w) where code = 'MIG'`,
    `insert into training_attendees (session_id, farmer_id) select s.id, f.id from training_sessions s, farmers f where s.kind = 'field_day' and f.deleted_at is null`,
  ],
  '2026-11-30T04-accounts': [
    `insert into users (email, name, role, password_hash) values ('lead@mig.example', '负责人', 'lead', 'x'), ('agro@mig.example', '农技员', 'agronomist', 'x')`,
    `insert into project_members (project_id, user_id) select p.id, u.id from projects p, users u`,
    // A later correction recorded with audit, then the paired trial signed off.
    `update observations set value_number = 520, version = version + 1 where id = (select min(id) from observations where value_number = 512.5 and deleted_at is null)`,
    `update trials set locked_at = now(), locked_by = (select id from users where role = 'lead') where name = '生产线'`,
    `insert into trials (project_id, name, crop, design) select id, '已删除', '番茄', 'crd' from projects where code = 'MIG'`,
    `update trials set deleted_at = now() where name = '已删除'`,
  ],
  '2026-11-30T05-trial-data-versions': [
    `insert into observations (plot_id, variable_id, value_number, observed_on)
       select p.id, v.id, 3.5, date '2017-08-01' from plots p join trials t on t.id = p.trial_id, variables v
       where t.name = '温室' and v.code = 'm_yield' and p.deleted_at is null`,
  ],
  '2026-12-01T00-plot-position': [
    `update plots set "row" = 1, "column" = id where trial_id = (select id from trials where name = '温室') and deleted_at is null`,
  ],
  '2026-12-01T07-import-mappings': [
    `insert into import_mappings (trial_id, kind, header_keys, mapping)
       select id, 'plots', '["plotid", "row", "column", "pedigree", "rep"]', '{"plot_id": "label", "row": "row", "column": "column", "pedigree": "ignore", "rep": "block"}'
       from trials where name = '温室'`,
  ],
  '2026-12-01T07-site-arm-values': [
    // Kept per site × arm by triggers: a plot without its planting date, one in a block of
    // its own, a plot deleted with its values, and a corrected harvest.
    `update plots set planted_on = null where label = '温室-二工镇-秸秆降解-1'`,
    `update plots set block = 'B' where label = '温室-和布克赛尔-常规-1'`,
    `update plots set deleted_at = now() where label = '温室-和布克赛尔-秸秆降解-2'`,
    `update observations set value_number = value_number + 0.125 where id = (select max(id) from observations where value_number = 3.5)`,
  ],
};

/** Stored values a migration deliberately rewrites: table -> column (camel case) -> why. */
const rewritten: Record<string, Record<string, string>> = {};

/** Tables whose rows are compared before and after, with their key columns. */
const tables: Record<string, string[]> = {
  projects: ['id'],
  sites: ['id'],
  variables: ['id'],
  trials: ['id'],
  trial_arms: ['id'],
  trial_variables: ['trialId', 'variableId'],
  plots: ['id'],
  observations: ['id'],
  farmers: ['id'],
  training_sessions: ['id'],
  training_attendees: ['sessionId', 'farmerId'],
  users: ['id'],
  project_members: ['projectId', 'userId'],
  audit_log: ['id'],
  import_mappings: ['trialId', 'kind'],
};

const names = Object.keys(migrations).sort();

async function snapshot(db: Kysely<Database>) {
  const out: Record<string, Map<string, Record<string, unknown>>> = {};
  const { rows: present } = await sql<{ t: string }>`select table_name as t from information_schema.tables where table_schema = current_schema()`.execute(db);
  const have = new Set(present.map((r) => r.t));
  for (const [table, key] of Object.entries(tables)) {
    if (!have.has(table)) continue;
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    out[table] = new Map(rows.map((r) => [key.map((k) => String(r[k])).join('|'), r]));
  }
  return out;
}

class UpTo implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

describe('migrations on a database that holds data', () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it('has a seed for the first migration and only for migrations that exist', () => {
    expect(names[0]).toBe('2026-11-30T01-initial-schema');
    for (const name of Object.keys(seeds)) expect(names, name).toContain(name);
  });

  it.each(names.slice(0, -1))('keeps every row and column and fresh derived tables when migrating from %s to the latest', async (upTo) => {
    database = await createTestDatabase({ migrate: false });
    // Seeds are raw SQL; rows read back come with camel-case keys, as the application reads them.
    const db = database.handle.db;
    const migrator = new Migrator({ db, provider: new UpTo() });
    for (const name of names.slice(0, names.indexOf(upTo) + 1)) {
      const { error } = await migrator.migrateTo(name);
      if (error) throw error;
      for (const statement of seeds[name] ?? []) await sql.raw(statement).execute(db);
    }
    const before = await snapshot(db);
    expect(before.observations.size).toBeGreaterThan(40);
    await migrateToLatest(db);
    const after = await snapshot(db);
    for (const [table, rows] of Object.entries(before)) {
      expect(after[table].size, `${table}: rows after migrating`).toBe(rows.size);
      for (const [key, row] of rows) {
        const now = after[table].get(key);
        expect(now, `${table} ${key} is still there`).toBeDefined();
        for (const [column, value] of Object.entries(row)) {
          if (rewritten[table]?.[column]) continue;
          expect(now![column], `${table} ${key}.${column}`).toEqual(value);
        }
      }
    }
    await expectDerivedTablesFresh(db);
    // The signed-off trial stays signed off, and refuses a change.
    const locked = await db.selectFrom('trials').select(['id', 'lockedAt']).where('name', '=', '生产线').executeTakeFirstOrThrow();
    if (names.indexOf(upTo) >= names.indexOf('2026-11-30T04-accounts')) {
      expect(locked.lockedAt).not.toBeNull();
      await expect(sql`update plots set notes = 'x' where trial_id = ${locked.id}`.execute(db)).rejects.toThrow();
    }
  }, 120_000);
});

describe('starting on a database already at the latest schema', () => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.drop();
    database = undefined;
  });

  it('applies nothing, and still refuses a recorded migration the code does not know', async () => {
    database = await createTestDatabase();
    const { db } = database.handle;
    expect(await migrateToLatest(db)).toEqual([]);
    // A history the code does not know (a newer release's database) goes to the Migrator, which refuses it.
    await sql`insert into kysely_migration (name, timestamp) values ('2099-01-01T00-from-a-newer-release', now()::text)`.execute(db);
    await expect(migrateToLatest(db)).rejects.toThrow(/2099-01-01T00-from-a-newer-release/);
  });
});
