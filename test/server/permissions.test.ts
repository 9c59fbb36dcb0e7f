import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { RULES, parseRoute } from '../../server/accounts/policy.js';
import { startTestApp, type Client, type Role, type TestApp } from '../support/context.js';
import { listRoutes } from '../support/routes.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

/**
 * The permission matrix, written out by hand (not derived from the policy): for each route,
 * who may call it. `member` routes concern one project's record (`:id`), so the account must
 * also be a member of that project. A route the app serves that is missing here fails.
 */
type Who = 'public' | 'signedIn' | Role[];
const ALL: Role[] = ['admin', 'lead', 'agronomist', 'viewer'];
const STAFF: Role[] = ['admin', 'lead', 'agronomist'];
const DATA: Role[] = ['admin', 'agronomist'];
const LEAD: Role[] = ['admin', 'lead'];
const ADMIN: Role[] = ['admin'];

const MATRIX: Record<string, { who: Who; member?: boolean }> = {
  'GET /api/health': { who: 'public' },
  'POST /api/tokens': { who: 'public' },
  'GET /login': { who: 'public' },
  'POST /login': { who: 'public' },
  'POST /logout': { who: 'public' },
  'GET /api/tokens': { who: 'signedIn' },
  'DELETE /api/tokens/:id': { who: 'signedIn' },
  'GET /api/me': { who: 'signedIn' },
  'GET /api/projects': { who: 'signedIn' },
  'GET /api/search': { who: 'signedIn' },
  'GET /search': { who: 'signedIn' },
  'GET /api/variables': { who: 'signedIn' },
  'GET /api/variables/:id': { who: 'signedIn' },
  'POST /api/variables': { who: DATA },
  'GET /api/users': { who: ADMIN },
  'POST /api/users': { who: ADMIN },
  'GET /api/users/:id': { who: ADMIN },
  'PATCH /api/users/:id': { who: ADMIN },
  'POST /api/projects': { who: ADMIN },

  'GET /api/projects/:id': { who: ALL, member: true },
  'PATCH /api/projects/:id': { who: LEAD, member: true },
  'GET /api/projects/:id/sites': { who: ALL, member: true },
  'POST /api/projects/:id/sites': { who: DATA, member: true },
  'GET /api/sites/:id': { who: ALL, member: true },
  'PATCH /api/sites/:id': { who: DATA, member: true },
  'GET /api/projects/:id/trials': { who: ALL, member: true },
  'POST /api/projects/:id/trials': { who: DATA, member: true },
  'GET /api/trials/:id': { who: ALL, member: true },
  'PATCH /api/trials/:id': { who: DATA, member: true },
  'DELETE /api/trials/:id': { who: DATA, member: true },
  'POST /api/trials/:id/restore': { who: DATA, member: true },
  'GET /api/trials/:id/history': { who: STAFF, member: true },
  'POST /api/trials/:id/lock': { who: LEAD, member: true },
  'POST /api/trials/:id/unlock': { who: LEAD, member: true },
  'GET /api/trials/:id/report': { who: ALL, member: true },
  'GET /api/trials/:id/plots': { who: ALL, member: true },
  'POST /api/trials/:id/plots': { who: DATA, member: true },
  'GET /api/plots/:id': { who: ALL, member: true },
  'PATCH /api/plots/:id': { who: DATA, member: true },
  'DELETE /api/plots/:id': { who: DATA, member: true },
  'POST /api/plots/:id/restore': { who: DATA, member: true },
  'GET /api/plots/:id/history': { who: STAFF, member: true },
  'GET /api/trials/:id/layouts': { who: ALL, member: true },
  'POST /api/trials/:id/layouts': { who: DATA, member: true },
  'GET /api/layouts/:id': { who: ALL, member: true },
  'POST /api/layouts/:id/commit': { who: DATA, member: true },
  'POST /api/layouts/:id/rerandomise': { who: DATA, member: true },
  'GET /api/trials/:id/labels.csv': { who: ALL, member: true },
  'GET /api/trials/:id/observations': { who: ALL, member: true },
  'POST /api/trials/:id/observations': { who: DATA, member: true },
  'GET /api/observations/:id': { who: ALL, member: true },
  'PATCH /api/observations/:id': { who: DATA, member: true },
  'DELETE /api/observations/:id': { who: DATA, member: true },
  'POST /api/observations/:id/restore': { who: DATA, member: true },
  'GET /api/observations/:id/history': { who: STAFF, member: true },
  'GET /api/plots/:id/photos': { who: ALL, member: true },
  'POST /api/plots/:id/photos': { who: DATA, member: true },
  'DELETE /api/photos/:id': { who: DATA, member: true },
  'POST /api/photos/:id/restore': { who: DATA, member: true },
  'GET /api/projects/:id/farmers': { who: ALL, member: true },
  'POST /api/projects/:id/farmers': { who: LEAD, member: true },
  'GET /api/farmers/:id': { who: ALL, member: true },
  'PATCH /api/farmers/:id': { who: LEAD, member: true },
  'DELETE /api/farmers/:id': { who: LEAD, member: true },
  'POST /api/farmers/:id/restore': { who: LEAD, member: true },
  'GET /api/farmers/:id/history': { who: STAFF, member: true },
  'GET /api/projects/:id/training-sessions': { who: ALL, member: true },
  'POST /api/projects/:id/training-sessions': { who: LEAD, member: true },
  'GET /api/training-sessions/:id': { who: ALL, member: true },
  'PATCH /api/training-sessions/:id': { who: LEAD, member: true },
  'DELETE /api/training-sessions/:id': { who: LEAD, member: true },
  'POST /api/training-sessions/:id/restore': { who: LEAD, member: true },
  'GET /api/training-sessions/:id/history': { who: STAFF, member: true },
  'GET /api/projects/:id/training-summary': { who: ALL, member: true },

  'POST /api/trials/:id/imports': { who: DATA, member: true },
  'POST /api/projects/:id/imports': { who: LEAD, member: true },
  'GET /api/imports/:id': { who: STAFF, member: true },
  'POST /api/imports/:id/commit': { who: DATA, member: true },
  'GET /api/trials/:id/observations/export': { who: ALL, member: true },
  'GET /api/trials/:id/report/export': { who: ALL, member: true },
  'GET /api/trials/:id/fieldbook/field.csv': { who: ALL, member: true },
  'GET /api/trials/:id/fieldbook/traits.trt': { who: ALL, member: true },
  'GET /api/projects/:id/training-sessions/export': { who: ALL, member: true },

  'GET /api/programmes': { who: 'signedIn' },
  'POST /api/programmes': { who: LEAD },
  'GET /api/programmes/:id': { who: 'signedIn' },
  'GET /api/programmes/:id/summary': { who: 'signedIn' },
  'GET /api/programmes/:id/export': { who: 'signedIn' },
  'GET /api/projects/:id/inspections': { who: ALL, member: true },
  'POST /api/projects/:id/inspections': { who: LEAD, member: true },
  'POST /api/rectifications/:id/close': { who: LEAD, member: true },
  'GET /api/projects/:id/outputs': { who: ALL, member: true },
  'POST /api/projects/:id/outputs': { who: LEAD, member: true },

  // Pages
  'GET /': { who: 'signedIn' },
  'GET /projects/new': { who: ADMIN },
  'POST /projects/new': { who: ADMIN },
  'GET /projects/:id': { who: ALL, member: true },
  'GET /programmes': { who: 'signedIn' },
  'GET /programmes/:id': { who: 'signedIn' },
  'GET /programmes/:id/summary': { who: 'signedIn' },
  'GET /rectifications/:id/close': { who: LEAD, member: true },
  'POST /rectifications/:id/close': { who: LEAD, member: true },
  'GET /projects/:id/edit': { who: LEAD, member: true },
  'POST /projects/:id/edit': { who: LEAD, member: true },
  'GET /projects/:id/sites/new': { who: DATA, member: true },
  'POST /projects/:id/sites/new': { who: DATA, member: true },
  'GET /sites/:id/edit': { who: DATA, member: true },
  'POST /sites/:id/edit': { who: DATA, member: true },
  'GET /variables/new': { who: DATA },
  'POST /variables/new': { who: DATA },
  'GET /projects/:id/trials/new': { who: DATA, member: true },
  'POST /projects/:id/trials/new': { who: DATA, member: true },
  'GET /trials/:id': { who: ALL, member: true },
  'GET /trials/:id/cells': { who: ALL, member: true },
  'GET /trials/:id/manifest.webmanifest': { who: ALL, member: true },
  'GET /sw.js': { who: 'public' },
  'GET /photos/:id': { who: ALL, member: true },
  'GET /photos/:id/thumbnail': { who: ALL, member: true },
  'GET /trials/:id/edit': { who: DATA, member: true },
  'POST /trials/:id/edit': { who: DATA, member: true },
  'GET /trials/:id/report': { who: ALL, member: true },
  'GET /trials/:id/plots/new': { who: DATA, member: true },
  'GET /trials/:id/layouts/new': { who: DATA, member: true },
  'POST /trials/:id/layouts/new': { who: DATA, member: true },
  'GET /layouts/:id': { who: ALL, member: true },
  'POST /layouts/:id/commit': { who: DATA, member: true },
  'POST /layouts/:id/rerandomise': { who: DATA, member: true },
  'GET /trials/:id/map': { who: ALL, member: true },
  'GET /trials/:id/map.svg': { who: ALL, member: true },
  'GET /trials/:id/labels': { who: ALL, member: true },
  'POST /trials/:id/plots/new': { who: DATA, member: true },
  'GET /plots/:id/edit': { who: DATA, member: true },
  'POST /plots/:id/edit': { who: DATA, member: true },
  'POST /plots/:id/delete': { who: DATA, member: true },
  'GET /trials/:id/observations': { who: DATA, member: true },
  'POST /trials/:id/observations': { who: DATA, member: true },
  'GET /observations/:id/edit': { who: DATA, member: true },
  'POST /observations/:id/edit': { who: DATA, member: true },
  'POST /observations/:id/delete': { who: DATA, member: true },
  'POST /observations/:id/restore': { who: DATA, member: true },
  'POST /plots/:id/restore': { who: DATA, member: true },
  'POST /trials/:id/lock': { who: LEAD, member: true },
  'POST /trials/:id/unlock': { who: LEAD, member: true },
  'GET /projects/:id/training': { who: ALL, member: true },
  'GET /projects/:id/training-sessions/new': { who: LEAD, member: true },
  'POST /projects/:id/training-sessions/new': { who: LEAD, member: true },
  'GET /training-sessions/:id/edit': { who: LEAD, member: true },
  'POST /training-sessions/:id/edit': { who: LEAD, member: true },
  'POST /training-sessions/:id/delete': { who: LEAD, member: true },
  'GET /projects/:id/farmers': { who: ALL, member: true },
  'GET /projects/:id/farmers/new': { who: LEAD, member: true },
  'POST /projects/:id/farmers/new': { who: LEAD, member: true },
  'GET /farmers/:id/edit': { who: LEAD, member: true },
  'POST /farmers/:id/edit': { who: LEAD, member: true },
  'GET /trials/:id/import': { who: DATA, member: true },
  'POST /trials/:id/import': { who: DATA, member: true },
  'GET /projects/:id/training/import': { who: LEAD, member: true },
  'POST /projects/:id/training/import': { who: LEAD, member: true },
  'GET /imports/:id': { who: STAFF, member: true },
  'POST /imports/:id/commit': { who: DATA, member: true },
};

