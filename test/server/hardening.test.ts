import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, YIELD } from '../support/factories.js';

const XSS = '<script>alert(1)</script>';
const SQLISH = "Robert'); DROP TABLE farmers;--";

describe('hostile input', () => {
  let app: TestApp;
  const ids: Record<string, number> = {};

  /** A page as the admin sees it. */
  const page = async (path: string) => {
    const res = await fetch(app.baseUrl + path, { headers: { accept: 'text/html', authorization: `Bearer ${app.admin.token}` } });
    return { status: res.status, html: await res.text(), headers: res.headers };
  };

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    const project = await app.post('/api/projects', { name: `项目${XSS}`, code: 'XSS1', description: XSS });
    ids.project = project.body.id;
    const site = await app.post(`/api/projects/${ids.project}/sites`, { name: `点${XSS}`, village: XSS });
    ids.site = site.body.id;
    const trial = await app.post(`/api/projects/${ids.project}/trials`, {
      name: `试验${XSS}`,
      crop: XSS,
      design: 'crd',
      arms: [
        { name: `T${XSS}`, role: 'treatment' },
        { name: 'C', role: 'control' },
      ],
      variables: [YIELD.code],
    });
    ids.trial = trial.body.id;
    const plots = await app.post(`/api/trials/${ids.trial}/plots`, [
      { siteId: ids.site, label: `P${XSS}`, arm: `T${XSS}` },
      { siteId: ids.site, label: 'C1', arm: 'C' },
    ]);
    ids.plot = plots.body[0].id;
    const obs = await app.post(`/api/trials/${ids.trial}/observations`, [
      { plot: `P${XSS}`, variable: YIELD.code, value: 10, notes: XSS, recordedBy: XSS },
      { plot: 'C1', variable: YIELD.code, value: 8 },
    ]);
    ids.observation = obs.body[0].id;
    const farmer = await app.post(`/api/projects/${ids.project}/farmers`, { name: XSS, village: XSS, phone: SQLISH });
    ids.farmer = farmer.body.id;
    const session = await app.post(`/api/projects/${ids.project}/training-sessions`, { heldOn: '2017-05-02', kind: 'training', topic: XSS, trainer: XSS, attendance: 5, attendees: [ids.farmer], siteId: ids.site });
    ids.session = session.body.id;
    for (const r of [project, site, trial, plots, obs, farmer, session]) expect(r.status).toBe(201);
  });
  afterAll(() => app?.close());

  it('shows a name with <script> as text on every page that shows it, charts included', async () => {
    const paths = [
      '/',
      `/projects/${ids.project}`,
      `/projects/${ids.project}/farmers`,
      `/projects/${ids.project}/training`,
      `/trials/${ids.trial}`,
      `/trials/${ids.trial}/report`,
      `/plots/${ids.plot}/edit`,
      `/observations/${ids.observation}/edit`,
      `/farmers/${ids.farmer}/edit`,
      `/training-sessions/${ids.session}/edit`,
      `/sites/${ids.site}/edit`,
    ];
    for (const path of paths) {
      const p = await page(path);
      expect(p.status, path).toBe(200);
      expect(p.html, path).not.toContain(XSS);
      expect(p.html, path).not.toMatch(/<script>alert/i);
      expect(p.html, path).toContain('&lt;script&gt;');
    }
  });

  it('forbids inline scripts through the content security policy', async () => {
    const p = await page(`/projects/${ids.project}`);
    expect(p.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(p.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('stores SQL-looking text verbatim', async () => {
    const farmer = (await app.get(`/api/farmers/${ids.farmer}`)).body;
    expect(farmer.phone).toBe(SQLISH);
    expect(farmer.name).toBe(XSS);
    const search = await app.get(`/api/trials/${ids.trial}/observations?plot=${encodeURIComponent(`x' or '1'='1`)}`);
    expect(search.status).toBe(200);
    expect(search.body).toEqual([]);
  });

  it('answers 413 to a body over the limit, JSON or form', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(21 * 1024 * 1024) });
    const json = await app.post(`/api/projects/${ids.project}/farmers`, huge);
    expect(json.status).toBe(413);
    expect(json.body.error.code).toBe('PayloadTooLarge');
    const form = await fetch(`${app.baseUrl}/projects/${ids.project}/farmers/new`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${app.admin.token}`, accept: 'application/json' },
      body: `name=${'x'.repeat(3 * 1024 * 1024)}`,
    });
    expect(form.status).toBe(413);
  });

  it('never sends a stack trace', async () => {
    const res = await app.post(`/api/projects/${ids.project}/farmers`, '{"name": ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
    const page404 = await page('/trials/abc');
    expect(page404.html).not.toMatch(/node_modules|\.ts:\d+/);
  });
});
