import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { download } from '../support/imports.js';
import { loadReferenceThroughApi, readExpected } from '../support/reference.js';

/**
 * The report's CSV export carries every figure R computed for the reference trials, at full
 * precision: each (trial, variable, site) row of expected.json is found in the export by its
 * variable, site and row type, and every figure matches to 1e-6.
 */
function close(cell: string | undefined, expected: number, what: string) {
  expect(cell, what).toBeDefined();
  expect(cell!.trim(), what).not.toBe('');
  const actual = Number(cell);
  expect(Number.isFinite(actual), `${what}: ${cell}`).toBe(true);
  const tol = Math.max(1e-6 * Math.abs(expected), 1e-9);
  expect(Math.abs(actual - expected), `${what}: ${cell} vs ${expected}`).toBeLessThanOrEqual(tol);
}

describe('the report CSV export reproduces the R reference figures', () => {
  let app: TestApp;
  const tables: Record<string, Record<string, string>[]> = {};
  const names: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    app = await startTestApp();
    const trials = await loadReferenceThroughApi(app);
    for (const [trial, id] of Object.entries(trials)) {
      const res = await download(app, `/api/trials/${id}/report/export?format=csv`, 'en');
      expect(res.status).toBe(200);
      tables[trial] = parse(res.bytes, { columns: true, bom: true, skip_empty_lines: true });
      const report = (await app.get(`/api/trials/${id}/report`)).body;
      names[trial] = Object.fromEntries(report.comparisons.map((c: { variable: { code: string; name: string; nameEn: string | null } }) => [c.variable.code, c.variable.nameEn ?? c.variable.name]));
    }
  }, 120_000);
  afterAll(() => app?.close());

  const expected = readExpected();
  it('has one export row for every row R computed', () => {
    for (const e of expected) {
      const rows = tables[e.trial].filter((r) => r.variable === names[e.trial][e.variable] && r.row === (e.site === 'ALL' ? 'overall' : 'site') && (e.site === 'ALL' || r.site === e.site));
      expect(rows, `${e.trial} ${e.variable} ${e.site}`).toHaveLength(1);
    }
  });

  it.each(expected.map((e) => [`${e.trial} ${e.variable} ${e.site}`, e] as const))('%s', (_label, e) => {
    const row = tables[e.trial].find((r) => r.variable === names[e.trial][e.variable] && r.row === (e.site === 'ALL' ? 'overall' : 'site') && (e.site === 'ALL' || r.site === e.site))!;
    expect(row).toBeDefined();
    if (e.site === 'ALL') {
      expect(Number(row.sites)).toBe(e.k);
      close(row['difference (treatment − control)'], e.delta as number, 'delta');
      close(row['difference 95% CI low'], e.ciLow as number, 'ciLow');
      close(row['difference 95% CI high'], e.ciHigh as number, 'ciHigh');
      close(row['p-value'], e.p as number, 'p');
      close(row['range low'], e.rangeLow as number, 'rangeLow');
      close(row['range high'], e.rangeHigh as number, 'rangeHigh');
      close(row['prediction interval low'], e.predLow as number, 'predLow');
      close(row['prediction interval high'], e.predHigh as number, 'predHigh');
      expect(Number(row['sites lower'])).toBe(e.sitesLower);
      expect(Number(row['sites higher'])).toBe(e.sitesHigher);
      close(row['change %'], e.pct as number, 'pct');
      close(row['change % 95% CI low'], e.pctLow as number, 'pctLow');
      close(row['change % 95% CI high'], e.pctHigh as number, 'pctHigh');
      return;
    }
    expect(Number(row['treatment plots'])).toBe(e.nT);
    expect(Number(row['control plots'])).toBe(e.nC);
    if (e.nPairs !== undefined) expect(Number(row.pairs)).toBe(e.nPairs);
    close(row['treatment mean'], e.meanT as number, 'meanT');
    close(row['control mean'], e.meanC as number, 'meanC');
    close(row['difference (treatment − control)'], e.delta as number, 'delta');
    close(row['change %'], e.pct as number, 'pct');
    if (e.ciLow === undefined) {
      expect(row['difference 95% CI low']).toBe('');
      expect(row['p-value']).toBe('');
      expect(row.df).toBe('');
    } else {
      close(row['difference 95% CI low'], e.ciLow as number, 'ciLow');
      close(row['difference 95% CI high'], e.ciHigh as number, 'ciHigh');
      close(row['p-value'], e.p as number, 'p');
      close(row.df, e.df as number, 'df');
      close(row['change % 95% CI low'], e.pctLow as number, 'pctLow');
      close(row['change % 95% CI high'], e.pctHigh as number, 'pctHigh');
      expect(row.significant).toBe((e.p as number) < 0.05 ? 'yes' : 'not significant');
    }
  });
});