/** The smallest PNG: one transparent pixel. */
const PNG_1PX = new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));

/** The records of one project that `:id` is replaced with, by the path's first segment. */
type Ids = Record<string, string>;

async function seedProject(app: TestApp, name: string): Promise<Ids> {
  const { project, sites } = await makeProject(app, [`${name} site`]);
  const trial = await app.post(`/api/projects/${project.id}/trials`, {
    name: `${name} trial`,
    crop: 'tomato',
    design: 'crd',
    arms: [
      { name: 'T', role: 'treatment' },
      { name: 'C', role: 'control' },
    ],
    variables: [YIELD.code],
  });
  const plot = await app.post(`/api/trials/${trial.body.id}/plots`, { siteId: sites[0].id, label: 'P1', arm: 'T' });
  const obs = await app.post(`/api/trials/${trial.body.id}/observations`, { plot: 'P1', variable: YIELD.code, value: 100 });
  const farmer = await app.post(`/api/projects/${project.id}/farmers`, { name: `${name} farmer`, gender: 'female' });
  const session = await app.post(`/api/projects/${project.id}/training-sessions`, { heldOn: '2017-05-01', kind: 'training', topic: 't', attendance: 3, attendees: [farmer.body.id] });
  const inspection = await app.post(`/api/projects/${project.id}/inspections`, { date: '2017-11-01', experts: ['e'], findings: 'f', rectifications: [{ item: `${name} item` }] });
  for (const r of [trial, plot, obs, farmer, session, inspection]) expect(r.status).toBe(201);
  const layout = await app.post(`/api/trials/${trial.body.id}/layouts`, { siteId: sites[0].id, design: 'crd', plotsPerArm: 1, rows: 1, columns: 2, labelPattern: 'L{n}' });
  expect(layout.status).toBe(201);
  for (const r of [trial, plot, obs, farmer, session]) expect(r.status).toBe(201);
  const form = new FormData();
  form.set('file', new Blob([PNG_1PX], { type: 'image/png' }), 'p.png');
  const photo = await fetch(`${app.baseUrl}/api/plots/${plot.body.id}/photos`, { method: 'POST', body: form, headers: { authorization: `Bearer ${app.admin.token}` } });
  expect(photo.status).toBe(201);
  const photoId = ((await photo.json()) as { id: number }).id;
  const csv = `plot,variable,value\nP1,${YIELD.code},120\n`;
  const preview = await app.post(`/api/trials/${trial.body.id}/imports?kind=observations&shape=long`, csv, { 'content-type': 'text/csv' });
  expect(preview.status, JSON.stringify(preview.body)).toBe(201);
  return {
    imports: preview.body.id,
    layouts: String(layout.body.id),
    projects: String(project.id),
    sites: String(sites[0].id),
    trials: String(trial.body.id),
    plots: String(plot.body.id),
    observations: String(obs.body.id),
    farmers: String(farmer.body.id),
    'training-sessions': String(session.body.id),
    rectifications: String(inspection.body.rectifications[0].id),
    photos: String(photoId),
  };
}

