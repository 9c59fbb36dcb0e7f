import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, FLOWERING, YIELD } from '../support/factories.js';
import { commit, download, observations, upload } from '../support/imports.js';
import { utf8Csv } from '../fixtures/import-files.js';

const HEIGHT = { code: 'plant_height_cm', name: { zh: '株高', en: 'plant height' }, kind: 'number', unit: 'cm', aggregation: 'mean', minimum: 0, maximum: 500 };

describe('readings through every import shape, and the files agronomists have', () => {
  let app: TestApp;
  let siteId: number;
  let projectId: number;
  let n = 0;

  async function makeTrial() {
    const trial = (
      await app.post(`/api/projects/${projectId}/trials`, {
        name: `readings ${++n}`,
        crop: 'tomato',
        design: 'crd',
        arms: [
          { name: 'T', role: 'treatment' },
          { name: 'C', role: 'control' },
        ],
        variables: [YIELD.code, FLOWERING.code, HEIGHT.code],
      })
    ).body;
    await app.post(`/api/trials/${trial.id}/plots`, [
      { siteId, label: 'T1', arm: 'T', plantedOn: '2017-03-01' },
      { siteId, label: 'C1', arm: 'C', plantedOn: '2017-03-01' },
    ]);
    return trial.id as number;
  }

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD, FLOWERING, HEIGHT]);
    const made = await makeProject(app, ['S']);
    projectId = made.project.id;
    siteId = made.sites[0].id;
  });
  afterAll(() => app?.close());

  it("reads Field Book's current database export: number is the reading, person the recorder, device and attachments kept, new columns ignored", async () => {
    const trialId = await makeTrial();
    const file = utf8Csv([
      ['plot_id', 'trait', 'value', 'timestamp', 'person', 'location', 'number', 'attached_photo', 'attached_video', 'attached_audio', 'device_name', 'sync_state'],
      ['T1', HEIGHT.code, '61.5', '2017-06-01 10:31:05+0800', 'Ayşe', '46.7;82.9', '1', 'IMG_0001.jpg', null, null, 'Pixel 7', 'synced'],
      ['T1', HEIGHT.code, '63', '2017-06-01 10:32:40+0800', 'Ayşe', '46.7;82.9', '2', null, null, null, 'Pixel 7', 'synced'],
      ['C1', HEIGHT.code, 'NA', '2017-06-01 10:40:00+0800', 'Ayşe', '', '1', null, null, null, 'Pixel 7', 'synced'],
    ]);
    const preview = await upload(app, `/api/trials/${trialId}/imports`, file, { lang: 'en' });
    expect(preview.status).toBe(201);
    expect(preview.body.issues).toEqual([]);
    expect(preview.body).toMatchObject({ shape: 'fieldbook', status: 'ready', summary: { create: 2, errors: 0 }, ignoredColumns: ['sync_state'] });
    expect((await commit(app, preview.body.id)).status).toBe(200);
    const obs = await observations(app, trialId);
    expect(obs.map((o) => [o.plot, o.valueText, o.observedOn, (o as unknown as { reading: number }).reading, o.recordedBy])).toEqual([
      ['T1', '61.5', '2017-06-01', 1, 'Ayşe'],
      ['T1', '63', '2017-06-01', 2, 'Ayşe'],
    ]);
    expect(obs[0].notes).toBe('device_name: Pixel 7; attached_photo: IMG_0001.jpg');
    // The same file again changes nothing.
    const again = await upload(app, `/api/trials/${trialId}/imports`, file);
    expect(again.body.summary).toMatchObject({ create: 0, update: 0, unchanged: 2, errors: 0 });
  });

  it("reads R's write.csv: the unnamed first column of row names is ignored and NA, N/A, #N/A mean no observation", async () => {
    const trialId = await makeTrial();
    const file = utf8Csv([
      ['', 'plot', 'yield_kg_per_mu', 'flowering_date', 'observed_on'],
      ['1', 'T1', '612', 'NA', '2017-07-01'],
      ['2', 'C1', '#N/A', '2017-04-02', 'N/A'],
    ]);
    const preview = await upload(app, `/api/trials/${trialId}/imports`, file, { lang: 'en' });
    expect(preview.body.issues).toEqual([]);
    expect(preview.body.summary).toMatchObject({ create: 2, errors: 0 });
    await commit(app, preview.body.id);
    const obs = await observations(app, trialId);
    expect(obs.map((o) => [o.plot, o.variable, o.valueText, o.observedOn])).toEqual([
      ['T1', YIELD.code, '612', '2017-07-01'],
      ['C1', FLOWERING.code, '2017-04-02', null],
    ]);
    // A first column without a header that is not row names is still reported.
    const odd = await upload(app, `/api/trials/${trialId}/imports`, utf8Csv([['', 'plot', 'yield_kg_per_mu'], ['x', 'T1', '1']]), { lang: 'en' });
    expect(odd.body.issues).toEqual([{ row: 2, column: 'A', message: expect.stringContaining('"x"') }]);
  });

  it('stores five plants measured per plot as readings 1–5, in a long sheet with a reading column and in a wide one', async () => {
    const trialId = await makeTrial();
    const long = utf8Csv([['小区', '指标', '数值', '观测日期', '读数'], ...[1, 2, 3, 4, 5].map((r) => ['T1', '株高', String(60 + r), '2017-06-10', String(r)])]);
    const p1 = await upload(app, `/api/trials/${trialId}/imports`, long);
    expect(p1.body.summary).toMatchObject({ create: 5, errors: 0 });
    await commit(app, p1.body.id);
    const wide = utf8Csv([
      ['小区', '株高', '株高', '株高', '株高', '株高', '观测日期'],
      ['C1', '50', '51', '52', '53', '54', '2017-06-10'],
    ]);
    const p2 = await upload(app, `/api/trials/${trialId}/imports`, wide, { lang: 'en' });
    expect(p2.body.issues).toEqual([]);
    expect(p2.body.preview.map((p: { reading: number }) => p.reading)).toEqual([1, 2, 3, 4, 5]);
    await commit(app, p2.body.id);
    const wide2 = utf8Csv([
      ['小区', '株高(第1次)', '株高(第2次)', '株高(第3次)', '株高(第4次)', '株高(第5次)', '观测日期'],
      ['C1', '50', '51', '52', '53', '54', '2017-06-10'],
    ]);
    // Numbered columns are the same readings: nothing changes.
    const p3 = await upload(app, `/api/trials/${trialId}/imports`, wide2, { lang: 'en' });
    expect(p3.body.issues).toEqual([]);
    expect(p3.body.summary).toMatchObject({ create: 0, unchanged: 5 });
    const obs = (await observations(app, trialId)) as unknown as { plot: string; reading: number; valueText: string }[];
    expect(obs.filter((o) => o.plot === 'T1').map((o) => [o.reading, o.valueText])).toEqual([1, 2, 3, 4, 5].map((r) => [r, String(60 + r)]));
    expect(obs.filter((o) => o.plot === 'C1').map((o) => [o.reading, o.valueText])).toEqual([1, 2, 3, 4, 5].map((r) => [r, String(49 + r)]));
    // The report averages the subsamples (mean), per the variable.
    const report = (await app.get(`/api/trials/${trialId}/report`)).body;
    const height = report.comparisons.filter((c: { variable: unknown }) => JSON.stringify(c.variable).includes(HEIGHT.code));
    expect(height).toHaveLength(1);
    expect(height[0].sites[0]).toMatchObject({ meanTreatment: 63, meanControl: 52 });
  });

  it('exports readings and imports the export back unchanged, long and wide', async () => {
    const trialId = await makeTrial();
    const posted = await app.post(`/api/trials/${trialId}/observations`, [
      { plot: 'T1', variable: YIELD.code, value: '300.50' },
      { plot: 'T1', variable: YIELD.code, value: '320', reading: 2 },
      { plot: 'C1', variable: YIELD.code, value: '280', observedOn: '2017-07-01' },
      { plot: 'C1', variable: YIELD.code, value: '290', observedOn: '2017-07-01', reading: 2 },
    ]);
    expect(posted.status).toBe(201);
    for (const shape of ['long', 'wide']) {
      for (const format of ['csv', 'xlsx']) {
        const file = await download(app, `/api/trials/${trialId}/observations/export?format=${format}&shape=${shape}`);
        if (shape === 'long' && format === 'csv') expect(file.bytes.toString('utf8')).toContain('读数');
        const back = await upload(app, `/api/trials/${trialId}/imports`, file.bytes, { type: format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', lang: 'en' });
        expect([shape, format, back.body.issues, back.body.summary]).toEqual([shape, format, [], { create: 0, update: 0, unchanged: 4, errors: 0 }]);
      }
    }
  });

  it('refuses dates that cannot be true in an import, naming both facts, and writes nothing', async () => {
    const trialId = await makeTrial();
    const file = utf8Csv([
      ['小区', '指标', '数值', '观测日期'],
      ['T1', '开花期', '2017-02-20', '2017-04-01'],
      ['C1', '产量', '10', `${new Date().getUTCFullYear() + 1}-01-01`],
    ]);
    const preview = await upload(app, `/api/trials/${trialId}/imports`, file, { lang: 'en' });
    expect(preview.body.status).toBe('invalid');
    expect(preview.body.issues).toHaveLength(2);
    expect(preview.body.issues[0].message).toContain('2017-02-20');
    expect(preview.body.issues[0].message).toContain('2017-03-01');
    expect(preview.body.issues[1].message).toContain('after today');
    expect((await commit(app, preview.body.id)).status).toBe(422);
    expect(await observations(app, trialId)).toEqual([]);
  });

  it('commits an import once under 8 concurrent commits with one Idempotency-Key', async () => {
    const trialId = await makeTrial();
    const preview = await upload(app, `/api/trials/${trialId}/imports`, utf8Csv([['小区', '指标', '数值'], ['T1', '产量', '5']]));
    const answers = await Promise.all(Array.from({ length: 8 }, () => app.post(`/api/imports/${preview.body.id}/commit`, undefined, { 'idempotency-key': `commit-${trialId}` })));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    for (const a of answers) expect(a.body).toEqual({ id: preview.body.id, status: 'committed', created: 1, updated: 0, unchanged: 0 });
    expect(await observations(app, trialId)).toHaveLength(1);
  });
});
