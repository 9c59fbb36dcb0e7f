import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FLAGS } from '../../analysis/flags.js';
import { aggregatePlotValues } from '../../analysis/plot-values.js';
import { buildComparisons, type Comparison, type ReportInput, type ReportPlotValue } from '../../analysis/report.js';
import { anyValue, expectAllFinite } from './support.js';

const arms = [
  { name: 'new', role: 'treatment' as const },
  { name: 'old', role: 'control' as const },
];
const sites = [
  { id: 1, name: 'Tacheng' },
  { id: 2, name: 'Hoboksar' },
];
const yieldVar = { code: 'yield', name: '产量', nameEn: 'yield', kind: 'number' as const, unit: 'kg/mu' };
const floweringVar = { code: 'flowering', name: '开花期', nameEn: 'flowering', kind: 'date' as const, unit: null };

let nextPlot = 0;
function pv(siteId: number, arm: string, value: number | null, extra: Partial<ReportPlotValue> = {}): ReportPlotValue {
  return { plotId: ++nextPlot, siteId, arm, block: null, variable: 'yield', value, ...extra };
}

function input(plotValues: ReportPlotValue[], more: Partial<ReportInput> = {}): ReportInput {
  return { design: 'crd', arms, sites, variables: [yieldVar], plotValues, ...more };
}

/** Every flag anywhere in a comparison. */
function allFlags(c: Comparison): string[] {
  return [...c.flags, ...c.sites.flatMap((s) => s.flags), ...(c.overall?.flags ?? [])];
}