/** A body that is refused for its content (400 / 409), so an allowed call changes nothing. */
function harmlessBody(method: string, path: string): unknown {
  if (method === 'PATCH') return { version: -1 };
  if (method === 'POST' && /\/(restore|lock|unlock)$/.test(path)) return undefined;
  if (method === 'POST') return {};
  return undefined;
}

describe('the permission matrix: every route × every role × member or not', () => {
  let app: TestApp;
  let member: Ids;
  let other: Ids;
  const clients = {} as Record<Role, Client>;
  let routes: string[];

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    member = await seedProject(app, 'A');
    other = await seedProject(app, 'B');
    const programme = await app.post('/api/programmes', { name: 'P', year: 2017 });
    expect(programme.status).toBe(201);
    member.programmes = other.programmes = String(programme.body.id);
    for (const role of ALL) clients[role] = await app.as(role, role === 'admin' ? [] : [Number(member.projects)]);
    routes = listRoutes(createApp(app.config, app.database.handle));
  }, 120_000);
  afterAll(() => app?.close());

  it('has an expectation here and exactly one policy rule for every route the app serves', () => {
    const ruled = RULES.flatMap((r) => parseRoute(r.route).methods.map((m) => `${m} ${parseRoute(r.route).path}`));
    expect(routes.filter((r) => !(r in MATRIX)), 'routes missing from this matrix').toEqual([]);
    expect(routes.filter((r) => !ruled.includes(r)), 'routes without a policy rule').toEqual([]);
    expect(ruled.filter((r) => !routes.includes(r)), 'rules for routes that do not exist').toEqual([]);
    expect(ruled.length, 'a route with two rules').toBe(new Set(ruled).size);
  });

  it('refuses a route that has no rule, even to an admin', async () => {
    const res = await app.get('/api/not-a-route');
    expect(res.status).toBe(404);
    expect((await app.anonymous.get('/api/not-a-route')).status).toBe(401);
  });

  function pathFor(route: string, ids: Ids): { method: string; path: string } {
    const [method, pattern] = route.split(' ');
    const family = pattern.replace(/^\/api/, '').split('/')[1];
    const id = family === 'users' ? String(app.admin.id) : family === 'tokens' || family === 'variables' ? '999999' : ids[family];
    return { method, path: pattern.replace(':id', id ?? '1') };
  }

  /** Calls the route and puts back anything it changed (a delete is restored, a lock undone). */
  async function call(client: Client, route: string, ids: Ids) {
    const { method, path } = pathFor(route, ids);
    const res = await client.request(method, path, harmlessBody(method, path));
    if (res.status < 400) {
      if (method === 'DELETE' && !path.includes('/tokens/')) expect((await app.post(`${path}/restore`, undefined)).status).toBe(200);
      if (method === 'POST' && path.endsWith('/delete')) expect((await app.post(`/api${path.replace(/delete$/, 'restore')}`, undefined)).status).toBe(200);
      if (path.endsWith('/lock') && res.status < 300) expect((await app.post(path.replace(/lock$/, 'unlock'), undefined)).status).toBe(200);
    }
    return res;
  }

  it('answers 401 (API) or a redirect to the login page (pages) to anonymous requests', async () => {
    for (const route of routes) {
      const { who } = MATRIX[route];
      const res = await call(app.anonymous, route, member);
      // A public route answers for itself (a login with no credentials is 400, 401 or 403).
      if (who === 'public') expect(res.status, route).toBeLessThan(500);
      else if (route.includes(' /api/')) expect(res.status, route).toBe(401);
      else expect([303, 401], route).toContain(res.status);
    }
  });

  for (const role of ALL) {
    it(`gives ${role} exactly what the matrix says, on their project and on another`, async () => {
      const problems: string[] = [];
      for (const route of routes) {
        const { who, member: scoped } = MATRIX[route];
        const allowed = who === 'public' || who === 'signedIn' || who.includes(role);
        for (const [where, ids] of scoped ? ([['member', member], ['other project', other]] as const) : ([['-', member]] as const)) {
          const res = await call(clients[role], route, ids);
          const expectAllowed = allowed && (where !== 'other project' || role === 'admin');
          const ok = res.status < 500 && (who === 'public' || (expectAllowed ? res.status !== 401 && res.status !== 403 : res.status === 403));
          if (!ok) problems.push(`${route} (${where}): ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }

  it('answers 404 for an id that does not exist, and 403 for one of another project', async () => {
    const agronomist = clients.agronomist;
    expect((await agronomist.get('/api/trials/999999')).status).toBe(404);
    expect((await agronomist.get('/api/trials/abc')).status).toBe(404);
    expect((await agronomist.get(`/api/trials/${other.trials}`)).status).toBe(403);
    expect((await agronomist.get(`/api/observations/${other.observations}`)).status).toBe(403);
  });

  it('lists only the projects an account is a member of', async () => {
    const mine = (await clients.viewer.get('/api/projects')).body as { id: number }[];
    expect(mine.map((p) => p.id)).toEqual([Number(member.projects)]);
    const all = (await app.get('/api/projects')).body as { id: number }[];
    expect(all.map((p) => p.id)).toEqual(expect.arrayContaining([Number(member.projects), Number(other.projects)]));
  });

  it('hides farmers’ personal data from viewers, and only from them', async () => {
    const seen = (await clients.viewer.get(`/api/projects/${member.projects}/farmers`)).body;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ name: `#${member.farmers}`, phone: null, household: null, notes: null, gender: 'female' });
    expect((await clients.viewer.get(`/api/farmers/${member.farmers}`)).body.name).toBe(`#${member.farmers}`);
    expect((await clients.lead.get(`/api/farmers/${member.farmers}`)).body.name).toBe('A farmer');
    const page = await clients.viewer.get(`/projects/${member.projects}/farmers`, { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('A farmer');
    const ledger = await clients.viewer.get(`/api/projects/${member.projects}/training-sessions/export?format=csv`);
    expect(ledger.status).toBe(200);
    expect(ledger.body).toContain(`#${member.farmers}`);
    expect(ledger.body).not.toContain('A farmer');
    const leadLedger = await clients.lead.get(`/api/projects/${member.projects}/training-sessions/export?format=csv`);
    expect(leadLedger.body).toContain('A farmer');
  });
});
