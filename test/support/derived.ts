import { expect } from 'vitest';
import { type Kysely } from 'kysely';
import { aggregatePlotValues, type Aggregation, type VariableKind } from '../../analysis/index.js';
import type { Database } from '../../db/database.js';

/**
 * Asserts that every table the database derives from the raw rows equals a fresh
 * computation by the reference rules in analysis/: the per-plot values (`plot_values`,
 * recomputed with `aggregatePlotValues`) and one data version per live trial.
 */
export async function expectDerivedTablesFresh(db: Kysely<Database>): Promise<void> {
  const plots = await db.selectFrom('plots').select(['id']).execute();
  const variables = await db.selectFrom('variables').select(['id', 'kind', 'aggregation']).execute();
  const obs = await db.selectFrom('observations').selectAll().where('deletedAt', 'is', null).execute();
  const maintained = await db.selectFrom('plotValues').selectAll().execute();
  let compared = 0;
  for (const v of variables) {
    const kind = v.kind as VariableKind;
    const rows = obs
      .filter((o) => o.variableId === v.id)
      .map((o) => ({ plotId: o.plotId, value: (o.valueNumber ?? o.valueDate ?? o.valueText)!, observedOn: o.observedOn, seq: Number(o.id) }));
    // plot_values keeps dates as days since 1970-01-01; the reference counts from the
    // planting date, so the epoch stands in as every plot's planting date.
    const expected = aggregatePlotValues(
      { kind, aggregation: v.aggregation as Aggregation | null },
      plots.map((p) => ({ plotId: p.id, plantedOn: kind === 'date' ? '1970-01-01' : null })),
      rows,
    );
    const got = maintained.filter((m) => m.variableId === v.id);
    expect(got.length, `plot values of variable ${v.id} (${kind})`).toBe(expected.length);
    for (const e of expected) {
      const m = got.find((g) => g.plotId === e.plotId);
      expect(m, `plot ${e.plotId}, variable ${v.id}`).toBeDefined();
      expect(m!.n, `count for plot ${e.plotId}, variable ${v.id}`).toBe(rows.filter((r) => r.plotId === e.plotId).length);
      if (kind === 'category' || kind === 'text') expect(m!.textValue).toBe(e.text);
      else expect(Number(m!.numValue), `value for plot ${e.plotId}, variable ${v.id}`).toBeCloseTo(e.value!, 9);
      compared++;
    }
  }
  const trials = await db.selectFrom('trials').select('id').execute();
  const versions = await db.selectFrom('trialDataVersions').select(['trialId', 'version']).execute();
  expect(versions.map((v) => v.trialId).sort((a, b) => a - b)).toEqual(trials.map((t) => t.id).sort((a, b) => a - b));
  for (const v of versions) expect(Number(v.version)).toBeGreaterThanOrEqual(1);
  if (obs.length) expect(compared).toBeGreaterThan(0);
}
