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
  const shared = { project: 0, site: 0, variable: 0 };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.handle.db;
    shared.project = (await db.insertInto('projects').values({ code: 'DV', name: 'dv' }).returning('id').executeTakeFirstOrThrow()).id;
    shared.site = (await db.insertInto('sites').values({ projectId: shared.project, name: 's', kind: 'field' }).returning('id').executeTakeFirstOrThrow()).id;
    shared.variable = (await db.insertInto('variables').values({ code: 'dv_yield', name: '产量', kind: 'number', aggregation: 'sum' }).returning('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(() => database?.drop());

  /** A trial of its own for each test (and a second trial sharing the variable), so no test
   * depends on what another wrote. */
  let fixtures = 0;
  async function fixture() {
    fixtures += 1;
    const n = fixtures;
    const made = { trial: 0, other: 0, arm: 0, control: 0, plot: 0, controlPlot: 0, observation: 0 };
    for (const name of ['t', 'other']) {
      const trial = (await db.insertInto('trials').values({ projectId: shared.project, name: `${name}-${n}`, crop: 'c', design: 'crd' }).returning('id').executeTakeFirstOrThrow()).id;
      const arms = await db
        .insertInto('trialArms')
        .values([
          { trialId: trial, name: 'T', role: 'treatment', position: 0 },
          { trialId: trial, name: 'C', role: 'control', position: 1 },
        ])
        .returning('id')
        .execute();
      await db.insertInto('trialVariables').values({ trialId: trial, variableId: shared.variable, position: 0 }).execute();
      if (name === 't') Object.assign(made, { trial, arm: arms[0].id, control: arms[1].id });
      else made.other = trial;
    }
    const plots = await db
      .insertInto('plots')
      .values([
        { trialId: made.trial, siteId: shared.site, armId: made.arm, label: 'P1' },
        { trialId: made.trial, siteId: shared.site, armId: made.control, label: 'P2' },
      ])
      .returning('id')
      .execute();
    made.plot = plots[0].id;
    made.controlPlot = plots[1].id;
    const obs = await db
      .insertInto('observations')
      .values([
        { plotId: plots[0].id, variableId: shared.variable, valueNumber: '110', observedOn: '2026-06-01' },
        { plotId: plots[1].id, variableId: shared.variable, valueNumber: '100', observedOn: '2026-06-01' },
      ])
      .returning('id')
      .execute();
    made.observation = Number(obs[0].id);
    return made;
  }

  const versions = async (ids: { trial: number; other: number }) => {
    const rows = await db.selectFrom('trialDataVersions').selectAll().where('trialId', 'in', [ids.trial, ids.other]).execute();
    const of = (id: number) => rows.find((r) => r.trialId === id)?.version;
    return { trial: of(ids.trial), other: of(ids.other) };
  };

  type Ids = Awaited<ReturnType<typeof fixture>>;
  const writes: [string, (ids: Ids) => Promise<unknown>][] = [
    ['an observation added', (ids) => db.insertInto('observations').values({ plotId: ids.plot, variableId: shared.variable, valueNumber: '5', observedOn: '2026-06-02' }).execute()],
    ['an observation changed', (ids) => db.updateTable('observations').set({ valueNumber: '111' }).where('id', '=', ids.observation).execute()],
    ['an observation deleted', (ids) => db.updateTable('observations').set({ deletedAt: new Date() }).where('id', '=', ids.observation).execute()],
    ['a plot changed', (ids) => db.updateTable('plots').set({ plantedOn: '2026-03-01' }).where('id', '=', ids.plot).execute()],
    ['a plot added', (ids) => db.insertInto('plots').values({ trialId: ids.trial, siteId: shared.site, armId: ids.arm, label: 'P3' }).execute()],
    ['an arm renamed', (ids) => db.updateTable('trialArms').set({ name: 'T2' }).where('id', '=', ids.arm).execute()],
    ['the trial renamed', (ids) => db.updateTable('trials').set({ name: 't2' }).where('id', '=', ids.trial).execute()],
    ['the site renamed', () => db.updateTable('sites').set({ name: `s-${Date.now()}` }).where('id', '=', shared.site).execute()],
    ['the variable renamed', () => db.updateTable('variables').set({ name: `总产量-${Date.now()}` }).where('id', '=', shared.variable).execute()],
    ['the variable list changed', (ids) => db.updateTable('trialVariables').set({ position: 1 }).where('trialId', '=', ids.trial).execute()],
    // What the trial page shows besides the report's data (it keeps its grid per version).
    ['a photo added', (ids) => db.insertInto('photos').values(photo(ids.plot)).execute()],
    [
      'a photo deleted',
      async (ids) => {
        await sql`alter table photos disable trigger photos_data_version_insert`.execute(db);
        try {
          const { id } = await db.insertInto('photos').values(photo(ids.plot)).returning('id').executeTakeFirstOrThrow();
          return await db.deleteFrom('photos').where('id', '=', id).execute();
        } finally {
          await sql`alter table photos enable trigger photos_data_version_insert`.execute(db);
        }
      },
    ],
    ['the project renamed', () => db.updateTable('projects').set({ name: `dv-${Date.now()}` }).where('id', '=', shared.project).execute()],
  ];
  function photo(plotId: number) {
    return { plotId, contentType: 'image/jpeg' as const, width: 1, height: 1, byteSize: 1, bytes: Buffer.from([1]), thumbnail: Buffer.from([1]) };
  }
  for (const [what, write] of writes) {
    it(`goes up when ${what}, and not for another trial`, async () => {
      const ids = await fixture();
      const before = await versions(ids);
      await write(ids);
      const after = await versions(ids);
      expect(after.trial).toBeGreaterThan(before.trial!);
      // The other trial shares the variable (so its report names it) but has no plots on the site.
      if (what === 'the variable renamed' || what === 'the site renamed') expect(after.other).toBe(before.other! + (what === 'the variable renamed' ? 1 : 0));
      // Both trials are in the project, whose name heads their pages.
      else if (what === 'the project renamed') expect(after.other).toBe(before.other! + 1);
      else expect(after.other).toBe(before.other);
    });
  }

  it('goes up when the name of who signed the trial off changes, and for nothing else of theirs', async () => {
    const ids = await fixture();
    const user = await db.insertInto('users').values({ email: `dv-${fixtures}@test.example`, name: '签字人', role: 'lead', passwordHash: 'x' }).returning('id').executeTakeFirstOrThrow();
    await db.updateTable('trials').set({ lockedBy: user.id, lockedAt: new Date() }).where('id', '=', ids.trial).execute();
    const before = await versions(ids);
    await db.updateTable('users').set({ passwordHash: 'y', role: 'admin' }).where('id', '=', user.id).execute();
    expect(await versions(ids)).toEqual(before);
    await db.updateTable('users').set({ name: '签字人乙' }).where('id', '=', user.id).execute();
    const after = await versions(ids);
    expect(after.trial).toBe(before.trial! + 1);
    expect(after.other).toBe(before.other);
  });

  it('exists from the start for a new trial', async () => {
    const t = await db.insertInto('trials').values({ projectId: shared.project, name: 'new', crop: 'c', design: 'crd' }).returning('id').executeTakeFirstOrThrow();
    expect((await db.selectFrom('trialDataVersions').select('version').where('trialId', '=', t.id).executeTakeFirst())?.version).toBe(1);
  });

  it('keeps one report per version and computes a new one after a write', async () => {
    const ids = await fixture();
    const first = await trialReport(db, ids.trial);
    expect(await trialReport(db, ids.trial)).toBe(first);
    expect(Object.isFrozen(first.comparisons[0])).toBe(true);
    await db.insertInto('observations').values({ plotId: ids.controlPlot, variableId: shared.variable, valueNumber: '7', observedOn: '2026-06-02' }).execute();
    const second = await trialReport(db, ids.trial);
    expect(second).not.toBe(first);
    expect(second.comparisons[0].sites[0].meanControl).toBe(first.comparisons[0].sites[0].meanControl! + 7);
  });

  it('leaves the version and the cached report as they were when the writing transaction rolls back', async () => {
    const ids = await fixture();
    const report = await trialReport(db, ids.trial);
    const before = await versions(ids);
    await expect(
      db.transaction().execute(async (tx) => {
        await tx.insertInto('observations').values({ plotId: ids.controlPlot, variableId: shared.variable, valueNumber: '1000', observedOn: '2026-06-03' }).execute();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await versions(ids)).toEqual(before);
    expect(await trialReport(db, ids.trial)).toBe(report);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from trial_data_versions where trial_id = ${ids.trial}`.execute(db);
    expect(rows[0].n).toBe(1);
  });
});
