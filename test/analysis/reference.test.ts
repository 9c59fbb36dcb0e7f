import { describe, expect, it } from 'vitest';
import type { Interval } from '../../analysis/index.js';
import { headlineDto } from '../../server/reports/report-text.js';
import { expected, referenceComparisons, type ExpectedRow } from './reference-data.js';

const TOLERANCE = 1e-6;

/** Relative error, falling back to absolute near zero. */
function expectClose(actual: number | null | undefined, wanted: number, label: string): void {
  expect(actual, label).toBeTypeOf('number');
  const error = Math.abs((actual as number) - wanted) / Math.max(Math.abs(wanted), 1e-12);
  expect(error, `${label}: got ${actual}, expected ${wanted}`).toBeLessThan(TOLERANCE);
}

function low(ci: Interval | null | undefined): number | null {
  return ci ? ci[0] : null;
}
function high(ci: Interval | null | undefined): number | null {
  return ci ? ci[1] : null;
}

function comparisonFor(row: ExpectedRow) {
  const comparison = referenceComparisons(row.trial).find((c) => c.variable.code === row.variable);
  if (!comparison) throw new Error(`no comparison for ${row.trial}/${row.variable}`);
  return comparison;
}

const siteRows = expected.filter((r) => r.site !== 'ALL');
const pooledRows = expected.filter((r) => r.site === 'ALL');

describe('figures computed in R from the reference trials', () => {
  it('computes exactly the (trial, variable, site) rows that R computed, no more and no fewer', () => {
    const trials = [...new Set(expected.map((r) => r.trial))];
    const computed = trials.flatMap((trial) =>
      referenceComparisons(trial).flatMap((c) => [
        ...c.sites.map((s) => `${trial}|${c.variable.code}|${s.siteName}`),
        ...(c.overall ? [`${trial}|${c.variable.code}|ALL`] : []),
      ]),
    );
    const wanted = expected.map((r) => `${r.trial}|${r.variable}|${r.site}`);
    expect(new Set(wanted).size).toBe(wanted.length);
    expect([...computed].sort()).toEqual([...wanted].sort());
  });

  it.each(siteRows.map((r) => [`${r.trial} ${r.variable} ${r.site}`, r] as const))('matches R at site %s', (label, row) => {
    const site = comparisonFor(row).sites.find((s) => s.siteName === row.site);
    expect(site, label).toBeDefined();
    const s = site!;
    expect(s.nTreatment).toBe(row.nT);
    expect(s.nControl).toBe(row.nC);
    if ('nPairs' in row) expect('nPairs' in s ? s.nPairs : undefined).toBe(row.nPairs);
    expectClose(s.meanTreatment, row.meanT as number, 'meanT');
    expectClose(s.meanControl, row.meanC as number, 'meanC');
    expectClose(s.delta, row.delta as number, 'delta');
    expectClose(s.percent, row.pct as number, 'pct');
    if ('ciLow' in row) {
      expectClose(low(s.deltaCi), row.ciLow as number, 'ciLow');
      expectClose(high(s.deltaCi), row.ciHigh as number, 'ciHigh');
      expectClose(s.pValue, row.p as number, 'p');
      expectClose(s.df, row.df as number, 'df');
      expectClose(low(s.percentCi), row.pctLow as number, 'pctLow');
      expectClose(high(s.percentCi), row.pctHigh as number, 'pctHigh');
      expect(s.flags).toEqual([]);
    } else {
      expect(s.deltaCi).toBeNull();
      expect(s.pValue).toBeNull();
      expect(s.df).toBeNull();
      expect(s.percentCi).toBeNull();
      expect(s.flags).toContain('nTooSmall');
    }
  });

  it.each(pooledRows.map((r) => [`${r.trial} ${r.variable}`, r] as const))('matches R across sites for %s', (_label, row) => {
    const overall = comparisonFor(row).overall;
    expect(overall).not.toBeNull();
    const o = overall!;
    expect(o.nSites).toBe(row.k);
    expectClose(o.delta, row.delta as number, 'delta');
    expectClose(low(o.deltaCi), row.ciLow as number, 'ciLow');
    expectClose(high(o.deltaCi), row.ciHigh as number, 'ciHigh');
    expectClose(o.pValue, row.p as number, 'p');
    expectClose(o.range[0], row.rangeLow as number, 'rangeLow');
    expectClose(o.range[1], row.rangeHigh as number, 'rangeHigh');
    expectClose(low(o.predictionInterval), row.predLow as number, 'predLow');
    expectClose(high(o.predictionInterval), row.predHigh as number, 'predHigh');
    expect(o.sitesLower).toBe(row.sitesLower);
    expect(o.sitesHigher).toBe(row.sitesHigher);
    expectClose(o.percent, row.pct as number, 'pct');
    expectClose(low(o.percentCi), row.pctLow as number, 'pctLow');
    expectClose(high(o.percentCi), row.pctHigh as number, 'pctHigh');
  });

  it('writes the greenhouse headlines from the site ranges and pooled percent', () => {
    const byCode = Object.fromEntries(referenceComparisons('greenhouse').map((c) => [c.variable.code, headlineDto(c.variable, c.headline)]));
    expect(byCode.flowering_date).toMatchObject({ zh: '开花期提前2–5天', en: 'flowering 2–5 days earlier', significant: false });
    expect(byCode.yield_kg_per_mu).toMatchObject({ zh: '产量增加12%', en: 'yield +12%', significant: true, qualifier: null });
  });
});
