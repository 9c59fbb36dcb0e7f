import { expect } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { aggregatePlotValues, epochDay, type Aggregation, type VariableKind } from '../../analysis/index.js';
import type { Database } from '../../db/database.js';

/**
 * Asserts that every table the database derives from the raw rows equals a fresh
 * computation by the reference rules in analysis/: the per-plot values (`plot_values`,
 * recomputed with `aggregatePlotValues`), the per site × arm × variable rows of plot values
 * (`site_arm_values`, regathered from plot_values and plots) and one data version per live trial.
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
  await expectSiteArmValuesFresh(db);
  const trials = await db.selectFrom('trials').select('id').execute();
  const versions = await db.selectFrom('trialDataVersions').select(['trialId', 'version']).execute();
  expect(versions.map((v) => v.trialId).sort((a, b) => a - b)).toEqual(trials.map((t) => t.id).sort((a, b) => a - b));
  for (const v of versions) expect(Number(v.version)).toBeGreaterThanOrEqual(1);
  if (obs.length) expect(compared).toBeGreaterThan(0);
}

/**
 * Asserts that `site_arm_values` holds exactly the live plots' values of every site × arm ×
 * variable, gathered afresh from plot_values and plots: the same keys, plots in id order
 * with their blocks, each plot's value as stored (dates as days after its planting date, and
 * flagged where it has none), its text, and no row for a site × arm without values.
 */
export async function expectSiteArmValuesFresh(db: Kysely<Database>): Promise<number> {
  const plots = new Map((await db.selectFrom('plots').select(['id', 'trialId', 'siteId', 'armId', 'block', 'plantedOn', 'deletedAt']).execute()).map((p) => [p.id, p]));
  const kinds = new Map((await db.selectFrom('variables').select(['id', 'kind']).execute()).map((v) => [v.id, v.kind]));
  const values = (await db.selectFrom('plotValues').selectAll().execute()).sort((a, b) => a.plotId - b.plotId);
  type Cell = { n: number; plotIds: number[]; blocks: (string | null)[]; numValues: (number | null)[]; textValues: (string | null)[]; missingPlanting: boolean[]; raw: (string | null)[] };
  const expected = new Map<string, Cell>();
  for (const v of values) {
    const p = plots.get(v.plotId)!;
    if (p.deletedAt !== null) continue;
    const key = `${p.trialId}/${p.siteId}/${p.armId}/${v.variableId}`;
    let cell = expected.get(key);
    if (!cell) expected.set(key, (cell = { n: 0, plotIds: [], blocks: [], numValues: [], textValues: [], missingPlanting: [], raw: [] }));
    const isDate = kinds.get(v.variableId) === 'date';
    cell.n++;
    cell.plotIds.push(p.id);
    cell.blocks.push(p.block);
    cell.raw.push(v.numValue);
    cell.numValues.push(v.numValue === null ? null : isDate ? (p.plantedOn === null ? null : Number(v.numValue) - epochDay(p.plantedOn)) : Number(v.numValue));
    cell.textValues.push(v.textValue);
    cell.missingPlanting.push(isDate && p.plantedOn === null);
  }
  // Numbers as exact text: one driver reads a numeric[] as floats, the other as text.
  const maintained = await db
    .selectFrom('siteArmValues')
    .selectAll()
    .select(sql<(string | null)[] | null>`num_values::text[]`.as('numValues'))
    .execute();
  const got = new Map(maintained.map((m) => [`${m.trialId}/${m.siteId}/${m.armId}/${m.variableId}`, m]));
  expect([...got.keys()].sort(), 'site × arm × variable rows').toEqual([...expected.keys()].sort());
  // An array holding only nulls (only false) is kept as null.
  const orNull = <T>(list: T[]) => (list.some((x) => x !== null && x !== false) ? list : null);
  for (const [key, e] of expected) {
    const m = got.get(key)!;
    expect(m.n, `${key}: n`).toBe(e.n);
    expect(m.plotIds, `${key}: plots`).toEqual(e.plotIds);
    expect(m.blocks, `${key}: blocks`).toEqual(orNull(e.blocks));
    expect(m.textValues, `${key}: texts`).toEqual(orNull(e.textValues));
    expect(m.missingPlanting, `${key}: missing planting dates`).toEqual(orNull(e.missingPlanting));
    expect(JSON.parse(m.reportJson), `${key}: the report's row`).toEqual([m.siteId, m.armId, m.variableId, m.plotIds, m.blocks, m.numValues && m.numValues.map((x) => (x === null ? null : Number(x))), m.textValues, m.missingPlanting]);
    const isDate = kinds.get(Number(key.split('/')[3])) === 'date';
    expect(m.numValues === null, `${key}: no numbers`).toBe(e.raw.every((x, i) => x === null || (isDate && e.numValues[i] === null)));
    for (let i = 0; i < e.n; i++) {
      const stored = m.numValues?.[i] ?? null;
      if (e.numValues[i] === null) expect(stored, `${key}: plot ${e.plotIds[i]}`).toBeNull();
      // Numbers exactly as plot_values holds them; dates as the day difference.
      else if (!isDate) expect(stored, `${key}: plot ${e.plotIds[i]}`).toBe(e.raw[i]);
      else expect(Number(stored), `${key}: plot ${e.plotIds[i]}`).toBeCloseTo(e.numValues[i]!, 9);
    }
  }
  return expected.size;
}
