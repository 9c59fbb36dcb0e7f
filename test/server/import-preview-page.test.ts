import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

/** The import preview as the agronomist reads it: what each update changes, then the result. */
describe('the import preview and result pages', () => {
  let app: TestApp;
  let trialId: number;
  let agronomist: Awaited<ReturnType<TestApp['login']>>;
  const page = async (path: string, lang = 'zh') => {
    const res = await fetch(app.baseUrl + path, { headers: { accept: 'text/html', cookie: `demoplot_session=${agronomist.cookie}; lang=${lang}` } });
    return parseHTML(await res.text()).document;
  };
  const preview = async (csv: string) => {
    const res = await agronomist.post(`/api/trials/${trialId}/imports?kind=observations&shape=long`, csv, { 'content-type': 'text/csv' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; summary: { create: number; update: number; unchanged: number } };
  };
  const rowText = (doc: Document, plot: string) =>
    [...doc.querySelectorAll('table.import-preview tbody tr')].find((tr) => tr.textContent!.includes(plot))!.textContent!.replace(/\s+/g, ' ');

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    const { project, sites } = await makeProject(app, ['S']);
    const a = await app.createUser({ role: 'agronomist', projects: [project.id] });
    agronomist = await app.login(a.email, a.password);
    trialId = (await agronomist.post(`/api/projects/${project.id}/trials`, { name: 't', crop: 'c', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: [YIELD.code] })).body.id;
    await agronomist.post(`/api/trials/${trialId}/plots`, ['T1', 'T2', 'C1'].map((label) => ({ siteId: sites[0].id, label, arm: label[0] })));
    const obs = [
      { plot: 'T1', variable: YIELD.code, value: '650', observedOn: '2017-07-01', recordedBy: '李' },
      { plot: 'T2', variable: YIELD.code, value: '700', observedOn: '2017-07-01', recordedBy: '李' },
    ];
    expect((await agronomist.post(`/api/trials/${trialId}/observations`, obs)).status).toBe(201);
  });
  afterAll(() => app?.close());

  it('shows each update field by field, in words, and the rows that change nothing as unchanged', async () => {
    const csv = `plot,variable,value,observed_on,recorded_by\nT1,${YIELD.code},650,2017-07-01,王\nT2,${YIELD.code},700,2017-07-01,李\nC1,${YIELD.code},560,2017-07-01,李\n`;
    const p = await preview(csv);
    expect(p.summary).toEqual({ create: 1, update: 1, unchanged: 1, errors: 0 });
    const doc = await page(`/imports/${p.id}`);
    const t1 = rowText(doc, 'T1');
    expect(t1).toContain('更新');
    expect(t1).toContain('记录人 李 → 王');
    expect(t1).not.toContain('数值');
    expect(t1).toContain('产量');
    expect(t1).not.toContain(YIELD.code);
    expect(rowText(doc, 'T2')).toContain('与已有数据相同');
    const en = await page(`/imports/${p.id}`, 'en');
    expect(rowText(en, 'T1')).toContain('recorded by 李 → 王');
    expect(rowText(en, 'T1')).toContain('yield');

    // After the commit the same address is the result, with links onward.
    const commit = await agronomist.request('POST', `/imports/${p.id}/commit`, undefined, { accept: 'text/html' });
    expect(commit.status).toBe(303);
    const result = await page(`/imports/${p.id}`);
    expect(result.querySelector('h1')!.textContent).toBe('导入结果');
    expect(result.querySelector('.import-result')!.textContent).toContain('已导入：新增 1，更新 1，未变 1');
    const links = [...result.querySelectorAll('.import-result a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual([`/trials/${trialId}#entry`, `/trials/${trialId}/report`]);
    expect(result.querySelector('form.import-commit')).toBeNull();
    expect(result.querySelector('table.import-preview caption')!.textContent).toContain('已写入的内容');
  });

  it('offers no commit when the file changes nothing', async () => {
    const p = await preview(`plot,variable,value,observed_on\nT2,${YIELD.code},700,2017-07-01\n`);
    expect(p.summary.create + p.summary.update).toBe(0);
    const doc = await page(`/imports/${p.id}`);
    const button = doc.querySelector('form.import-commit button[type=submit]')!;
    expect(button.hasAttribute('disabled')).toBe(true);
    expect(button.textContent).not.toContain('确认导入');
  });
});
