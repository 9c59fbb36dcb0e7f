import { describe, expect, it } from 'vitest';
import { compareAcrossSites } from '../../analysis/across-sites.js';
import { expectNear } from './support.js';

describe('compareAcrossSites', () => {
  it('pools two sites with a one-sample t on 1 df', () => {
    const r = compareAcrossSites([
      { delta: -3, logRatio: Math.log(0.9) },
      { delta: -4, logRatio: Math.log(0.8) },
    ])!;
    const q = Math.tan(Math.PI * 0.475);
    const sd = Math.SQRT1_2;
    expect(r).toMatchObject({ nSites: 2, delta: -3.5, df: 1, range: [-4, -3], sitesLower: 2, sitesHigher: 0, flags: [] });
    expectNear(r.deltaCi![0], -3.5 - (q * sd) / Math.SQRT2);
    expectNear(r.deltaCi![1], -3.5 + (q * sd) / Math.SQRT2);
    expectNear(r.pValue, 1 - (2 / Math.PI) * Math.atan(7));
    expectNear(r.predictionInterval![0], -3.5 - q * sd * Math.sqrt(1.5));
    expectNear(r.predictionInterval![1], -3.5 + q * sd * Math.sqrt(1.5));
    expectNear(r.percent, 100 * (Math.sqrt(0.72) - 1));
  });

  it('counts sites below and above zero, not sites at zero', () => {
    const r = compareAcrossSites([-1, 0, 2, 3].map((delta) => ({ delta, logRatio: 0 })))!;
    expect(r.sitesLower).toBe(1);
    expect(r.sitesHigher).toBe(2);
  });

  it('gives a single site’s figures without any interval', () => {
    const r = compareAcrossSites([{ delta: 5, logRatio: Math.log(1.1) }])!;
    expect(r).toMatchObject({ nSites: 1, delta: 5, range: [5, 5], deltaCi: null, pValue: null, df: null, predictionInterval: null, percentCi: null });
    expectNear(r.percent, 10);
    expect(r.flags).toEqual(['nTooSmall']);
  });

  it('refuses intervals when every site shows the same effect', () => {
    const r = compareAcrossSites([
      { delta: 2, logRatio: 0.1 },
      { delta: 2, logRatio: 0.1 },
    ])!;
    expect(r.deltaCi).toBeNull();
    expect(r.predictionInterval).toBeNull();
    expect(r.pValue).toBeNull();
    expect(r.percentCi).toBeNull();
    expect(r.flags).toEqual(['zeroVariance']);
  });

  it('leaves the pooled percent out when one site has no log ratio', () => {
    const r = compareAcrossSites([
      { delta: 2, logRatio: 0.1 },
      { delta: 3, logRatio: null },
    ])!;
    expect(r.percent).toBeNull();
    expect(r.percentCi).toBeNull();
    expect(r.deltaCi).not.toBeNull();
    expect(r.flags).toEqual(['nonPositiveValue']);
  });

  it('returns null when no site can be compared', () => {
    expect(compareAcrossSites([])).toBeNull();
  });
});