describe('buildComparisons', () => {
  it('gives one comparison per numeric variable and treatment arm, in input order', () => {
    const result = buildComparisons(
      input([pv(1, 'new', 110), pv(1, 'newer', 120), pv(1, 'old', 100)], {
        arms: [arms[0], { name: 'newer', role: 'treatment' }, arms[1]],
        variables: [yieldVar, { ...yieldVar, code: 'height', name: '株高', nameEn: 'height' }],
      }),
    );
    expect(result.map((c) => [c.variable.code, c.treatmentArm, c.controlArm])).toEqual([
      ['yield', 'new', 'old'],
      ['yield', 'newer', 'old'],
      ['height', 'new', 'old'],
      ['height', 'newer', 'old'],
    ]);
    expect(result[1].sites[0].delta).toBe(20);
  });

  it('keeps the public field names of a site row and the overall', () => {
    const [c] = buildComparisons(input([pv(1, 'new', 110), pv(1, 'new', 112), pv(1, 'old', 100), pv(1, 'old', 101), pv(2, 'new', 9), pv(2, 'old', 8)]));
    expect(Object.keys(c)).toEqual(expect.arrayContaining(['variable', 'treatmentArm', 'controlArm', 'sites', 'overall', 'headline']));
    expect(Object.keys(c.variable)).toEqual(expect.arrayContaining(['code', 'name', 'kind', 'unit']));
    expect(Object.keys(c.sites[0])).toEqual(
      expect.arrayContaining(['siteId', 'siteName', 'nTreatment', 'nControl', 'meanTreatment', 'meanControl', 'delta', 'deltaCi', 'pValue', 'df', 'percent', 'percentCi', 'flags']),
    );
    expect(c.sites[0]).not.toHaveProperty('nPairs');
    expect(Object.keys(c.overall!)).toEqual(
      expect.arrayContaining(['nSites', 'delta', 'deltaCi', 'pValue', 'range', 'predictionInterval', 'sitesLower', 'sitesHigher', 'percent', 'percentCi']),
    );
    // The API words the headline in zh and en (server/reports/report-text.ts); analysis/ gives codes.
    expect(Object.keys(c.headline)).toEqual(expect.arrayContaining(['statement', 'significant', 'qualifier']));
    expect(c.sites[0]).toHaveProperty('significant');
    expect(c.overall).toHaveProperty('significant');
  });

  it('lists a site with only one arm, with nulls and a flag, and keeps it out of the overall', () => {
    const [c] = buildComparisons(input([pv(1, 'new', 110), pv(1, 'old', 100), pv(2, 'new', 90)]));
    expect(c.sites[1]).toMatchObject({ siteName: 'Hoboksar', nTreatment: 1, nControl: 0, delta: null, percent: null, flags: ['noControlValues'] });
    expect(c.overall!.nSites).toBe(1);
  });

  it('lists a site without any value of the variable', () => {
    const [c] = buildComparisons(input([pv(1, 'new', 110), pv(1, 'old', 100)]));
    expect(c.sites.map((s) => s.siteName)).toEqual(['Tacheng', 'Hoboksar']);
    expect(c.sites[1].flags).toEqual(['noTreatmentValues', 'noControlValues']);
  });

  it('gives a single site no overall interval', () => {
    const [c] = buildComparisons(input([pv(1, 'new', 110), pv(1, 'new', 114), pv(1, 'old', 100), pv(1, 'old', 103)], { sites: [sites[0]] }));
    expect(c.overall).toMatchObject({ nSites: 1, delta: 10.5, deltaCi: null, pValue: null, predictionInterval: null, percentCi: null });
    expect(c.overall!.flags).toContain('nTooSmall');
    expect(c.sites[0].deltaCi).not.toBeNull();
  });

  it('excludes plots without planting date and counts them on their site', () => {
    const plots = [
      { plotId: 1, plantedOn: '2017-03-02' },
      { plotId: 2, plantedOn: null },
      { plotId: 3, plantedOn: '2017-03-02' },
      { plotId: 4, plantedOn: '2017-03-02' },
    ];
    const arm = ['new', 'new', 'old', 'old'];
    const obs = ['2017-04-03', '2017-04-01', '2017-04-07', '2017-04-06'].map((value, i) => ({ plotId: i + 1, value, observedOn: value, seq: i }));
    const plotValues = aggregatePlotValues({ kind: 'date', aggregation: null }, plots, obs).map((v) => ({
      ...v,
      siteId: 1,
      arm: arm[v.plotId - 1],
      block: null,
      variable: 'flowering',
    }));
    const [c] = buildComparisons(input(plotValues, { variables: [floweringVar], sites: [sites[0]] }));
    expect(c.sites[0]).toMatchObject({ nTreatment: 1, nControl: 2, missingPlantingDate: 1, meanTreatment: 32, meanControl: 35.5, delta: -3.5 });
    expect(c.sites[0].flags).toEqual(['nTooSmall', 'missingPlantingDate']);
  });

  it('counts unreadable values on their site instead of using them', () => {
    const [c] = buildComparisons(
      input([pv(1, 'new', 110), pv(1, 'new', null, { flag: 'invalidValue' }), pv(1, 'new', Number.NaN), pv(1, 'old', 100)], { sites: [sites[0]] }),
    );
    expect(c.sites[0]).toMatchObject({ nTreatment: 1, invalidValues: 2, delta: 10 });
    expect(c.sites[0].flags).toContain('invalidValue');
  });

  it('gives each treatment arm an empty comparison flagged noControlArm when there is no control', () => {
    const result = buildComparisons(input([pv(1, 'new', 110), pv(1, 'other', 100)], { arms: [arms[0], { name: 'other', role: 'treatment' }] }));
    expect(result).toHaveLength(2);
    for (const c of result) {
      expect(c).toMatchObject({ controlArm: null, sites: [], overall: null, flags: ['noControlArm'] });
      expect(c.headline).toEqual({ statement: { code: 'noControlArm' }, significant: false, qualifier: null });
    }
    expect(result.map((c) => c.treatmentArm)).toEqual(['new', 'other']);
  });

  it('says so when there is no treatment arm', () => {
    const [c] = buildComparisons(input([pv(1, 'old', 100)], { arms: [arms[1]] }));
    expect(c).toMatchObject({ treatmentArm: null, controlArm: 'old', sites: [], overall: null, flags: ['noTreatmentArm'] });
  });

  it('pairs plots by block in a paired design and reports leftovers', () => {
    const plotValues = [
      pv(1, 'new', 12, { block: 'p1' }),
      pv(1, 'old', 10, { block: 'p1' }),
      pv(1, 'new', 15, { block: 'p2' }),
      pv(1, 'old', 12, { block: 'p2' }),
      pv(1, 'new', 30, { block: null }),
      pv(1, 'old', 11, { block: 'p3' }),
    ];
    const [c] = buildComparisons(input(plotValues, { design: 'paired', sites: [sites[0]] }));
    expect(c.sites[0]).toMatchObject({ nTreatment: 3, nControl: 3, nPairs: 2, dropped: 2, delta: 2.5, df: 1 });
    expect(c.sites[0].flags).toEqual(['unpairedDropped']);
    const [rcbd] = buildComparisons(input(plotValues, { design: 'rcbd', sites: [sites[0]] }));
    expect(rcbd.sites[0]).toEqual(c.sites[0]);
  });

  it('compares the same plots by Welch in a crd design, ignoring blocks', () => {
    const plotValues = [pv(1, 'new', 12, { block: 'p1' }), pv(1, 'old', 10, { block: 'p1' }), pv(1, 'new', 16, { block: 'p2' }), pv(1, 'old', 11, { block: 'p9' })];
    const [c] = buildComparisons(input(plotValues, { sites: [sites[0]] }));
    expect(c.sites[0]).toMatchObject({ nTreatment: 2, nControl: 2, delta: 3.5 });
    expect(c.sites[0].flags).toEqual([]);
  });

  it('flags values of sites or arms the trial does not list', () => {
    const [c] = buildComparisons(input([pv(1, 'new', 110), pv(1, 'old', 100), pv(7, 'new', 1), pv(1, 'ghost', 5)]));
    expect(c.flags).toEqual(['unlistedSite', 'unlistedArm']);
    expect(c.sites.map((s) => s.siteId)).toEqual([1, 2]);
  });

  it('counts categories per arm and site, with proportions', () => {
    const colour = { code: 'colour', name: '果色', nameEn: 'colour', kind: 'category' as const, unit: null };
    const rows = [
      pv(1, 'new', null, { variable: 'colour', text: 'red' }),
      pv(1, 'new', null, { variable: 'colour', text: 'red' }),
      pv(1, 'new', null, { variable: 'colour', text: 'pink' }),
      pv(1, 'old', null, { variable: 'colour', text: 'pink' }),
      pv(2, 'old', null, { variable: 'colour', text: 'red' }),
    ];
    const [c] = buildComparisons(input(rows, { variables: [colour] }));
    expect(c).toMatchObject({ variable: { kind: 'category' }, treatmentArm: null, controlArm: 'old', sites: [], overall: null });
    expect(c.categories!.levels).toEqual(['pink', 'red']);
    expect(c.categories!.sites[0].arms[0]).toEqual({
      arm: 'new',
      role: 'treatment',
      n: 3,
      counts: [
        { level: 'pink', count: 1, proportion: 1 / 3 },
        { level: 'red', count: 2, proportion: 2 / 3 },
      ],
    });
    expect(c.categories!.sites[1].arms[0]).toMatchObject({ arm: 'new', n: 0, counts: [{ count: 0, proportion: null }, { count: 0, proportion: null }] });
    expect(c.categories!.overall[1]).toMatchObject({ arm: 'old', n: 2, counts: [{ count: 1, proportion: 0.5 }, { count: 1, proportion: 0.5 }] });
  });

  it('lists text notes by site, arm and plot', () => {
    const notes = { code: 'notes', name: '备注', nameEn: 'notes', kind: 'text' as const, unit: null };
    const a = pv(2, 'new', null, { variable: 'notes', text: 'hail damage' });
    const b = pv(1, 'old', null, { variable: 'notes', text: 'late weeding' });
    const [c] = buildComparisons(input([a, b, pv(1, 'new', null, { variable: 'notes', text: null })], { variables: [notes] }));
    expect(c.texts).toEqual([
      { siteId: 1, arm: 'old', plotId: b.plotId, text: 'late weeding' },
      { siteId: 2, arm: 'new', plotId: a.plotId, text: 'hail damage' },
    ]);
    expect(c.headline.statement).toEqual({ code: 'texts', count: 2 });
  });

  it('gives the same result whatever the order of the plot rows', () => {
    const row = fc.record({
      siteId: fc.constantFrom(1, 2),
      arm: fc.constantFrom('new', 'old'),
      block: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
      value: anyValue,
    });
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 16 }).chain((rows) => {
          const plotValues = rows.map((r, i) => ({ ...r, plotId: i + 1, variable: 'yield' }));
          return fc.tuple(fc.constant(plotValues), fc.shuffledSubarray(plotValues, { minLength: plotValues.length }));
        }),
        fc.constantFrom('crd' as const, 'paired' as const),
        ([rows, shuffled], design) => {
          expect(buildComparisons(input(shuffled, { design }))).toEqual(buildComparisons(input(rows, { design })));
        },
      ),
    );
  });

  it('never crashes or emits NaN or Infinity, and every flag has a message', () => {
    const row = fc.record({
      siteId: fc.constantFrom(1, 2, 3),
      arm: fc.constantFrom('new', 'old', 'other'),
      block: fc.option(fc.constantFrom('a', 'b'), { nil: null }),
      value: fc.option(anyValue, { nil: null }),
      flag: fc.option(fc.constantFrom('missingPlantingDate' as const, 'invalidValue' as const), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(row, { maxLength: 20 }),
        fc.constantFrom('crd' as const, 'paired' as const, 'rcbd' as const),
        fc.subarray([...arms, { name: 'other', role: 'treatment' as const }]),
        (rows, design, someArms) => {
          const plotValues = rows.map(({ flag, ...r }, i) => ({ ...r, plotId: i + 1, variable: 'yield', ...(flag ? { flag } : {}) }));
          const result = buildComparisons(input(plotValues, { design, arms: someArms }));
          expectAllFinite(result);
          for (const c of result) for (const flag of allFlags(c)) expect(FLAGS, flag).toContain(flag);
        },
      ),
    );
  });
});

