import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { trialReport } from '../../server/reports/reports.service.js';
import { createTestDatabase, type TestDatabase } from '../support/context.js';

/**
 * A trial's data version goes up with every write its report reads, and only then; the
 * report cached under a version is the one a fresh computation would give.
 */
describe('trial data versions', () => {
  let database: TestDatabase;
  let db: TestDatabase['handle']['db'];
  const ids = { project: 0, site: 0, trial: 0, other: 0, arm: 0, control: 0, variable: 0, plot: 0, observation: 0 };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.handle.db;
    ids.project = (await db.insertInto('projects').values({ code: 'DV', name: 'dv' }).returning('id').executeTakeFirstOrThrow()).id;
    ids.site = (await db.insertInto('sites').values({ projectId: ids.project, name: 's', kind: 'field' }).returning('id').executeTakeFirstOrThrow()).id;
    ids.variable = (await db.insertInto('variables').values({ code: 'dv_yield', name: '产量', kind: 'number', aggregation: 'sum' }).returning('id').executeTakeFirstOrThrow()).id;
    for (const name of ['t', 'other']) {
      const trial = (await db.insertInto('trials').values({ projectId: ids.project, name, crop: 'c', design: 'crd' }).returning('id').executeTakeFirstOrThrow()).id;
      const arms = await db
        .insertInto('trialArms')
        .values([
          { trialId: trial, name: 'T', role: 'treatment', position: 0 },
          { trialId: trial, name: 'C', role: 'control', position: 1 },
        ])
        .returning('id')
        .execute();
      await db.insertInto('trialVariables').values({ trialId: trial, variableId: ids.variable, position: 0 }).execute();
      if (name === 't') Object.assign(ids, { trial, arm: arms[0].id, control: arms[1].id });
      else ids.other = trial;
    }
    const plots = await db
      .insertInto('plots')
      .values([
        { trialId: ids.trial, siteId: ids.site, armId: ids.arm, label: 'P1' },
        { trialId: ids.trial, siteId: ids.site, armId: ids.control, label: 'P2' },
      ])
      .returning('id')
      .execute();
    ids.plot = plots[0].id;
    const obs = await db
      .insertInto('observations')
      .values([
        { plotId: plots[0].id, variableId: ids.variable, valueNumber: '110' },
        { plotId: plots[1].id, variableId: ids.variable, valueNumber: '100' },
      ])
      .returning('id')
      .execute();
    ids.observation = Number(obs[0].id);
  });
  afterAll(() => database?.drop());

  const versions = async () => {
    const rows = await db.selectFrom('trialDataVersions').selectAll().where('trialId', 'in', [ids.trial, ids.other]).execute();
    const of = (id: number) => rows.find((r) => r.trialId === id)?.version;
    return { trial: of(ids.trial), other: of(ids.other) };
  };

  const writes: [string, () => Promise<unknown>][] = [
    ['an observation added', () => db.insertInto('observations').values({ plotId: ids.plot, variableId: ids.variable, valueNumber: '5' }).execute()],
    ['an observation changed', () => db.updateTable('observations').set({ valueNumber: '111' }).where('id', '=', ids.observation).execute()],
    ['an observation deleted', () => db.updateTable('observations').set({ deletedAt: new Date() }).where('id', '=', ids.observation).execute()],
    ['a plot changed', () => db.updateTable('plots').set({ plantedOn: '2026-03-01' }).where('id', '=', ids.plot).execute()],
    ['a plot added', () => db.insertInto('plots').values({ trialId: ids.trial, siteId: ids.site, armId: ids.arm, label: 'P3' }).execute()],
    ['an arm renamed', () => db.updateTable('trialArms').set({ name: 'T2' }).where('id', '=', ids.arm).execute()],
    ['the trial renamed', () => db.updateTable('trials').set({ name: 't2' }).where('id', '=', ids.trial).execute()],
    ['the site renamed', () => db.updateTable('sites').set({ name: 's2' }).where('id', '=', ids.site).execute()],
    ['the variable renamed', () => db.updateTable('variables').set({ name: '总产量' }).where('id', '=', ids.variable).execute()],
    ['the variable list changed', () => db.updateTable('trialVariables').set({ position: 1 }).where('trialId', '=', ids.trial).execute()],
  ];
  for (const [what, write] of writes) {
    it(`goes up when ${what}, and not for another trial`, async () => {
      const before = await versions();
      await write();
      const after = await versions();
      expect(after.trial).toBeGreaterThan(before.trial!);
      if (what !== 'the variable renamed') expect(after.other).toBe(before.other);
    });
  }

  it('exists from the start for a new trial', async () => {
    const t = await db.insertInto('trials').values({ projectId: ids.project, name: 'new', crop: 'c', design: 'crd' }).returning('id').executeTakeFirstOrThrow();
    expect((await db.selectFrom('trialDataVersions').select('version').where('trialId', '=', t.id).executeTakeFirst())?.version).toBe(1);
  });

  it('keeps one report per version and computes a new one after a write', async () => {
    const first = await trialReport(db, ids.trial);
    expect(await trialReport(db, ids.trial)).toBe(first);
    expect(Object.isFrozen(first.comparisons[0])).toBe(true);
    const plot = await db.selectFrom('plots').select('id').where('trialId', '=', ids.trial).where('label', '=', 'P2').executeTakeFirstOrThrow();
    await db.insertInto('observations').values({ plotId: plot.id, variableId: ids.variable, valueNumber: '7' }).execute();
    const second = await trialReport(db, ids.trial);
    expect(second).not.toBe(first);
    expect(second.comparisons[0].sites[0].meanControl).toBe(first.comparisons[0].sites[0].meanControl! + 7);
    // A write inside a transaction that rolls back leaves the version, and the report, as they were.
    await db
      .transaction()
      .execute(async (tx) => {
        await tx.insertInto('observations').values({ plotId: plot.id, variableId: ids.variable, valueNumber: '1000' }).execute();
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await trialReport(db, ids.trial)).toBe(second);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from trial_data_versions`.execute(db);
    expect(rows[0].n).toBe(3);
  });
});
