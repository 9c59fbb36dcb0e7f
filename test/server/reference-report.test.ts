import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { loadReferenceThroughApi, readExpected } from '../support/reference.js';

/** Relative error of 1e-6 (absolute near zero), as the reference README allows. */
function close(actual: number | null | undefined, expected: number, what: string) {
  expect(actual, what).not.toBeNull();
  expect(actual, what).not.toBeUndefined();
  const tol = Math.max(1e-6 * Math.abs(expected), 1e-9);
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

describe('the report API reproduces the R reference figures', () => {
  let app: TestApp;
  let trials: Record<string, number>;
  const reports: Record<string, any> = {};

  beforeAll(async () => {
    app = await startTestApp();
    trials = await loadReferenceThroughApi(app);
    for (const [name, id] of Object.entries(trials)) {
      const res = await app.get(`/api/trials/${id}/report`);
      expect(res.status).toBe(200);
      reports[name] = res.body;
    }
  });
  afterAll(() => app?.close());

  const expected = readExpected();
  it.each(expected.map((e) => [`${e.trial} ${e.variable} ${e.site}`, e] as const))('%s', (_label, e) => {
    const comparison = reports[e.trial].comparisons.find((c: any) => c.variable.code === e.variable);
    expect(comparison, e.variable).toBeDefined();
    if (e.site === 'ALL') {
      const o = comparison.overall;
      expect(o.nSites).toBe(e.k);
      close(o.delta, e.delta as number, 'delta');
      close(o.deltaCi[0], e.ciLow as number, 'ciLow');
      close(o.deltaCi[1], e.ciHigh as number, 'ciHigh');
      close(o.pValue, e.p as number, 'p');
      close(o.range[0], e.rangeLow as number, 'rangeLow');
      close(o.range[1], e.rangeHigh as number, 'rangeHigh');
      close(o.predictionInterval[0], e.predLow as number, 'predLow');
      close(o.predictionInterval[1], e.predHigh as number, 'predHigh');
      expect(o.sitesLower).toBe(e.sitesLower);
      expect(o.sitesHigher).toBe(e.sitesHigher);
      close(o.percent, e.pct as number, 'pct');
      close(o.percentCi[0], e.pctLow as number, 'pctLow');
      close(o.percentCi[1], e.pctHigh as number, 'pctHigh');
      return;
    }
    const s = comparison.sites.find((x: any) => x.siteName === e.site);
    expect(s, e.site).toBeDefined();
    expect(s.nTreatment).toBe(e.nT);
    expect(s.nControl).toBe(e.nC);
    if (e.nPairs !== undefined) expect(s.nPairs).toBe(e.nPairs);
    close(s.meanTreatment, e.meanT as number, 'meanT');
    close(s.meanControl, e.meanC as number, 'meanC');
    close(s.delta, e.delta as number, 'delta');
    close(s.percent, e.pct as number, 'pct');
    if (e.ciLow === undefined) {
      expect(s.deltaCi).toBeNull();
      expect(s.pValue).toBeNull();
      expect(s.df).toBeNull();
      expect(s.percentCi).toBeNull();
      expect(s.flags).toContain('nTooSmall');
    } else {
      expect(s.flags).toEqual([]);
      close(s.deltaCi[0], e.ciLow as number, 'ciLow');
      close(s.deltaCi[1], e.ciHigh as number, 'ciHigh');
      close(s.pValue, e.p as number, 'p');
      close(s.df, e.df as number, 'df');
      close(s.percentCi[0], e.pctLow as number, 'pctLow');
      close(s.percentCi[1], e.pctHigh as number, 'pctHigh');
    }
  });

  it('reports flowering as days after planting, not calendar days', () => {
    const c = reports.greenhouse.comparisons.find((x: any) => x.variable.code === 'flowering_date');
    const ergong = c.sites.find((s: any) => s.siteName === 'Tacheng-Ergong');
    // Planted 2017-03-02; flowered 2017-04-04, 04-07 and 04-03: 33, 36 and 32 days after
    // planting (days of the year would be 94, 97 and 93).
    expect(ergong.meanTreatment).toBeCloseTo((33 + 36 + 32) / 3, 12);
    expect(ergong.meanControl).toBeCloseTo((35 + 39 + 36) / 3, 12);
  });
});