describe('FLAGS', () => {
  it('are camelCase codes, each listed once', () => {
    for (const code of FLAGS) expect(code).toMatch(/^[a-z][A-Za-z0-9]+$/);
    expect(new Set(FLAGS).size).toBe(FLAGS.length);
  });
});

describe('plots of a paired design without blocks (spec §2)', () => {
  const paired = (values: ReportPlotValue[]) => buildComparisons(input(values, { design: 'rcbd', sites: [sites[0]] }))[0].sites[0];

  it('compares them by Welch instead of giving nothing, and says so', () => {
    const row = paired([pv(1, 'new', 110), pv(1, 'new', 114), pv(1, 'new', 118), pv(1, 'old', 100), pv(1, 'old', 103), pv(1, 'old', 101)]);
    expect(row.delta).toBeCloseTo(114 - 304 / 3, 12);
    expect(row.deltaCi).not.toBeNull();
    expect(row).not.toHaveProperty('nPairs');
    expect(row.flags).toEqual(['noBlocks']);
  });

  it('uses the pairs it has when only some plots have blocks, and counts the plots left out', () => {
    const row = paired([
      pv(1, 'new', 110, { block: 'a' }),
      pv(1, 'new', 114, { block: 'b' }),
      pv(1, 'new', 118),
      pv(1, 'old', 100, { block: 'a' }),
      pv(1, 'old', 103, { block: 'b' }),
      pv(1, 'old', 90),
    ]);
    expect(row).toMatchObject({ nPairs: 2, dropped: 2, delta: 10.5 });
    expect(row.flags).toContain('unpairedDropped');
    expect(row.flags).not.toContain('noBlocks');
  });
});

