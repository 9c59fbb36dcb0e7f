import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { parse } from 'csv-parse/sync';
import { commit, download, upload } from '../support/imports.js';
import {
  createMultiArmTrial,
  loadMultiArmThroughApi,
  MULTI_ARM_CODE,
  readMultiArm,
  readMultiArmExpected,
  type MultiArmExpected,
} from '../support/reference.js';

const CODE = MULTI_ARM_CODE;

function close(actual: number | null | undefined, expected: number, tol: number, what: string) {
  expect(actual, what).toBeTypeOf('number');
  const err = Math.abs((actual as number) - expected) / Math.max(Math.abs(expected), 1e-3);
  expect(err, `${what}: ${actual} vs ${expected}`).toBeLessThan(tol);
}

async function created(app: TestApp, path: string, body: unknown) {
  const res = await app.post(path, body);
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

const csv = (rows: (string | number)[][]) => Buffer.from(rows.map((r) => r.map((c) => `"${String(c).replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n');

describe('multi-arm report: analysis of variance through the API and through a CSV import (spec §7)', () => {
  let app: TestApp;
  const reports: Record<'api' | 'csv', any> = { api: null, csv: null };
  const plots = readMultiArm();
  const expected = readMultiArmExpected();

  beforeAll(async () => {
    app = await startTestApp();
    // Through the JSON API.
    const { trialId: apiTrial, projectId } = await loadMultiArmThroughApi(app, '秸秆腐熟剂剂量（API）');
    const viaApi = { id: apiTrial };

    // Through a plot-layout CSV and a wide observations CSV.
    const viaCsv = await createMultiArmTrial(app, projectId, '秸秆腐熟剂剂量（CSV）');
    const layout = await upload(app, `/api/trials/${viaCsv.id}/imports?kind=plots`, csv([['示范点', '小区', '处理', '区组'], ...plots.map((p) => [p.site, p.plot, p.arm, p.block])]));
    expect(layout.status, JSON.stringify(layout.body)).toBe(201);
    expect((await commit(app, layout.body.id)).body).toMatchObject({ created: plots.length });
    const values = await upload(app, `/api/trials/${viaCsv.id}/imports`, csv([['小区', 'ma_yield', 'ma_flowering'], ...plots.map((p) => [p.plot, p.y, p.f])]));
    expect(values.status, JSON.stringify(values.body)).toBe(201);
    expect(values.body.summary.errors).toBe(0);
    expect((await commit(app, values.body.id)).status).toBe(200);

    for (const [key, id] of [['api', viaApi.id], ['csv', viaCsv.id]] as const) {
      const res = await app.get(`/api/trials/${id}/report`);
      expect(res.status).toBe(200);
      reports[key] = res.body;
    }
  });
  afterAll(() => app?.close());

  function check(table: any, row: MultiArmExpected, label: string) {
    expect(table.model, label).toBe(row.model);
    close(table.f, row.f, 1e-6, `${label} F`);
    expect([table.df1, table.df2], label).toEqual([row.df1, row.df2]);
    close(table.pValue, row.p, 1e-6, `${label} p`);
    close(table.mse, row.mse, 1e-6, `${label} MSE`);
    expect(table.arms.map((a: any) => [a.arm, a.n])).toEqual(row.arms.map((a) => [a.arm, a.n]));
    row.arms.forEach((a, i) => close(table.arms[i].mean, a.mean, 1e-6, `${label} mean ${a.arm}`));
    for (const arm of table.arms) expect(arm.letters, label).toMatch(/^[a-z]+$/);
    expect(table.pairs.map((p: any) => [p.a, p.b])).toEqual(row.pairs.map((p) => [p.a, p.b]));
    row.pairs.forEach((p, i) => {
      const got = table.pairs[i];
      close(got.diff, p.diff, 1e-6, `${label} ${p.a}-${p.b} diff`);
      close(got.pAdj, p.pAdj, 1e-6, `${label} ${p.a}-${p.b} pAdj`);
      expect(Math.abs(got.ci[0] - p.lwr), `${label} lwr`).toBeLessThan(1e-4 * Math.max(1, Math.abs(p.lwr - p.diff)));
      expect(Math.abs(got.ci[1] - p.upr), `${label} upr`).toBeLessThan(1e-4 * Math.max(1, Math.abs(p.upr - p.diff)));
    });
  }

  for (const source of ['api', 'csv'] as const) {
    it.each(expected.map((e) => [`${e.variable} ${e.site}`, e] as const))(`${source}: %s matches R`, (label, row) => {
      const entry = reports[source].anova.find((a: any) => a.variable.code === CODE[row.variable]);
      expect(entry, label).toBeDefined();
      if (row.site === 'ALL') {
        expect(entry.overall.nSites).toBe(3);
        check(entry.overall, row, label);
      } else {
        check(entry.sites.find((s: any) => s.siteName === row.site), row, label);
      }
    });
  }

  it('keeps the treatment-versus-control comparisons with one verdict per row', () => {
    const report = reports.api;
    expect(report.comparisons.map((c: any) => `${c.variable.code} ${c.treatmentArm}`)).toEqual(
      ['ma_yield', 'ma_flowering'].flatMap((v) => ['low', 'mid', 'high'].map((a) => `${v} ${a}`)),
    );
    for (const c of report.comparisons) {
      for (const s of c.sites) expect(s.significant, `${c.variable.code} ${s.siteName}`).toBe(s.pValue !== null && s.pValue < 0.05);
      expect(c.overall.significant).toBe(c.overall.pValue !== null && c.overall.pValue < 0.05);
      expect(Object.keys(c.headline)).toEqual(expect.arrayContaining(['zh', 'en', 'significant', 'qualifier']));
    }
    // 什托洛盖 has no blocks: compared by Welch, not left empty.
    const site = report.comparisons[0].sites.find((s: any) => s.siteName === '什托洛盖');
    expect(site.delta).not.toBeNull();
    expect(site.flags).toContain('noBlocks');
  });

  it('exports every figure at full precision, with the verdict, flags in words, the F tests, letters and pairs', async () => {
    const report = reports.api;
    const id = report.trial.id;
    const file = await download(app, `/api/trials/${id}/report/export?format=csv`, 'en');
    expect(file.status).toBe(200);
    const rows: Record<string, string>[] = parse(file.bytes.toString('utf8').replace(/^\uFEFF/, ''), { columns: true });
    const c = report.comparisons[0];
    const overall = rows.find((r) => r.row === 'overall' && r.treatment === c.treatmentArm && r.variable === 'yield (multi-arm)')!;
    expect(overall).toBeDefined();
    // Full precision: the cell reads back as exactly the API's double.
    for (const [column, value] of [
      ['difference (treatment − control)', c.overall.delta],
      ['p-value', c.overall.pValue],
      ['range low', c.overall.range[0]],
      ['range high', c.overall.range[1]],
      ['prediction interval low', c.overall.predictionInterval[0]],
      ['prediction interval high', c.overall.predictionInterval[1]],
      ['sites lower', c.overall.sitesLower],
      ['sites higher', c.overall.sitesHigher],
    ] as const) {
      expect(Number(overall[column]), column).toBe(value);
    }
    expect(overall.significant).toBe(c.overall.significant ? 'yes' : 'not significant');
    if (!c.headline.significant) expect(overall.headline).toContain('not significant');
    const shitolog = rows.find((r) => r.row === 'site' && r.site === '什托洛盖' && r.treatment === c.treatmentArm && r.variable === 'yield (multi-arm)')!;
    expect(shitolog.flags).toContain('noBlocks');
    expect(shitolog['flag text']).toContain('Welch');

    const expectedAll = readMultiArmExpected().find((e) => e.variable === 'y' && e.site === 'ALL')!;
    const anovaAll = rows.find((r) => r.row === 'anova' && r.site === 'all sites' && r.variable === 'yield (multi-arm)')!;
    expect(Number(anovaAll.F)).toBe(report.anova[0].overall.f);
    expect(Math.abs(Number(anovaAll.F) - expectedAll.f) / expectedAll.f).toBeLessThan(1e-6);
    expect([anovaAll.df1, anovaAll.df2, anovaAll.model]).toEqual(['3', '6', 'site + arm']);
    const arms = rows.filter((r) => r.row === 'arm mean' && r.site === 'all sites' && r.variable === 'yield (multi-arm)');
    expect(arms.map((r) => [r.arm, r.letters])).toEqual([
      ['control', 'b'],
      ['low', 'b'],
      ['mid', 'a'],
      ['high', 'a'],
    ]);
    const pairs = rows.filter((r) => r.row === 'pair' && r.site === 'all sites' && r.variable === 'yield (multi-arm)');
    expect(pairs).toHaveLength(6);
    expect(Number(pairs[1]['adjusted p'])).toBe(report.anova[0].overall.pairs[1].pAdj);
    const xlsx = await download(app, `/api/trials/${id}/report/export?format=xlsx`, 'zh');
    expect(xlsx.status).toBe(200);
  });

  it('gives an empty anova list for a two-arm trial', async () => {
    const project = await created(app, '/api/projects', { name: '两处理', code: `TWO${Date.now()}` });
    const trial = await created(app, `/api/projects/${project.id}/trials`, {
      name: 'two arms',
      crop: 'cotton',
      design: 'crd',
      arms: [
        { name: 'new', role: 'treatment' },
        { name: 'old', role: 'control' },
      ],
      variables: ['ma_yield'],
    });
    expect((await app.get(`/api/trials/${trial.id}/report`)).body.anova).toEqual([]);
  });
});
