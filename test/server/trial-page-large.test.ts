import { request } from 'node:http';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRID_PAGE_SIZE } from '../../server/trials/trials.pages.js';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

/**
 * The trial page of a large trial: 3 sites × 1,000 plots (500 treatment, 500 control),
 * 10 yield observations per plot and 25 on the first plot, written straight to the database.
 * The page shows one site and one page of plots at a time, and reads only their observations.
 */

const SITES = 3;
const PLOTS_PER_SITE = 1000;
const PER_PLOT = 10;
const FIRST_PLOT_EXTRA = 15;

let app: TestApp;
let trialId: number;
let siteIds: number[];
let yieldId: number;
let firstPlotId: number;
let projectId: number;

async function page(path: string, opts: { lang?: 'zh' | 'en'; form?: Record<string, string>; token?: string } = {}) {
  const res = await fetch(app.baseUrl + path, {
    method: opts.form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: {
      accept: 'text/html',
      authorization: `Bearer ${opts.token ?? app.admin.token}`,
      cookie: `lang=${opts.lang ?? 'zh'}`,
      ...(opts.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: opts.form ? new URLSearchParams(opts.form).toString() : undefined,
  });
  const html = await res.text();
  const { document } = parseHTML(html);
  return { status: res.status, location: res.headers.get('location'), doc: document, text: document.body?.textContent?.replace(/\s+/g, ' ') ?? '' };
}

const rowLabels = (doc: Document) => [...doc.querySelectorAll('tr.plot-row .plot-label')].map((e) => e.textContent);
const label = (site: number, arm: 'T' | 'C', i: number) => `S${site + 1}-${arm}${String(i).padStart(4, '0')}`;

beforeAll(async () => {
  app = await startTestApp();
  await ensureVariables(app, [YIELD]);
  const { project, sites } = await makeProject(app, ['一号点', '二号点', '三号点']);
  siteIds = sites.map((s: { id: number }) => s.id);
  projectId = project.id;
  const trial = await app.post(`/api/projects/${project.id}/trials`, {
    name: '大试验',
    crop: '番茄',
    design: 'crd',
    arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }],
    variables: [YIELD.code],
  });
  expect(trial.status).toBe(201);
  trialId = trial.body.id;
  const db = app.db;
  const arms = await db.selectFrom('trialArms').select(['id', 'name']).where('trialId', '=', trialId).execute();
  const armId = (n: string) => arms.find((a) => a.name === n)!.id;
  yieldId = (await db.selectFrom('variables').select('id').where('code', '=', YIELD.code).executeTakeFirstOrThrow()).id;

  const plots = [];
  for (let s = 0; s < SITES; s++) {
    for (let i = 1; i <= PLOTS_PER_SITE / 2; i++) {
      for (const arm of ['T', 'C'] as const) plots.push({ trialId, siteId: siteIds[s], armId: armId(arm), label: label(s, arm, i), plantedOn: '2026-03-01' });
    }
  }
  const plotIds: number[] = [];
  for (let i = 0; i < plots.length; i += 1000) {
    for (const r of await db.insertInto('plots').values(plots.slice(i, i + 1000)).returning('id').execute()) plotIds.push(r.id);
  }
  firstPlotId = (await db.selectFrom('plots').select('id').where('trialId', '=', trialId).where('label', '=', label(0, 'T', 1)).executeTakeFirstOrThrow()).id;

  const observations = [];
  for (const plotId of plotIds) {
    const n = PER_PLOT + (plotId === firstPlotId ? FIRST_PLOT_EXTRA : 0);
    for (let k = 0; k < n; k++) {
      observations.push({ plotId, variableId: yieldId, valueNumber: String(100 + k), observedOn: `2026-06-${String(1 + (k % 28)).padStart(2, '0')}` });
    }
  }
  for (let i = 0; i < observations.length; i += 2000) {
    await db.insertInto('observations').values(observations.slice(i, i + 2000)).execute();
  }
  // The server must still be answering after the bulk load; a refused or reset connection
  // fails the setup with its error instead of being retried away.
  // A connection of its own: a kept-alive socket idle through the load may have been closed
  // by the server meanwhile, which is not the error this check is for.
  const health = await new Promise<number>((resolve, reject) => {
    const req = request(`${app.baseUrl}/api/health`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
  expect(health).toBe(200);
}, 120_000);
afterAll(async () => {
  await app?.close();
});

describe('the trial page of a large trial', () => {
  it('shows the first site, one page of plots, and page links', async () => {
    const p = await page(`/trials/${trialId}`);
    expect(p.status).toBe(200);
    const labels = rowLabels(p.doc);
    expect(labels).toHaveLength(GRID_PAGE_SIZE);
    expect(labels[0]).toBe(label(0, 'T', 1));
    expect(labels.every((l) => l!.startsWith('S1-T'))).toBe(true);
    expect(p.doc.querySelectorAll('tbody tr.site-row')).toHaveLength(1);
    expect(p.doc.querySelector('select[name="site"] option[selected]')!.getAttribute('value')).toBe(String(siteIds[0]));
    expect(p.text).toContain('第 1 页，共 10 页（第 1–100 个小区，共 1000 个）');
    const pager = p.doc.querySelector('nav.pager')!;
    expect(pager.querySelector('a[rel="next"]')!.getAttribute('href')).toBe(`/trials/${trialId}?site=${siteIds[0]}&page=2#entry`);
    expect(pager.querySelector('a[rel="prev"]')).toBeNull();
    expect(pager.querySelector('[aria-current="page"]')!.textContent).toBe('1');
    expect([...pager.querySelectorAll('a')].map((a) => a.textContent)).toContain('10');
  });

  it('reads only the observations of the plots shown, each cell with its count and latest one', async () => {
    const p = await page(`/trials/${trialId}`);
    const summaries = [...p.doc.querySelectorAll('.history summary')];
    expect(summaries).toHaveLength(GRID_PAGE_SIZE);
    // Inline, each cell has only its latest observation with its correction link, and a link to all of them.
    expect(p.doc.querySelectorAll('.history li')).toHaveLength(0);
    expect(p.doc.querySelectorAll('.history a.h-edit')).toHaveLength(GRID_PAGE_SIZE);
    expect(p.doc.querySelectorAll('.history a.h-all')).toHaveLength(GRID_PAGE_SIZE);
    const total = PER_PLOT + FIRST_PLOT_EXTRA;
    const first = p.doc.querySelector(`#plot-${firstPlotId} .history`)!;
    expect(first.querySelector('summary')!.textContent).toContain(`已有 ${total} 条`);
    expect(first.querySelector('a.h-all')!.textContent).toContain(`全部 ${total} 条记录`);
    const href = first.querySelector('a.h-all')!.getAttribute('href')!;
    expect(href).toBe(`/trials/${trialId}/cells?plot=${firstPlotId}&variable=${YIELD.code}`);

    // The cell's page lists every observation, oldest first, each with its correction link.
    const cell = await page(href);
    expect(cell.status).toBe(200);
    expect(cell.doc.querySelectorAll('.cell-history li')).toHaveLength(total);
    const values = [...cell.doc.querySelectorAll('.cell-history .h-value')].map((e) => e.textContent);
    expect(values[0]).toContain('100');
    expect(values.at(-1)).toContain(String(100 + total - 1));
    const edits = [...cell.doc.querySelectorAll('.cell-history a.h-edit')].map((a) => a.getAttribute('href'));
    expect(edits).toHaveLength(total);
    expect(new Set(edits).size).toBe(total);
    expect(edits.every((e) => /^\/observations\/\d+\/edit$/.test(e!))).toBe(true);
    // The latest is the last listed, the one the grid's summary names and links to.
    expect(first.querySelector('summary')!.textContent).toContain(`最近 ${values.at(-1)}`);
    expect(first.querySelector('a.h-edit')!.getAttribute('href')).toBe(edits.at(-1));
    const en = await page(href, { lang: 'en' });
    expect(en.text).toContain('All records of this plot and variable');
    expect(en.doc.querySelectorAll('.cell-history a.h-edit')).toHaveLength(total);
  });

  it('answers 404 for a cell of an unknown plot or of a variable the trial does not have', async () => {
    expect((await page(`/trials/${trialId}/cells?plot=999999999&variable=${YIELD.code}`)).status).toBe(404);
    expect((await page(`/trials/${trialId}/cells?plot=${firstPlotId}&variable=nope`)).status).toBe(404);
    expect((await page(`/trials/${trialId}/cells?plot=abc&variable=${YIELD.code}`)).status).toBe(404);
    expect((await page(`/trials/${trialId}/cells`)).status).toBe(404);
  });

  it('pages within a site and across all sites, and keeps the page in range', async () => {
    const second = await page(`/trials/${trialId}?page=2`);
    expect(rowLabels(second.doc)[0]).toBe(label(0, 'T', 101));
    const last = await page(`/trials/${trialId}?site=${siteIds[1]}&page=99`);
    expect(rowLabels(last.doc)).toHaveLength(GRID_PAGE_SIZE);
    expect(rowLabels(last.doc).at(-1)).toBe(label(1, 'C', 500));
    expect(last.doc.querySelector('nav.pager a[rel="next"]')).toBeNull();
    const all = await page(`/trials/${trialId}?site=all&page=11`);
    expect(rowLabels(all.doc)[0]).toBe(label(1, 'T', 1));
    expect(all.text).toContain('共 30 页');
    const en = await page(`/trials/${trialId}?page=3`, { lang: 'en' });
    expect(en.text).toContain('Page 3 of 10 (plots 201–300 of 1000)');
    expect(en.doc.querySelector('nav.pager a[rel="prev"]')!.textContent).toBe('Previous page');
  });

  it('summarises the plots per site and arm instead of listing every plot', async () => {
    const p = await page(`/trials/${trialId}`);
    expect(p.doc.querySelector('.plots-table')).toBeNull();
    const rows = [...p.doc.querySelectorAll('table.plot-counts tbody tr')];
    expect(rows).toHaveLength(SITES * 2);
    expect(rows[0].querySelector('td.num')!.textContent).toBe(String(PLOTS_PER_SITE / 2));
    expect(rows[2].querySelector('a')!.getAttribute('href')).toBe(`/trials/${trialId}?site=${siteIds[1]}#entry`);
  });

  it('follows a plot added and removed: the counts per site and arm and the pages move with it', async () => {
    const added = await app.post(`/api/trials/${trialId}/plots`, { siteId: siteIds[0], label: label(0, 'T', 501), arm: 'T' });
    expect(added.status).toBe(201);
    const withNew = await page(`/trials/${trialId}`);
    expect(withNew.doc.querySelector('table.plot-counts tbody tr td.num')!.textContent).toBe(String(PLOTS_PER_SITE / 2 + 1));
    expect(withNew.text).toContain('共 1001 个');
    // The new plot is the site's last treatment plot: the first of page 6, before the control plots.
    const sixth = await page(`/trials/${trialId}?page=6`);
    expect(rowLabels(sixth.doc).slice(0, 2)).toEqual([label(0, 'T', 501), label(0, 'C', 1)]);
    expect(rowLabels(sixth.doc)).toHaveLength(GRID_PAGE_SIZE);
    const last = await page(`/trials/${trialId}?page=11`);
    expect(rowLabels(last.doc)).toEqual([label(0, 'C', 500)]);
    expect((await app.del(`/api/plots/${added.body.id}`)).status).toBe(204);
    const after = await page(`/trials/${trialId}?page=6`);
    expect(after.doc.querySelector('table.plot-counts tbody tr td.num')!.textContent).toBe(String(PLOTS_PER_SITE / 2));
    expect(rowLabels(after.doc)[0]).toBe(label(0, 'C', 1));
  });

  it('saves from a later page all or nothing and comes back to that page', async () => {
    const p2 = await page(`/trials/${trialId}?page=2`);
    const [a, b] = [...p2.doc.querySelectorAll('tr.plot-row')].slice(0, 2).map((r) => Number(r.id.slice('plot-'.length)));
    const bad = await page(`/trials/${trialId}/observations`, {
      form: { observedOn: '2026-07-01', site: '', page: '2', [`v.${a}.${yieldId}`]: '700', [`v.${b}.${yieldId}`]: '7x' },
    });
    expect(bad.status).toBe(400);
    expect(rowLabels(bad.doc)[0]).toBe(label(0, 'T', 101));
    expect(bad.doc.querySelector(`#c-${b}-${yieldId}`)!.closest('td')!.querySelector('.field-error')).not.toBeNull();
    expect(bad.doc.querySelector(`#c-${a}-${yieldId}`)!.getAttribute('value')).toBe('700');
    expect(bad.doc.querySelector('input[name="page"]')!.getAttribute('value')).toBe('2');
    const ok = await page(`/trials/${trialId}/observations`, {
      form: { observedOn: '2026-07-01', site: '', page: '2', [`v.${a}.${yieldId}`]: '700', [`v.${b}.${yieldId}`]: '710' },
    });
    expect(ok.status).toBe(303);
    // Back to the same page, with the day just used kept for the next plot (field capture).
    expect(ok.location).toBe(`/trials/${trialId}?page=2&saved=2&observedOn=2026-07-01#entry`);
    const after = await page(`/trials/${trialId}?page=2`);
    expect(after.doc.querySelector(`#plot-${a} .history summary`)!.textContent).toContain(`已有 ${PER_PLOT + 1} 条`);
  });

  it('shows each reader the grid as the data stands: kept rendered only until a write, per language and right to enter data', async () => {
    const path = `/trials/${trialId}?site=${siteIds[2]}&page=3`;
    const first = await page(path);
    const plotId = Number(first.doc.querySelector('tr.plot-row')!.id.slice('plot-'.length));
    const summary = (p: Awaited<ReturnType<typeof page>>) => p.doc.querySelector(`#plot-${plotId} .history summary`)!.textContent;
    expect(summary(first)).toContain(`已有 ${PER_PLOT} 条`);
    expect((await page(path)).doc.querySelectorAll('tr.plot-row')).toHaveLength(GRID_PAGE_SIZE);

    // Written straight to the database, as another process or a COPY would: the next page is read again.
    await app.db.insertInto('observations').values({ plotId, variableId: yieldId, valueNumber: '999', observedOn: '2026-08-01' }).execute();
    const after = await page(path);
    expect(summary(after)).toContain(`已有 ${PER_PLOT + 1} 条`);
    expect(summary(after)).toContain('999');
    expect(after.doc.querySelectorAll(`#c-${plotId}-${yieldId}`)).toHaveLength(1);

    // The same page in English, and for a viewer: their own words and no inputs.
    const en = await page(path, { lang: 'en' });
    expect(en.doc.querySelector(`#plot-${plotId} .history summary`)!.textContent).toContain(`${PER_PLOT + 1} recorded`);
    const viewer = await app.createUser({ role: 'viewer', projects: [projectId] });
    const read = await page(path, { token: viewer.token });
    expect(read.status).toBe(200);
    expect(read.doc.querySelectorAll('td.cell input')).toHaveLength(0);
    expect(read.doc.querySelector(`#plot-${plotId} .cell-value`)!.textContent).toContain('999');
    expect(read.doc.querySelectorAll('a.h-edit')).toHaveLength(0);
    // ...and the admin's page still has its inputs and correction links.
    const again = await page(path);
    expect(again.doc.querySelectorAll('td.cell input').length).toBeGreaterThanOrEqual(GRID_PAGE_SIZE);
    expect(again.doc.querySelectorAll('a.h-edit')).toHaveLength(GRID_PAGE_SIZE);

    // A photo of the plot (it moves the data version too) appears in its row.
    await app.db
      .insertInto('photos')
      .values({ plotId, contentType: 'image/jpeg', width: 1, height: 1, byteSize: 1, bytes: Buffer.from([1]), thumbnail: Buffer.from([1]) })
      .execute();
    expect((await page(path)).doc.querySelectorAll(`#plot-${plotId} .photo-strip img`)).toHaveLength(1);
  });
});