describe('one verdict per comparison (spec §8)', () => {
  it('calls a row significant exactly when its own p is below 0.05, on every row, for any data', () => {
    const row = fc.record({
      siteId: fc.constantFrom(1, 2),
      arm: fc.constantFrom('new', 'old'),
      block: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
      value: anyValue,
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 24 }), fc.constantFrom('crd' as const, 'paired' as const), (rows, design) => {
        const plotValues = rows.map((r, i) => ({ ...r, plotId: i + 1, variable: 'yield' }));
        for (const c of buildComparisons(input(plotValues, { design }))) {
          for (const s of c.sites) expect(s.significant).toBe(s.pValue !== null && s.pValue < 0.05);
          if (c.overall) expect(c.overall.significant).toBe(c.overall.pValue !== null && c.overall.pValue < 0.05);
          const source = c.sites.filter((s) => s.delta !== null).length === 1 ? c.sites.find((s) => s.delta !== null)! : c.overall;
          expect(c.headline.significant).toBe(source !== null && source.pValue !== null && source.pValue < 0.05);
          if (!c.headline.significant) expect(c.headline.qualifier).not.toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives a percent whenever both means are positive, even with a zero or negative plot', () => {
    const [c] = buildComparisons(input([pv(1, 'new', 0), pv(1, 'new', 10), pv(1, 'old', -2), pv(1, 'old', 8)], { sites: [sites[0]] }));
    expect(c.sites[0].percent).toBeCloseTo(100 * (5 / 3 - 1), 12);
    expect(c.sites[0].flags).not.toContain('nonPositiveValue');
  });
});
