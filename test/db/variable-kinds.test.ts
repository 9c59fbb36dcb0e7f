import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { effectiveAggregation as analysisAggregation } from '../../analysis/plot-values.js';
import type { Aggregation } from '../../db/database.js';
import { AGGREGATIONS } from '../../server/variables/variables.schemas.js';
import { KINDS, VARIABLE_KINDS, effectiveAggregation } from '../../server/variables/kinds.js';
import { isMessageKey } from '../../server/i18n/i18n.js';
import { createTestDatabase, type TestDatabase } from '../support/context.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

describe('the variable kinds registry', () => {
  const rules: (Aggregation | null)[] = [null, ...AGGREGATIONS];

  it('aggregates a plot as the database does, for every kind and every rule', async () => {
    for (const kind of VARIABLE_KINDS) {
      for (const rule of rules) {
        const { rows } = await sql<{ rule: string }>`select effective_aggregation(${kind}, ${rule}) as rule`.execute(database.handle.db);
        expect(rows[0].rule, `${kind} ${rule}`).toBe(effectiveAggregation(kind, rule));
        expect(analysisAggregation(kind, rule), `analysis ${kind} ${rule}`).toBe(effectiveAggregation(kind, rule));
      }
    }
  });

  it('accepts in the variables table exactly the kinds it lists', async () => {
    const { rows } = await sql<{ def: string }>`
      select pg_get_constraintdef(c.oid) as def from pg_constraint c
      where c.conrelid = 'variables'::regclass and c.contype = 'c' and pg_get_constraintdef(c.oid) like '%kind%'`.execute(database.handle.db);
    const listed = new Set([...rows.map((r) => r.def).join(' ').matchAll(/'(\w+)'::text/g)].map((m) => m[1]));
    expect([...listed].sort()).toEqual([...VARIABLE_KINDS].sort());
  });

  it('keeps as days after planting, in the per site × arm values the report reads, exactly the kinds it says', async () => {
    const { rows } = await sql<{ src: string }>`select prosrc as src from pg_proc where proname = 'refresh_site_arm_values'`.execute(database.handle.db);
    expect(rows).toHaveLength(1);
    const named = new Set([...rows[0].src.matchAll(/v\.kind = '(\w+)'/g)].map((m) => m[1]));
    expect([...named].sort()).toEqual(VARIABLE_KINDS.filter((k) => KINDS[k].daysAfterPlanting).sort());
  });

  it('gives every kind a label, a default among its own rules, and a consistent value column', () => {
    for (const kind of VARIABLE_KINDS) {
      const spec = KINDS[kind];
      expect(isMessageKey(spec.label), kind).toBe(true);
      expect(spec.aggregations, kind).toContain(spec.defaultAggregation);
      if (spec.numeric && !spec.daysAfterPlanting) expect(spec.column, kind).toBe('valueNumber');
      if (spec.daysAfterPlanting) expect(spec.column, kind).toBe('valueDate');
      if (spec.hasCategories) expect(spec.input, kind).toBe('select');
    }
  });
});
