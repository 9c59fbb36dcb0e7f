import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

/** The history, conflict, undo and sign-off parts of the pages, through real sessions. */
describe('history, conflicts, undo and sign-off on the pages', () => {
  let app: TestApp;
  let trialId: number;
  let agronomist: Client & { cookie: string; csrfToken: string };
  let lead: Client & { cookie: string; csrfToken: string };

  /** A form post with the session's cookie and CSRF token, as a browser sends it. */
  const submit = async (who: typeof agronomist, path: string, fields: Record<string, string>) => {
    const res = await fetch(app.baseUrl + path, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: `demoplot_session=${who.cookie}` },
      body: new URLSearchParams({ ...fields, _csrf: who.csrfToken }),
    });
    return { status: res.status, location: res.headers.get('location'), html: await res.text() };
  };
  const page = async (who: typeof agronomist, path: string) => {
    const res = await fetch(app.baseUrl + path, { headers: { accept: 'text/html', cookie: `demoplot_session=${who.cookie}` } });
    const html = await res.text();
    return { status: res.status, html, doc: parseHTML(html).document };
  };

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    const { project, sites } = await makeProject(app, ['S']);
    const a = await app.createUser({ role: 'agronomist', projects: [project.id], name: '李农技' });
    const l = await app.createUser({ role: 'lead', projects: [project.id], name: '王负责' });
    agronomist = await app.login(a.email, a.password);
    lead = await app.login(l.email, l.password);
    const trial = await agronomist.post(`/api/projects/${project.id}/trials`, { name: 't', crop: 'c', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: [YIELD.code] });
    trialId = trial.body.id;
    await agronomist.post(`/api/trials/${trialId}/plots`, [{ siteId: sites[0].id, label: 'T1', arm: 'T' }, { siteId: sites[0].id, label: 'C1', arm: 'C' }]);
  });
  afterAll(() => app?.close());

  it('lists who changed an observation, from what to what and why, on its page', async () => {
    const obs = (await agronomist.post(`/api/trials/${trialId}/observations`, { plot: 'T1', variable: YIELD.code, value: '5427.10', observedOn: '2017-07-01' })).body;
    const saved = await submit(agronomist, `/observations/${obs.id}/edit`, { value: '5472.10', observedOn: '2017-07-01', version: String(obs.version), _reason: '抄错了' });
    expect(saved.status).toBe(303);
    const p = await page(agronomist, `/observations/${obs.id}/edit`);
    const items = [...p.doc.querySelectorAll('.audit-history li')].map((li) => li.textContent!.replace(/\s+/g, ' '));
    expect(items[0]).toContain('李农技');
    expect(items[0]).toContain('5427.10 → 5472.10');
    expect(items[0]).toContain('抄错了');
    expect(items[1]).toContain('李农技');
  });

  it('keeps the typed reason when the correction is refused, and saves it once the value is fixed', async () => {
    const obs = (await agronomist.post(`/api/trials/${trialId}/observations`, { plot: 'T1', variable: YIELD.code, value: '700', observedOn: '2017-07-05' })).body;
    const refused = await submit(agronomist, `/observations/${obs.id}/edit`, { value: '7x0', observedOn: '2017-07-05', version: String(obs.version), _reason: '称重复核' });
    expect(refused.status).toBe(400);
    const form = parseHTML(refused.html).document;
    const reason = form.querySelector<HTMLInputElement>('input[name=_reason]')!.getAttribute('value')!;
    expect(reason).toBe('称重复核');
    const fields = Object.fromEntries([...form.querySelectorAll<HTMLInputElement>('form input[name], form textarea[name]')].filter((i) => i.closest('form')!.getAttribute('action') === `/observations/${obs.id}/edit` && !i.name.startsWith('_csrf')).map((i) => [i.name, i.tagName === 'TEXTAREA' ? i.textContent! : (i.getAttribute('value') ?? '')]));
    const saved = await submit(agronomist, `/observations/${obs.id}/edit`, { ...fields, value: '710' });
    expect(saved.status).toBe(303);
    const p = await page(agronomist, `/observations/${obs.id}/edit`);
    expect(p.doc.querySelector('.audit-history li')!.textContent).toContain('称重复核');
  });

  it('names every changed field in words, in Chinese and English, never by its column name', async () => {
    const obs = (await agronomist.post(`/api/trials/${trialId}/observations`, { plot: 'T1', variable: YIELD.code, value: '650', observedOn: '2017-07-02' })).body;
    const saved = await submit(agronomist, `/observations/${obs.id}/edit`, { value: '560', observedOn: '2017-07-02', recordedBy: '阿依古丽', notes: '复核', version: String(obs.version) });
    expect(saved.status).toBe(303);
    const zh = (await page(agronomist, `/observations/${obs.id}/edit`)).doc.querySelector('.audit-history li')!.textContent!.replace(/\s+/g, ' ');
    expect(zh).toContain('数值：650 → 560');
    expect(zh).toContain('记录人：— → 阿依古丽');
    expect(zh).not.toMatch(/value|recordedBy|notes/);
    const en = (await page(agronomist, `/observations/${obs.id}/edit?lang=en`)).doc.querySelector('.audit-history li')!.textContent!.replace(/\s+/g, ' ');
    expect(en).toContain('value: 650 → 560');
    expect(en).toContain('recorded by: — → 阿依古丽');
    expect(en).not.toContain('recordedBy');
  });

  it('shows both values when someone saved the observation in between, and saves nothing', async () => {
    const obs = (await agronomist.post(`/api/trials/${trialId}/observations`, { plot: 'C1', variable: YIELD.code, value: '100', observedOn: '2017-07-03' })).body;
    expect((await lead.get(`/api/observations/${obs.id}`)).status).toBe(200);
    expect((await app.patch(`/api/observations/${obs.id}`, { value: '120', version: obs.version })).status).toBe(200);
    const late = await submit(agronomist, `/observations/${obs.id}/edit`, { value: '110', version: String(obs.version) });
    expect(late.status).toBe(400);
    const doc = parseHTML(late.html).document;
    expect(doc.querySelector('.conflict .yours')!.textContent).toBe('110');
    expect(doc.querySelector('.conflict .theirs')!.textContent).toBe('120');
    expect((await agronomist.get(`/api/observations/${obs.id}`)).body.valueText).toBe('120');
    // Saving again, now knowingly against the current version, keeps the typed value.
    const version = doc.querySelector('input[name=version]')!.getAttribute('value')!;
    expect((await submit(agronomist, `/observations/${obs.id}/edit`, { value: '110', version })).status).toBe(303);
    expect((await agronomist.get(`/api/observations/${obs.id}`)).body.valueText).toBe('110');
  });

  it('offers to undo a delete on the trial page, and the undo brings the observation back', async () => {
    const obs = (await agronomist.post(`/api/trials/${trialId}/observations`, { plot: 'C1', variable: YIELD.code, value: '90', observedOn: '2017-07-04' })).body;
    const deleted = await submit(agronomist, `/observations/${obs.id}/delete`, {});
    expect(deleted.status).toBe(303);
    expect((await agronomist.get(`/api/observations/${obs.id}`)).status).toBe(404);
    const trialPage = await page(agronomist, deleted.location!.replace(/#.*/, ''));
    const undo = trialPage.doc.querySelector('form.undo-form')!;
    expect(undo.getAttribute('action')).toBe(`/observations/${obs.id}/restore`);
    expect((await submit(agronomist, `/observations/${obs.id}/restore`, {})).status).toBe(303);
    expect((await agronomist.get(`/api/observations/${obs.id}`)).body.valueText).toBe('90');
  });

  it('shows the delete confirmation and its undo beside the plot’s row, where the redirect lands', async () => {
    const obs = (await agronomist.post(`/api/trials/${trialId}/observations`, { plot: 'C1', variable: YIELD.code, value: '91', observedOn: '2017-07-06' })).body;
    const deleted = await submit(agronomist, `/observations/${obs.id}/delete`, {});
    const anchor = deleted.location!.split('#')[1];
    expect(anchor).toBe(`plot-${obs.plotId}`);
    const trialPage = await page(agronomist, deleted.location!.replace(/#.*/, ''));
    const row = trialPage.doc.getElementById(anchor)!;
    const flash = row.nextElementSibling!;
    expect(flash.classList.contains('row-flash')).toBe(true);
    expect(flash.textContent).toContain('观测已删除');
    const undo = flash.querySelector('button[type=submit]')!;
    const form = trialPage.doc.getElementById(undo.getAttribute('form')!)!;
    expect(form.getAttribute('action')).toBe(`/observations/${obs.id}/restore`);
    expect(form.querySelector('input[name=_csrf]')).not.toBeNull();
    // One undo button on the page, the one by the row.
    expect(trialPage.doc.querySelectorAll('form.undo-form button').length).toBe(0);
    const restored = await submit(agronomist, `/observations/${obs.id}/restore`, {});
    expect(restored.location!.split('#')[1]).toBe(anchor);
    const after = await page(agronomist, restored.location!.replace(/#.*/, ''));
    expect(after.doc.getElementById(anchor)!.nextElementSibling!.textContent).toContain('已恢复');
  });

  it('confirms a deleted plot in the plots section with an undo, and the undo brings the plot back', async () => {
    const siteId = (await agronomist.get(`/api/trials/${trialId}/plots`)).body[0].siteId;
    const plot = (await agronomist.post(`/api/trials/${trialId}/plots`, { siteId, label: 'D1', arm: 'T' })).body;
    const deleted = await submit(agronomist, `/plots/${plot.id}/delete`, {});
    expect(deleted.status).toBe(303);
    expect(deleted.location!.split('#')[1]).toBe('plots');
    expect((await agronomist.get(`/api/plots/${plot.id}`)).status).toBe(404);
    const trialPage = await page(agronomist, deleted.location!.replace(/#.*/, ''));
    const section = trialPage.doc.getElementById('plots')!;
    expect(section.querySelector('.alert-ok')!.textContent).toContain('小区已删除');
    const undo = section.querySelector('form.undo-form')!;
    expect(undo.getAttribute('action')).toBe(`/plots/${plot.id}/restore`);
    expect(undo.querySelector('button[type=submit]')).not.toBeNull();
    const restored = await submit(agronomist, undo.getAttribute('action')!, {});
    expect(restored.status).toBe(303);
    expect((await agronomist.get(`/api/plots/${plot.id}`)).body.label).toBe('D1');
    const after = await page(agronomist, restored.location!.replace(/#.*/, ''));
    expect(restored.location!.split('#')[1]).toBe('plots');
    expect(after.doc.getElementById('plots')!.querySelector('.alert-ok')!.textContent).toContain('已恢复');
  });

  it('lets the lead sign a trial off on its page: a banner, the report says so, forms are refused', async () => {
    const trialPage = await page(agronomist, `/trials/${trialId}`);
    expect(trialPage.doc.querySelector('form.lock-form')).toBeNull();
    expect((await submit(agronomist, `/trials/${trialId}/lock`, {})).status).toBe(403);
    expect((await submit(lead, `/trials/${trialId}/lock`, {})).status).toBe(303);
    const locked = await page(lead, `/trials/${trialId}`);
    expect(locked.doc.querySelector('.lock-banner')!.textContent).toContain('王负责');
    const report = await page(agronomist, `/trials/${trialId}/report`);
    expect(report.doc.querySelector('.signed-off')!.textContent).toContain('王负责');
    const refused = await submit(agronomist, `/trials/${trialId}/observations`, { 'v.1': '5' });
    expect(refused.status).toBe(423);
    expect(refused.html).toContain('锁定');
    expect((await submit(lead, `/trials/${trialId}/unlock`, {})).status).toBe(303);
    expect((await page(lead, `/trials/${trialId}`)).doc.querySelector('.lock-banner')).toBeNull();
  });
});
