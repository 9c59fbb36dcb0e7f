import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';

/** The header search and the trial page's "go to plot", over the demonstration data. */
describe('search', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ demo: true });
  });
  afterAll(() => app?.close());

  const html = async (token: string, path: string) => {
    const res = await fetch(app.baseUrl + path, { redirect: 'manual', headers: { accept: 'text/html', authorization: `Bearer ${token}` } });
    return { status: res.status, location: res.headers.get('location'), doc: parseHTML(await res.text()).document };
  };

  it('finds plots by label, sites, trials and training sessions, as JSON and as a page', async () => {
    const plots = await app.get(`/api/search?q=${encodeURIComponent('示范1')}`);
    expect(plots.status).toBe(200);
    expect(plots.body.plots.map((p: { label: string }) => p.label)).toEqual(expect.arrayContaining(['二工-示范1', '什托-示范1']));
    expect(plots.body.plots.every((p: { label: string }) => p.label.includes('示范1'))).toBe(true);
    const sites = await app.get(`/api/search?q=${encodeURIComponent('什托洛盖')}`);
    expect(sites.body.sites.map((s: { name: string }) => s.name)).toEqual(['什托洛盖镇']);
    const sessions = await app.get(`/api/search?q=${encodeURIComponent('观摩会')}`);
    expect(sessions.body.trainingSessions.length).toBeGreaterThanOrEqual(3);
    const trials = await app.get('/api/search?q=tomato');
    expect(trials.body.trials).toHaveLength(1);
    expect((await app.get('/api/search?q=%25')).body.plots).toEqual([]);

    const page = await html(app.admin.token, `/search?q=${encodeURIComponent('示范1')}`);
    expect(page.status).toBe(200);
    const links = [...page.doc.querySelectorAll('#results-plots a')].map((a) => a.textContent);
    expect(links).toContain('什托-示范1');
    expect(page.doc.querySelector('#header-q')!.getAttribute('value')).toBe('示范1');
  });

  it('finds farmers by name or number for staff, and only by number, as #id, for a viewer', async () => {
    const lead = await app.as('lead', [1, 2]);
    const farmer = (await lead.get('/api/projects/2/farmers')).body[0] as { id: number; name: string };
    const byName = await lead.get(`/api/search?q=${encodeURIComponent(farmer.name)}`);
    expect(byName.body.farmers.map((f: { id: number }) => f.id)).toContain(farmer.id);
    const byNumber = await lead.get(`/api/search?q=%23${farmer.id}`);
    expect(byNumber.body.farmers).toEqual([expect.objectContaining({ id: farmer.id, name: farmer.name })]);

    const viewerUser = await app.createUser({ role: 'viewer', projects: [2] });
    const viewer = await app.as(viewerUser);
    expect((await viewer.get(`/api/search?q=${encodeURIComponent(farmer.name)}`)).body.farmers).toEqual([]);
    const seen = await viewer.get(`/api/search?q=${farmer.id}`);
    expect(seen.body.farmers).toEqual([expect.objectContaining({ id: farmer.id, name: `#${farmer.id}`, household: null })]);
    const page = await html(viewerUser.token, `/search?q=${farmer.id}`);
    expect(page.doc.body.textContent).not.toContain(farmer.name);
    expect(page.doc.querySelector('#results-farmers a')!.textContent).toBe(`#${farmer.id}`);
  });

  it('finds nothing in a project the account is not a member of', async () => {
    const outsider = await app.as('agronomist', [2]);
    const res = await outsider.get(`/api/search?q=${encodeURIComponent('示范1')}`);
    expect(res.body.plots).toEqual([]);
    expect((await outsider.get(`/api/search?q=${encodeURIComponent('番茄')}`)).body.trials).toEqual([]);
    expect((await app.get(`/api/search?q=${encodeURIComponent('番茄')}`)).body.trials).toHaveLength(1);
  });

  it('goes from the trial page to a plot by its label, and lists the candidates when several match', async () => {
    const page = await html(app.admin.token, '/trials/1');
    const form = page.doc.querySelector('form.goto-plot')!;
    expect(form.getAttribute('action')).toBe('/search');
    expect(form.querySelector('input[name=trial]')!.getAttribute('value')).toBe('1');
    const exact = await html(app.admin.token, `/search?trial=1&q=${encodeURIComponent('什托-示范1')}`);
    expect(exact.status).toBe(303);
    expect(exact.location).toMatch(/^\/trials\/1\?site=\d+#plot-\d+$/);
    const several = await html(app.admin.token, `/search?trial=1&q=${encodeURIComponent('示范')}`);
    expect(several.status).toBe(200);
    expect(several.doc.querySelectorAll('#results-plots li').length).toBe(4);
  });
});
