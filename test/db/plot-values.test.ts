import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { aggregatePlotValues, epochDay, type Aggregation, type VariableKind } from '../../analysis/index.js';
import { createTestDatabase, type TestDatabase } from '../support/context.js';

/**
 * The per-plot values kept by triggers must always equal a full recomputation from the raw
 * observations by the reference rules (analysis/plot-values.ts), whatever sequence of
 * inserts, updates and (soft and hard) deletes wrote them.
 */
describe('maintained per-plot values', () => {
  let database: TestDatabase;
  let db: TestDatabase['handle']['db'];
  const plotIds: number[] = [];
  const variables: { id: number; kind: VariableKind; aggregation: Aggregation }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.handle.db;
    const project = await db.insertInto('projects').values({ code: 'PV', name: 'pv' }).returning('id').executeTakeFirstOrThrow();
    const site = await db.insertInto('sites').values({ projectId: project.id, name: 's', kind: 'field' }).returning('id').executeTakeFirstOrThrow();
    const trial = await db.insertInto('trials').values({ projectId: project.id, name: 't', crop: 'c', design: 'crd' }).returning('id').executeTakeFirstOrThrow();
    const arm = await db.insertInto('trialArms').values({ trialId: trial.id, name: 'T', role: 'treatment', position: 0 }).returning('id').executeTakeFirstOrThrow();
    for (const [i, planted] of ['2017-03-01', '2017-03-05', null].entries()) {
      const p = await db.insertInto('plots').values({ trialId: trial.id, siteId: site.id, armId: arm.id, label: `P${i}`, plantedOn: planted }).returning('id').executeTakeFirstOrThrow();
      plotIds.push(p.id);
    }
    const defs: [VariableKind, Aggregation][] = [
      ['number', 'sum'],
      ['number', 'mean'],
      ['number', 'first'],
      ['count', 'last'],
      ['date', 'first'],
      ['date', 'mean'],
      ['date', 'last'],
      ['category', 'last'],
      ['text', 'first'],
    ];
    for (const [i, [kind, aggregation]] of defs.entries()) {
      const v = await db
        .insertInto('variables')
        .values({ code: `v${i}`, name: `v${i}`, kind, aggregation, categories: kind === 'category' ? ['a', 'b', 'c'] : null })
        .returning('id')
        .executeTakeFirstOrThrow();
      variables.push({ id: v.id, kind, aggregation });
    }
  });
  afterAll(() => database?.drop());

  // Each row its own reading: random days and values never collide on the observation
  // identity (plot, variable, day, reading), which the schema enforces.
  let nextReading = 1;
  const valueFor = (kind: VariableKind, n: number) => {
    if (kind === 'number') return { valueNumber: (n / 10).toFixed(1), valueDate: null, valueText: null };
    if (kind === 'count') return { valueNumber: String(n), valueDate: null, valueText: null };
    if (kind === 'date') return { valueNumber: null, valueDate: new Date(Date.UTC(2017, 3, 1 + (n % 60))).toISOString().slice(0, 10), valueText: null };
    return { valueNumber: null, valueDate: null, valueText: ['a', 'b', 'c'][n % 3] };
  };

  const op = fc.oneof(
    fc.record({
      type: fc.constant('insert' as const),
      rows: fc.array(
        fc.record({ plot: fc.nat(2), variable: fc.nat(8), n: fc.nat(500), day: fc.option(fc.nat(5), { nil: null }) }),
        { minLength: 1, maxLength: 6 },
      ),
    }),
    fc.record({ type: fc.constant('update' as const), pick: fc.nat(1000), n: fc.nat(500), day: fc.option(fc.nat(5), { nil: null }) }),
    fc.record({ type: fc.constant('softDelete' as const), pick: fc.nat(1000) }),
    fc.record({ type: fc.constant('hardDelete' as const), pick: fc.nat(1000) }),
    fc.record({ type: fc.constant('updateMany' as const), variable: fc.nat(8) }),
  );

  async function apply(o: any) {
    const live = await db.selectFrom('observations').select(['id', 'variableId']).where('deletedAt', 'is', null).orderBy('id').execute();
    const pick = (k: number) => live[k % live.length];
    switch (o.type) {
      case 'insert':
        await db
          .insertInto('observations')
          .values(
            o.rows.map((r: any) => ({
              plotId: plotIds[r.plot],
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
        const row = pick(o.pick);
        const v = variables.find((x) => x.id === row.variableId)!;
        await db
          .updateTable('observations')
          .set({ ...valueFor(v.kind, o.n), observedOn: o.day === null ? null : `2017-05-0${o.day + 1}` })
          .where('id', '=', row.id)
          .execute();
        break;
      }
      case 'softDelete':
        if (live.length) await db.updateTable('observations').set({ deletedAt: new Date() }).where('id', '=', pick(o.pick).id).execute();
        break;
      case 'hardDelete':
        if (live.length) await db.deleteFrom('observations').where('id', '=', pick(o.pick).id).execute();
        break;
      case 'updateMany':
        await db.updateTable('observations').set({ notes: 'touched' }).where('variableId', '=', variables[o.variable].id).execute();
        break;
    }
  }

  async function assertMatchesRecomputation() {
    const plots = await db.selectFrom('plots').select(['id', 'plantedOn']).execute();
    const obs = await db.selectFrom('observations').selectAll().where('deletedAt', 'is', null).execute();
    const maintained = await db.selectFrom('plotValues').selectAll().execute();
    for (const v of variables) {
      const expected = aggregatePlotValues(
        { kind: v.kind, aggregation: v.aggregation },
        plots.map((p) => ({ plotId: p.id, plantedOn: null })),
        obs
          .filter((o) => o.variableId === v.id)
          .map((o) => ({ plotId: o.plotId, value: (o.valueNumber ?? o.valueDate ?? o.valueText)!, observedOn: o.observedOn, seq: Number(o.id) })),
      );
      const got = maintained.filter((m) => m.variableId === v.id);
      expect(got.length, `variable ${v.kind}/${v.aggregation}`).toBe(expected.length);
      for (const e of expected) {
        const m = got.find((g) => g.plotId === e.plotId);
        expect(m, `plot ${e.plotId}`).toBeDefined();
        expect(m!.n).toBe(obs.filter((o) => o.variableId === v.id && o.plotId === e.plotId).length);
        if (v.kind === 'category' || v.kind === 'text') {
          expect(m!.textValue).toBe(e.text);
        } else if (v.kind === 'date') {
          // Stored as days since 1970-01-01; the reference counts from the plot's planting
          // date, so recompute it against the epoch for the comparison.
          const days = aggregatePlotValues(
            { kind: 'date', aggregation: v.aggregation },
            [{ plotId: e.plotId, plantedOn: '1970-01-01' }],
            obs
              .filter((o) => o.variableId === v.id && o.plotId === e.plotId)
              .map((o) => ({ plotId: o.plotId, value: o.valueDate!, observedOn: o.observedOn, seq: Number(o.id) })),
          )[0].value!;
          expect(Number(m!.numValue)).toBeCloseTo(days, 9);
        } else {
          expect(Number(m!.numValue)).toBeCloseTo(e.value!, 9);
        }
      }
    }
  }

  it('equal a full recomputation after any sequence of writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        for (const o of ops) await apply(o);
        await assertMatchesRecomputation();
      }),
      { numRuns: 25 },
    );
    // The epoch helper agrees with SQL's date arithmetic.
    const { rows } = await sql<{ d: number }>`select (date '2017-04-04' - date '1970-01-01') as d`.execute(db);
    expect(rows[0].d).toBe(epochDay('2017-04-04'));
  }, 120_000);

  it('equal a full recomputation after bulk writes: many statements in one transaction, and COPY', async () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => {
        const v = variables[i % variables.length];
        return { plotId: plotIds[i % plotIds.length], variableId: v.id, ...valueFor(v.kind, i * 7), observedOn: `2017-06-${String((i % 28) + 1).padStart(2, '0')}`, reading: nextReading++ };
      });
    await db.transaction().execute(async (tx) => {
      for (let i = 0; i < 5; i++) await tx.insertInto('observations').values(rows(200)).execute();
      await tx.updateTable('observations').set({ observedOn: null }).where('variableId', '=', variables[4].id).execute();
      await tx.deleteFrom('observations').where('variableId', '=', variables[0].id).where('plotId', '=', plotIds[1]).execute();
    });
    await assertMatchesRecomputation();
    if (database.url) {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const lines = rows(500).map((r) => [r.plotId, r.variableId, r.valueNumber ?? '', r.valueDate ?? '', r.valueText ?? '', r.observedOn, r.reading].join(','));
        const stream = client.query(copyFrom('copy observations (plot_id, variable_id, value_number, value_date, value_text, observed_on, reading) from stdin (format csv)'));
        await pipeline(Readable.from([lines.join('\n') + '\n']), stream);
      } finally {
        await client.end();
      }
      await assertMatchesRecomputation();
    }
  }, 60_000);
});
