import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject } from '../support/factories.js';
import { commit, upload } from '../support/imports.js';

/**
 * Repeated observations against R (test/fixtures/aggregation/reference.R): two harvests on
 * one day as readings 1 and 2 plus a later harvest, summed; five plants as readings 1–5,
 * averaged; the first flowering and the last ripening date, as days after each plot's own
 * planting date (which differ within a site); counts averaged. Entered through the API and,
 * into a second trial, through a long CSV import; both reports equal R's figures to 1e-6.
 */
const dir = new URL('../fixtures/aggregation/', import.meta.url);
const plots: { site: string; plot: string; arm: string; planted_on: string }[] = parse(readFileSync(new URL('plots.csv', dir)), { columns: true });
const rows: { plot: string; variable: string; value: string; observed_on: string; reading: string }[] = parse(readFileSync(new URL('observations.csv', dir)), { columns: true });
const expected: Record<string, number | string>[] = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8'));

const VARIABLES = [
  { code: 'agg_yield', name: { zh: '产量', en: 'yield' }, kind: 'number', aggregation: 'sum' },
  { code: 'agg_height', name: { zh: '株高', en: 'height' }, kind: 'number', aggregation: 'mean' },
  { code: 'agg_flowering', name: { zh: '开花期', en: 'flowering' }, kind: 'date', aggregation: 'first' },
  { code: 'agg_ripening', name: { zh: '成熟期', en: 'ripening' }, kind: 'date', aggregation: 'last' },
  { code: 'agg_fruits', name: { zh: '坐果数', en: 'fruits' }, kind: 'count' },
];

function close(actual: unknown, wanted: number, label: string) {
  expect(actual, label).toBeTypeOf('number');
  const error = Math.abs((actual as number) - wanted) / Math.max(Math.abs(wanted), 1e-12);
  expect(error, `${label}: got ${actual}, expected ${wanted}`).toBeLessThan(1e-6);
}

describe('aggregation of repeated observations, against R', () => {
  let app: TestApp;
  let projectId: number;
  const siteIds = new Map<string, number>();

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, VARIABLES);
    const made = await makeProject(app, ['A', 'B', 'C']);
    projectId = made.project.id;
    for (const s of made.sites) siteIds.set(s.name, s.id);
  });
  afterAll(() => app?.close());

  async function makeTrial(name: string) {
    const trial = (
      await app.post(`/api/projects/${projectId}/trials`, {
        name,
        crop: '番茄',
        design: 'crd',
        arms: [
          { name: 'treatment', role: 'treatment' },
          { name: 'control', role: 'control' },
        ],
        variables: VARIABLES.map((v) => v.code),
      })
    ).body;
    const made = await app.post(
      `/api/trials/${trial.id}/plots`,
      plots.map((p) => ({ siteId: siteIds.get(p.site), label: p.plot, arm: p.arm, plantedOn: p.planted_on })),
    );
    expect(made.status).toBe(201);
    return trial.id as number;
  }

  function expectReport(report: any) {
    for (const e of expected) {
      const comparison = report.comparisons.find((c: any) => c.variable.code === e.variable);
      expect(comparison, String(e.variable)).toBeDefined();
      const label = `${e.variable} ${e.site}`;
      if (e.site === 'ALL') {
        const o = comparison.overall;
        expect(o.nSites, label).toBe(e.k);
        for (const [key, got] of [
          ['delta', o.delta], ['ciLow', o.deltaCi[0]], ['ciHigh', o.deltaCi[1]], ['p', o.pValue],
          ['rangeLow', o.range[0]], ['rangeHigh', o.range[1]], ['predLow', o.predictionInterval[0]], ['predHigh', o.predictionInterval[1]],
          ['pct', o.percent], ['pctLow', o.percentCi[0]], ['pctHigh', o.percentCi[1]],
        ] as const) close(got, e[key] as number, `${label} ${key}`);
        continue;
      }
      const s = comparison.sites.find((x: any) => x.siteName === e.site);
      expect(s, label).toBeDefined();
      expect(s.nTreatment, label).toBe(e.nT);
      expect(s.nControl, label).toBe(e.nC);
      for (const [key, got] of [
        ['meanT', s.meanTreatment], ['meanC', s.meanControl], ['delta', s.delta], ['ciLow', s.deltaCi[0]], ['ciHigh', s.deltaCi[1]],
        ['p', s.pValue], ['df', s.df], ['pct', s.percent], ['pctLow', s.percentCi[0]], ['pctHigh', s.percentCi[1]],
      ] as const) close(got, e[key] as number, `${label} ${key}`);
    }
  }

  it('matches R when the readings are entered through the API', async () => {
    const trialId = await makeTrial('经 API 录入');
    const items = rows.map((r) => ({ plot: r.plot, variable: r.variable, value: r.value, observedOn: r.observed_on, reading: Number(r.reading) }));
    for (let i = 0; i < items.length; i += 100) {
      const res = await app.post(`/api/trials/${trialId}/observations`, items.slice(i, i + 100));
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
    }
    const stored = (await app.get(`/api/trials/${trialId}/observations?limit=100000`)).body as { reading: number }[];
    expect(stored).toHaveLength(rows.length);
    expect(stored.filter((o) => o.reading === 5)).toHaveLength(plots.length);
    expectReport((await app.get(`/api/trials/${trialId}/report`)).body);
  });

  it('matches R when the same readings come in a long CSV import', async () => {
    const trialId = await makeTrial('经导入');
    const csv = ['plot,variable,value,observed_on,reading', ...rows.map((r) => [r.plot, r.variable, r.value, r.observed_on, r.reading].join(','))].join('\n') + '\n';
    const preview = await upload(app, `/api/trials/${trialId}/imports?kind=observations&shape=long`, Buffer.from(csv));
    expect(preview.status, JSON.stringify(preview.body).slice(0, 300)).toBe(201);
    expect(preview.body.counts?.error ?? 0).toBe(0);
    const done = await commit(app, preview.body.id);
    expect(done.status, JSON.stringify(done.body).slice(0, 300)).toBe(200);
    const stored = (await app.get(`/api/trials/${trialId}/observations?limit=100000`)).body as unknown[];
    expect(stored).toHaveLength(rows.length);
    expectReport((await app.get(`/api/trials/${trialId}/report`)).body);
  });
});
