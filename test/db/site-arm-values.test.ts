import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { buildAnova, buildComparisons, type Aggregation, type ReportPlotValue, type VariableKind } from '../../analysis/index.js';
import { clearReportCache, trialReport } from '../../server/reports/reports.service.js';
import { startTestApp, type TestApp } from '../support/context.js';
import { expectSiteArmValuesFresh } from '../support/derived.js';
import { commit, upload } from '../support/imports.js';

/**
 * The per site × arm × variable rows of plot values (`site_arm_values`) kept by triggers must
 * always equal a fresh gathering from plot_values and plots, whatever wrote them: inserts,
 * updates, soft and hard deletes and restores of observations, plots moved between arms,
 * blocks and planting dates or deleted, spreadsheet imports through the API, and COPY. The
 * report read from them must equal the report built from one row per plot, figure for figure.
 */
describe('maintained site × arm values', () => {
  let app: TestApp;
  let db: TestApp['db'];
  let trialId: number;
  const plots: { id: number; label: string }[] = [];
  const armIds: number[] = [];
  const variables: { id: number; code: string; kind: VariableKind }[] = [];

  beforeAll(async () => {
    app = await startTestApp();
    db = app.db;
    const project = await db.insertInto('projects').values({ code: 'SAV', name: 'sav' }).returning('id').executeTakeFirstOrThrow();
    const sites = [];
    for (const name of ['甲', '乙']) sites.push(await db.insertInto('sites').values({ projectId: project.id, name, kind: 'field' }).returning('id').executeTakeFirstOrThrow());
    const trial = await db.insertInto('trials').values({ projectId: project.id, name: 't', crop: 'c', design: 'rcbd' }).returning('id').executeTakeFirstOrThrow();
    trialId = trial.id;
    for (const [i, [name, role]] of ([['T1', 'treatment'], ['T2', 'treatment'], ['C', 'control']] as const).entries()) {
      armIds.push((await db.insertInto('trialArms').values({ trialId, name, role, position: i }).returning('id').executeTakeFirstOrThrow()).id);
    }
    const defs: [VariableKind, Aggregation][] = [
      ['number', 'sum'],
      ['number', 'mean'],
      ['count', 'last'],
      ['date', 'first'],
      ['date', 'mean'],
      ['category', 'last'],
      ['text', 'first'],
    ];
    for (const [i, [kind, aggregation]] of defs.entries()) {
      const code = `sav${i}`;
      const v = await db
        .insertInto('variables')
        .values({ code, name: code, kind, aggregation, categories: kind === 'category' ? ['a', 'b', 'c'] : null })
        .returning('id')
        .executeTakeFirstOrThrow();
      variables.push({ id: v.id, code, kind });
      await db.insertInto('trialVariables').values({ trialId, variableId: v.id, position: i }).execute();
    }
    // Two sites × three arms × two blocks, one plot without a planting date.
    let n = 0;
    for (const site of sites) {
      for (const arm of armIds) {
        for (const block of ['1', '2']) {
          const label = `P${++n}`;
          const planted = n === 4 ? null : `2017-03-0${1 + (n % 5)}`;
          const p = await db.insertInto('plots').values({ trialId, siteId: site.id, armId: arm, label, block, plantedOn: planted }).returning('id').executeTakeFirstOrThrow();
          plots.push({ id: p.id, label });
        }
      }
    }
  });
  afterAll(() => app?.close());

  let nextReading = 1;
  const valueFor = (kind: VariableKind, n: number) => {
    if (kind === 'number') return { valueNumber: (n / 10 + 1000).toFixed(1), valueDate: null, valueText: null };
    if (kind === 'count') return { valueNumber: String(n), valueDate: null, valueText: null };
    if (kind === 'date') return { valueNumber: null, valueDate: `2017-04-${String(1 + (n % 28)).padStart(2, '0')}`, valueText: null };
    return { valueNumber: null, valueDate: null, valueText: ['a', 'b', 'c'][n % 3] };
  };
  const csvValue = (kind: VariableKind, n: number) => {
    const v = valueFor(kind, n);
    return v.valueNumber ?? v.valueDate ?? v.valueText!;
  };

  const pick = <T>(list: T[], k: number) => list[k % list.length];
  const op = fc.oneof(
    fc.record({
      type: fc.constant('insert' as const),
      rows: fc.array(fc.record({ plot: fc.nat(11), variable: fc.nat(6), n: fc.nat(500), day: fc.option(fc.nat(5), { nil: null }) }), { minLength: 1, maxLength: 8 }),
    }),
    fc.record({ type: fc.constant('update' as const), pick: fc.nat(1000), n: fc.nat(500) }),
    fc.record({ type: fc.constant('softDelete' as const), pick: fc.nat(1000) }),
    fc.record({ type: fc.constant('restore' as const), pick: fc.nat(1000) }),
    fc.record({ type: fc.constant('hardDelete' as const), pick: fc.nat(1000) }),
    fc.record({ type: fc.constant('moveArm' as const), plot: fc.nat(11), arm: fc.nat(2) }),
    fc.record({ type: fc.constant('block' as const), plot: fc.nat(11), block: fc.constantFrom('1', '2', '3', null) }),
    fc.record({ type: fc.constant('planted' as const), plot: fc.nat(11), day: fc.option(fc.nat(9), { nil: null }) }),
    fc.record({ type: fc.constant('deletePlot' as const), plot: fc.nat(11), restore: fc.boolean() }),
    fc.record({
      type: fc.constant('import' as const),
      rows: fc.uniqueArray(fc.record({ plot: fc.nat(11), variable: fc.nat(6), n: fc.nat(500), day: fc.nat(20) }), {
        minLength: 1,
        maxLength: 10,
        selector: (r) => `${r.plot}/${r.variable}/${r.day}`,
      }),
    }),
  );

  async function apply(o: any) {
    const all = await db.selectFrom('observations').select(['id', 'variableId', 'deletedAt']).orderBy('id').execute();
    const live = all.filter((r) => r.deletedAt === null);
    const deleted = all.filter((r) => r.deletedAt !== null);
    switch (o.type) {
      case 'insert':
        await db
          .insertInto('observations')
          .values(
            o.rows.map((r: any) => ({
              plotId: plots[r.plot].id,
              variableId: variables[r.variable].id,
              ...valueFor(variables[r.variable].kind, r.n),
              observedOn: r.day === null ? null : `2017-05-0${r.day + 1}`,
              reading: nextReading++,
            })),
          )
          .execute();
        break;
      case 'update': {
        if (!live.length) return;
        const row = pick(live, o.pick);
        const v = variables.find((x) => x.id === row.variableId)!;
        await db.updateTable('observations').set(valueFor(v.kind, o.n)).where('id', '=', row.id).execute();
        break;
      }
      case 'softDelete':
        if (live.length) await db.updateTable('observations').set({ deletedAt: new Date() }).where('id', '=', pick(live, o.pick).id).execute();
        break;
      case 'restore':
        // A restore that would collide with a live row of the same identity is refused; skip it.
        if (deleted.length) await db.updateTable('observations').set({ deletedAt: null }).where('id', '=', pick(deleted, o.pick).id).execute().catch(() => undefined);
        break;
      case 'hardDelete':
        if (all.length) await db.deleteFrom('observations').where('id', '=', pick(all, o.pick).id).execute();
        break;
      case 'moveArm':
        await db.updateTable('plots').set({ armId: armIds[o.arm] }).where('id', '=', plots[o.plot].id).execute();
        break;
      case 'block':
        await db.updateTable('plots').set({ block: o.block }).where('id', '=', plots[o.plot].id).execute();
        break;
      case 'planted':
        await db
          .updateTable('plots')
          .set({ plantedOn: o.day === null ? null : `2017-03-${String(o.day + 1).padStart(2, '0')}` })
          .where('id', '=', plots[o.plot].id)
          .execute();
        break;
      case 'deletePlot':
        await db
          .updateTable('plots')
          .set({ deletedAt: o.restore ? null : new Date() })
          .where('id', '=', plots[o.plot].id)
          .execute()
          .catch(() => undefined); // a restore whose label was taken meanwhile is refused
        break;
      case 'import': {
        // Imports name live plots by label; rows for deleted plots would be refused whole.
        const livePlots = new Set((await db.selectFrom('plots').select('id').where('deletedAt', 'is', null).execute()).map((p) => p.id));
        const rows = o.rows.filter((r: any) => livePlots.has(plots[r.plot].id));
        if (!rows.length) return;
        const csv = ['plot,variable,value,observed_on']
          .concat(rows.map((r: any) => `${plots[r.plot].label},${variables[r.variable].code},${csvValue(variables[r.variable].kind, r.n)},2017-06-${String(r.day + 1).padStart(2, '0')}`))
          .join('\n');
        const preview = await upload(app, `/api/trials/${trialId}/imports?kind=observations&shape=long`, Buffer.from(csv + '\n'));
        expect(preview.status, JSON.stringify(preview.body)).toBe(201);
        if (preview.body.summary.errors === 0) {
          const done = await commit(app, preview.body.id);
          expect(done.status, JSON.stringify(done.body)).toBe(200);
        }
        break;
      }
    }
  }

  /** The report as the service gives it equals the one built from one row per plot and variable. */
  async function expectReportAsPerPlot() {
    const { rows } = await sql<{ plotId: number; siteId: number; arm: string; block: string | null; code: string; value: string | null; text: string | null; missing: boolean }>`
      select pl.id as plot_id, pl.site_id, a.name as arm, pl.block, v.code,
        case when v.kind = 'date' then pv.num_value - (pl.planted_on - date '1970-01-01') else pv.num_value end as value,
        pv.text_value as text, v.kind = 'date' and pl.planted_on is null as missing
      from plots pl join trial_arms a on a.id = pl.arm_id
      join plot_values pv on pv.plot_id = pl.id
      join trial_variables tv on tv.trial_id = pl.trial_id and tv.variable_id = pv.variable_id
      join variables v on v.id = pv.variable_id
      where pl.trial_id = ${trialId} and pl.deleted_at is null
    `.execute(db);
    clearReportCache();
    const report = await trialReport(db, trialId);
    const plotValues: ReportPlotValue[] = rows.map((r) => ({
      plotId: r.plotId,
      siteId: r.siteId,
      arm: r.arm,
      block: r.block,
      variable: r.code,
      value: r.missing || r.value === null ? null : Number(r.value),
      text: r.text,
      ...(r.missing ? { flag: 'missingPlantingDate' as const } : {}),
    }));
    const input = {
      design: 'rcbd' as const,
      arms: [
        { name: 'T1', role: 'treatment' as const },
        { name: 'T2', role: 'treatment' as const },
        { name: 'C', role: 'control' as const },
      ],
      sites: report.sites.map((s) => ({ id: s.id, name: s.name })),
      variables: variables.map((v) => ({ code: v.code, name: v.code, nameEn: null, kind: v.kind, unit: null })),
      plotValues,
    };
    const strip = (c: { sites: unknown; overall: unknown; categories?: unknown; texts?: unknown; flags: unknown }) => ({
      sites: c.sites,
      overall: c.overall,
      categories: c.categories,
      texts: c.texts,
      flags: c.flags,
    });
    expect(report.comparisons.map(strip)).toEqual(buildComparisons(input).map(strip));
    expect(report.anova).toEqual(buildAnova(input));
  }

  it('equal a fresh gathering after any sequence of writes, and the report equals the per-plot report', async () => {
    let runs = 0;
    let most = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        for (const o of ops) await apply(o);
        most = Math.max(most, await expectSiteArmValuesFresh(db));
        if (runs++ % 5 === 0) await expectReportAsPerPlot();
      }),
      { numRuns: 30 },
    );
    // The writes reached every kind of row: at some point values were kept for most of the
    // 42 site × arm × variable keys. (The last state may legitimately be sparse: a run can end
    // after deletes of plots and observations, so the count at the end is not the measure.)
    expect(most).toBeGreaterThan(10);
    await expectSiteArmValuesFresh(db);
    await expectReportAsPerPlot();
  }, 300_000);

  it('equal a fresh gathering after bulk writes in one transaction, and after COPY', async () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => {
        const v = variables[i % variables.length];
        return { plotId: plots[i % plots.length].id, variableId: v.id, ...valueFor(v.kind, i * 7), observedOn: `2017-07-${String((i % 28) + 1).padStart(2, '0')}`, reading: nextReading++ };
      });
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < 4; i++) await tx.insertInto('observations').values(rows(150)).execute();
      await tx.updateTable('plots').set({ block: null }).where('id', '=', plots[0].id).execute();
      await tx.updateTable('observations').set({ deletedAt: new Date() }).where('variableId', '=', variables[3].id).where('plotId', '=', plots[2].id).execute();
      await tx.updateTable('plots').set({ armId: armIds[0] }).where('trialId', '=', trialId).execute();
    });
    await expectSiteArmValuesFresh(db);
    const one = await db.selectFrom('siteArmValues').select(['armId']).where('trialId', '=', trialId).groupBy('armId').execute();
    expect(one.map((r) => r.armId)).toEqual([armIds[0]]);
    await expectReportAsPerPlot();
    if (app.database.url) {
      const client = new pg.Client({ connectionString: app.database.url });
      await client.connect();
      try {
        const lines = rows(300).map((r) => [r.plotId, r.variableId, r.valueNumber ?? '', r.valueDate ?? '', r.valueText ?? '', r.observedOn, r.reading].join(','));
        const stream = client.query(copyFrom('copy observations (plot_id, variable_id, value_number, value_date, value_text, observed_on, reading) from stdin (format csv)'));
        await pipeline(Readable.from([lines.join('\n') + '\n']), stream);
      } finally {
        await client.end();
      }
      await expectSiteArmValuesFresh(db);
      await expectReportAsPerPlot();
    }
  }, 120_000);
});
