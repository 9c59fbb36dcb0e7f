import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { makeProject, ensureVariables } from '../support/factories.js';
import { commit, CSV, download, observations, upload, XLSX } from '../support/imports.js';

/**
 * Every variable kind, and texts holding commas, quotes, newlines and formula-like starts,
 * exported from one trial and imported into an empty trial with the same plots: the second
 * trial then holds the same observations, field by field.
 */
const KINDS = [
  { code: 'rt_date', name: { zh: '开花期', en: 'flowering' }, kind: 'date' },
  { code: 'rt_number', name: { zh: '产量', en: 'yield' }, kind: 'number', aggregation: 'sum' },
  { code: 'rt_count', name: { zh: '坐果数', en: 'fruits' }, kind: 'count' },
  { code: 'rt_category', name: { zh: '长势', en: 'vigour' }, kind: 'category', categories: ['旺', '中', '弱'] },
  { code: 'rt_text', name: { zh: '田间记录', en: 'field notes' }, kind: 'text' },
];

const ENTRIES = [
  { plot: 'P1', variable: 'rt_date', value: '2017-04-04', observedOn: '2017-04-04', notes: '第一穗花, "开放"' },
  { plot: 'P1', variable: 'rt_number', value: '5427.10', observedOn: '2017-07-01', reading: 1, recordedBy: '李, 农技' },
  { plot: 'P1', variable: 'rt_number', value: '-0.50', observedOn: '2017-07-01', reading: 2, notes: '-负值校正' },
  { plot: 'P2', variable: 'rt_count', value: '12', observedOn: '2017-06-10', notes: '=1+1' },
  { plot: 'P2', variable: 'rt_category', value: '旺', observedOn: '2017-06-10', notes: '@备注\n第二行' },
  { plot: 'P1', variable: 'rt_text', value: '叶片有"斑点", 待查\n第二行', observedOn: '2017-06-11' },
  { plot: 'P2', variable: 'rt_text', value: '=HYPERLINK("http://example.org")', observedOn: '2017-06-11' },
  { plot: 'P2', variable: 'rt_text', value: '+86 138', observedOn: '2017-06-12', recordedBy: '\t阿依古丽' },
];

describe('export and import every variable kind into an empty trial', () => {
  let app: TestApp;
  let projectId: number;
  let siteId: number;
  let n = 0;

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, KINDS);
    const made = await makeProject(app, ['S']);
    projectId = made.project.id;
    siteId = made.sites[0].id;
  });
  afterAll(() => app?.close());

  async function trial() {
    n += 1;
    const t = (
      await app.post(`/api/projects/${projectId}/trials`, {
        name: `round-${n}`,
        crop: '番茄',
        design: 'crd',
        arms: [
          { name: 'T', role: 'treatment' },
          { name: 'C', role: 'control' },
        ],
        variables: KINDS.map((k) => k.code),
      })
    ).body;
    expect((await app.post(`/api/trials/${t.id}/plots`, [{ siteId, label: 'P1', arm: 'T' }, { siteId, label: 'P2', arm: 'C' }])).status).toBe(201);
    return t.id as number;
  }

  const fields = (list: Awaited<ReturnType<typeof observations>>) =>
    list
      .map((o) => ({ plot: o.plot, variable: o.variable, value: o.valueText, observedOn: o.observedOn, reading: (o as { reading?: number }).reading, notes: o.notes, recordedBy: o.recordedBy }))
      .sort((a, b) => `${a.plot}${a.variable}${a.observedOn}${a.reading}`.localeCompare(`${b.plot}${b.variable}${b.observedOn}${b.reading}`));

  for (const format of ['csv', 'xlsx'] as const) {
    it(`carries every kind and every awkward text through a long ${format.toUpperCase()} file`, async () => {
      const from = await trial();
      const stored = await app.post(`/api/trials/${from}/observations`, ENTRIES);
      expect(stored.status, JSON.stringify(stored.body).slice(0, 300)).toBe(201);
      const original = fields(await observations(app, from));
      expect(original).toHaveLength(ENTRIES.length);
      const file = await download(app, `/api/trials/${from}/observations/export?format=${format}&shape=long`);
      expect(file.status).toBe(200);
      const to = await trial();
      const preview = await upload(app, `/api/trials/${to}/imports`, file.bytes, { type: format === 'csv' ? CSV : XLSX });
      expect(preview.status, JSON.stringify(preview.body).slice(0, 300)).toBe(201);
      const done = await commit(app, preview.body.id);
      expect(done.status, JSON.stringify(done.body).slice(0, 300)).toBe(200);
      expect(done.body).toMatchObject({ created: ENTRIES.length, updated: 0 });
      expect(fields(await observations(app, to))).toEqual(original);
    });
  }
});
