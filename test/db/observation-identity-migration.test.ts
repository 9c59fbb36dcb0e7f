import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migrator, sql } from 'kysely';
import { migrations, migrateToLatest } from '../../db/migrate.js';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

describe('migration 2026-12-01T01-observation-identity', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('numbers existing same-day repeats 1, 2 … in id order and deletes nothing', async () => {
    await ensureVariables(app, [YIELD]);
    const { project, sites } = await makeProject(app, ['S']);
    const trial = (
      await app.post(`/api/projects/${project.id}/trials`, {
        name: 'legacy',
        crop: 'tomato',
        design: 'crd',
        arms: [
          { name: 'T', role: 'treatment' },
          { name: 'C', role: 'control' },
        ],
        variables: [YIELD.code],
      })
    ).body;
    await app.post(`/api/trials/${trial.id}/plots`, [
      { siteId: sites[0].id, label: 'T1', arm: 'T' },
      { siteId: sites[0].id, label: 'C1', arm: 'C' },
    ]);
    const seed = await app.post(`/api/trials/${trial.id}/observations`, [
      { plot: 'T1', variable: YIELD.code, value: 100, observedOn: '2017-07-01' },
      { plot: 'C1', variable: YIELD.code, value: 90 },
      { plot: 'C1', variable: YIELD.code, value: 80, observedOn: '2017-07-01' },
    ]);
    expect(seed.status).toBe(201);

    // Back to the schema before the identity, where repeats of one day were allowed.
    const provider = { getMigrations: async () => migrations };
    const migrator = new Migrator({ db: app.db, provider });
    const down = await migrator.migrateTo('2026-12-01T00-plot-position');
    expect(down.error).toBeUndefined();
    await sql`
      insert into observations (plot_id, variable_id, value_number, observed_on)
      select plot_id, variable_id, value_number + 1, observed_on from observations where value_number = 100;
      insert into observations (plot_id, variable_id, value_number, observed_on)
      select plot_id, variable_id, value_number + 2, observed_on from observations where value_number = 100;
      insert into observations (plot_id, variable_id, value_number, observed_on)
      select plot_id, variable_id, 91, observed_on from observations where value_number = 90;
    `.execute(app.db);
    const before = await sql<{ n: number }>`select count(*)::int as n from observations`.execute(app.db);
    expect(before.rows[0].n).toBe(6);

    await migrateToLatest(app.db);
    const rows = await sql<{ value: string; observed_on: string | null; reading: number }>`
      select value_number::text as value, observed_on::text, reading from observations order by id`.execute(app.db);
    expect(rows.rows.map((r) => [r.value, r.reading])).toEqual([
      ['100', 1],
      ['90', 1],
      ['80', 1],
      ['101', 2],
      ['102', 3],
      ['91', 2],
    ]);
    // The API shows the readings, and the report still sums the harvests of a plot.
    const listed = (await app.get(`/api/trials/${trial.id}/observations?plot=T1`)).body as { reading: number }[];
    expect(listed.map((o) => o.reading)).toEqual([1, 2, 3]);
  });
});
