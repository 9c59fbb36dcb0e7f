import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { cookieFrom, loginThroughForm, startTestApp, type TestApp } from '../support/context.js';
import { makeProject } from '../support/factories.js';
import { LOGIN_LIMITS } from '../../server/accounts/login-limits.js';

describe('accounts, sessions and API tokens', () => {
  let app: TestApp;
  let projectId: number;

  beforeAll(async () => {
    app = await startTestApp();
    projectId = (await makeProject(app)).project.id;
  });
  afterAll(() => app?.close());

  it('creates the first admin from DEMOPLOT_ADMIN_EMAIL and DEMOPLOT_ADMIN_PASSWORD, with an argon2id hash', async () => {
    const { rows } = await sql<{ role: string; passwordHash: string }>`select role, password_hash from users where email = ${app.admin.email}`.execute(app.db);
    expect(rows[0].role).toBe('admin');
    expect(rows[0].passwordHash).toMatch(/^\$argon2id\$/);
    expect(rows[0].passwordHash).not.toContain(app.admin.password);
  });

  it('manages accounts and memberships through /api/users, admins only', async () => {
    const created = await app.post('/api/users', { email: 'Agro@Example.org', name: '农技员', password: 'long enough', role: 'agronomist', projects: [projectId] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'agro@example.org', role: 'agronomist', projects: [projectId], active: true });
    expect(created.body).not.toHaveProperty('passwordHash');
    const dup = await app.post('/api/users', { email: 'agro@example.org', name: 'x', password: 'long enough', role: 'viewer' });
    expect(dup.status).toBe(400);
    const bad = await app.post('/api/users', { email: 'not-an-email', name: 'x', password: 'short', role: 'boss', projects: [999999] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['email', 'password', 'role']);
    const unknownProject = await app.post('/api/users', { email: 'p@example.org', name: 'x', password: 'long enough', role: 'viewer', projects: [999999] });
    expect(unknownProject.body.error.issues[0].path).toBe('projects.0');

    const patched = await app.patch(`/api/users/${created.body.id}`, { role: 'lead', projects: [], version: created.body.version });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ role: 'lead', projects: [] });
    const stale = await app.patch(`/api/users/${created.body.id}`, { name: 'late', version: created.body.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.current.role).toBe('lead');
    expect((await app.get('/api/users')).body.map((u: { email: string }) => u.email)).toContain('agro@example.org');
  });

  it('does not let the last admin lose the role', async () => {
    const res = await app.patch(`/api/users/${app.admin.id}`, { role: 'viewer' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('LastAdmin');
  });

  it('issues, lists and revokes API tokens, storing only their hash', async () => {
    const user = await app.createUser({ role: 'viewer', projects: [projectId] });
    const second = await app.anonymous.post('/api/tokens', { email: user.email, password: user.password, name: 'laptop' });
    expect(second.status).toBe(201);
    expect(second.body.token).toMatch(/^dp_/);
    const { rows } = await sql<{ tokenHash: string }>`select token_hash from api_tokens where id = ${second.body.id}`.execute(app.db);
    expect(rows[0].tokenHash).not.toContain(second.body.token);
    const asUser = { authorization: `Bearer ${second.body.token}` };
    const list = await app.anonymous.get('/api/tokens', asUser);
    expect(list.body.map((t: { name: string }) => t.name)).toEqual(['test', 'laptop']);
    expect(JSON.stringify(list.body)).not.toContain(second.body.token);
    expect((await app.anonymous.del(`/api/tokens/${second.body.id}`, asUser)).status).toBe(204);
    const after = await app.anonymous.get('/api/me', asUser);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('InvalidToken');
    // Another account's token is not found, not revoked.
    const adminToken = (await sql<{ id: number }>`select min(id) as id from api_tokens where user_id = ${app.admin.id}`.execute(app.db)).rows[0].id;
    const others = await app.anonymous.del(`/api/tokens/${adminToken}`, { authorization: `Bearer ${user.token}` });
    expect(others.status).toBe(404);
  });

  it('refuses wrong credentials alike for unknown emails and wrong passwords', async () => {
    const unknown = await app.anonymous.post('/api/tokens', { email: 'nobody@example.org', password: 'whatever1' });
    const wrong = await app.anonymous.post('/api/tokens', { email: app.admin.email, password: 'wrong password' });
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  it('rate-limits failed logins per email, in the database, and tells when to retry', async () => {
    const user = await app.createUser({ role: 'viewer' });
    for (let i = 0; i < LOGIN_LIMITS.perEmail; i++) {
      expect((await app.anonymous.post('/api/tokens', { email: user.email, password: `wrong-${i}` })).status).toBe(401);
    }
    const limited = await app.anonymous.post('/api/tokens', { email: user.email, password: user.password });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const { rows } = await sql<{ failures: number }>`select failures from login_failures where key = ${`email:${user.email}`}`.execute(app.db);
    expect(rows[0].failures).toBe(LOGIN_LIMITS.perEmail);
    // Another account from the same address still signs in.
    expect((await app.anonymous.post('/api/tokens', { email: app.admin.email, password: app.admin.password })).status).toBe(201);
  });

  it('deactivating an account ends its sessions and tokens at once', async () => {
    const user = await app.createUser({ role: 'agronomist', projects: [projectId] });
    const web = await app.login(user.email, user.password);
    expect((await web.get('/api/me')).status).toBe(200);
    expect((await app.patch(`/api/users/${user.id}`, { active: false })).status).toBe(200);
    expect((await web.get('/api/me')).status).toBe(401);
    expect((await (await app.as(user)).get('/api/me')).status).toBe(401);
    expect((await app.anonymous.post('/api/tokens', { email: user.email, password: user.password })).status).toBe(401);
  });
});

describe('web sessions', () => {
  let app: TestApp;
  let projectId: number;

  beforeAll(async () => {
    app = await startTestApp();
    projectId = (await makeProject(app)).project.id;
  });
  afterAll(() => app?.close());

  it('redirects pages to the login form and answers the API with 401', async () => {
    const page = await fetch(`${app.baseUrl}/projects/${projectId}`, { redirect: 'manual', headers: { accept: 'text/html' } });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/projects/${projectId}`)}`);
    const api = await app.anonymous.get(`/api/projects/${projectId}`);
    expect(api.status).toBe(401);
    expect(api.body.error.code).toBe('Unauthenticated');
    expect((await app.anonymous.get('/api/health')).status).toBe(200);
  });

  it('signs in with a session stored in the database, in an HttpOnly SameSite=Lax cookie', async () => {
    const form = await fetch(`${app.baseUrl}/login`, { redirect: 'manual' });
    const pre = cookieFrom(form.headers, 'demoplot_csrf')!;
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const res = await fetch(`${app.baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `demoplot_csrf=${pre}` },
      body: new URLSearchParams({ email: app.admin.email, password: app.admin.password, _csrf: token, next: `/projects/${projectId}` }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/projects/${projectId}`);
    const line = res.headers.getSetCookie().find((c) => c.startsWith('demoplot_session='))!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/SameSite=Lax/);
    expect(line).not.toMatch(/Secure/); // plain http in tests; production sets Secure
    const value = cookieFrom(res.headers, 'demoplot_session')!;
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from sessions where token_hash = encode(sha256(convert_to(${value}, 'UTF8')), 'hex')`.execute(app.db);
    expect(rows[0].n).toBe(1);
  });

  it('marks the session cookie Secure in production', async () => {
    const prod = await startTestApp({ env: { NODE_ENV: 'production' } });
    try {
      const form = await fetch(`${prod.baseUrl}/login`, { redirect: 'manual' });
      expect(form.headers.getSetCookie().join()).toMatch(/Secure/);
      expect(form.headers.get('strict-transport-security')).toBeTruthy();
    } finally {
      await prod.close();
    }
  });

  it('never sends a login to another site', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const cookie = await loginThroughForm(app.baseUrl, app.admin.email, app.admin.password);
      expect(cookie).toBeTruthy();
      const form = await fetch(`${app.baseUrl}/login?next=${encodeURIComponent(next)}`, { redirect: 'manual', headers: { cookie: `demoplot_session=${cookie}` } });
      expect(form.headers.get('location')).toBe('/');
    }
  });

  it('shows the form again with a message after a wrong password', async () => {
    const form = await fetch(`${app.baseUrl}/login`, { redirect: 'manual' });
    const pre = cookieFrom(form.headers, 'demoplot_csrf')!;
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const res = await fetch(`${app.baseUrl}/login?lang=en`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `demoplot_csrf=${pre}` },
      body: new URLSearchParams({ email: app.admin.email, password: 'nope', _csrf: token }),
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('Wrong email or password');
  });

  it('refuses a form posted without the CSRF token, or with a wrong one, and writes nothing', async () => {
    const web = await app.login(app.admin.email, app.admin.password);
    const cookie = `demoplot_session=${web.cookie}`;
    const count = async () => (await sql<{ n: number }>`select count(*)::int as n from sites`.execute(app.db)).rows[0].n;
    const before = await count();
    for (const extra of [{}, { _csrf: 'forged' }] as Record<string, string>[]) {
      const res = await fetch(`${app.baseUrl}/projects/${projectId}/sites/new`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html' },
        body: new URLSearchParams({ name: 'forged site', kind: 'field', ...extra }),
      });
      expect(res.status).toBe(403);
    }
    const json = await fetch(`${app.baseUrl}/api/projects/${projectId}/sites`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ name: 'forged via fetch' }),
    });
    expect(json.status).toBe(403);
    expect((await json.json()).error.code).toBe('CsrfTokenInvalid');
    expect(await count()).toBe(before);

    const ok = await fetch(`${app.baseUrl}/projects/${projectId}/sites/new`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, accept: 'text/html' },
      body: new URLSearchParams({ name: 'real site', kind: 'field', _csrf: web.csrfToken }),
    });
    expect(ok.status).toBe(303);
    expect((await web.post(`/api/projects/${projectId}/sites`, { name: 'via fetch with the header' })).status).toBe(201);
    expect(await count()).toBe(before + 2);
  });

  it('refuses the login form without its pre-session token', async () => {
    const res = await fetch(`${app.baseUrl}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: app.admin.email, password: app.admin.password }),
    });
    expect(res.status).toBe(403);
  });

  it('signs out: the session is deleted and the cookie no longer works', async () => {
    const web = await app.login(app.admin.email, app.admin.password);
    const res = await fetch(`${app.baseUrl}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `demoplot_session=${web.cookie}` },
      body: new URLSearchParams({ _csrf: web.csrfToken }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    expect((await web.get('/api/me')).status).toBe(401);
  });
});
