import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { startTestApp, type TestApp } from '../support/context.js';

describe('password rules, token revocation and caching', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('refuses short, common, repeated and own-email passwords, naming the field, in both languages', async () => {
    const cases: [string, RegExp][] = [
      ['password', /at least 10 characters/],
      ['password12', /too common/],
      ['          ', /one character repeated/],
      ['aaaaaaaaaaaa', /one character repeated/],
      ['qwertyuiop', /too common/],
      ['someone.new@example.org', /email/],
    ];
    for (const [password, message] of cases) {
      const res = await app.post('/api/users', { email: 'someone.new@example.org', name: 'N', password, role: 'viewer' }, { 'accept-language': 'en' });
      expect(res.status, password).toBe(400);
      const issue = res.body.error.issues.find((i: { path: string }) => i.path === 'password');
      expect(issue.message, password).toMatch(message);
      if (password.trim().length >= 10) expect(JSON.stringify(res.body)).not.toContain(password);
    }
    const zh = await app.post('/api/users', { email: 'someone.new@example.org', name: 'N', password: 'x'.repeat(501), role: 'viewer' });
    expect(zh.body.error.issues[0].message).toMatch(/过长/);
    expect((await app.get('/api/users')).body.map((u: { email: string }) => u.email)).not.toContain('someone.new@example.org');
  });

  it('says "too long", not "must be text", for text over its limit', async () => {
    const res = await app.post('/api/projects', { name: '名'.repeat(5000), code: 'LONG1' }, { 'accept-language': 'en' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path: 'name' });
    expect(res.body.error.issues[0].message).toMatch(/too long/);
  });

  it('revokes the API tokens of an account whose password is changed, and says so', async () => {
    const user = await app.createUser({ role: 'agronomist' });
    const client = await app.as(user);
    expect((await client.get('/api/me')).status).toBe(200);
    const res = await app.patch(`/api/users/${user.id}`, { password: 'a fresh passphrase 2026' });
    expect(res.status).toBe(200);
    expect(res.body.revokedTokens).toBe(1);
    expect((await client.get('/api/me')).status).toBe(401);
    expect((await app.anonymous.post('/api/tokens', { email: user.email, password: 'a fresh passphrase 2026' })).status).toBe(201);
  });

  it('marks signed-in pages and JSON private, no-store, and leaves static files cacheable', async () => {
    const json = await app.get('/api/projects');
    expect(json.headers.get('cache-control')).toBe('private, no-store');
    const page = await fetch(`${app.baseUrl}/`, { headers: { authorization: `Bearer ${app.admin.token}`, accept: 'text/html' } });
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    const css = await fetch(`${app.baseUrl}/static/app.css`);
    expect(css.headers.get('cache-control')).not.toMatch(/no-store/);
  });

  it('stops the start with a clear message when DEMOPLOT_ADMIN_PASSWORD breaks the rules, without echoing it', () => {
    expect(() => loadConfig({ DEMOPLOT_ADMIN_EMAIL: 'a@b.example', DEMOPLOT_ADMIN_PASSWORD: 'password12' })).toThrow(/DEMOPLOT_ADMIN_PASSWORD: this password is too common/);
    expect(() => loadConfig({ DEMOPLOT_ADMIN_EMAIL: 'a@b.example', DEMOPLOT_ADMIN_PASSWORD: 'short' })).toThrow(/at least 10 characters/);
    try {
      loadConfig({ DEMOPLOT_ADMIN_EMAIL: 'a@b.example', DEMOPLOT_ADMIN_PASSWORD: 'password12' });
    } catch (err) {
      expect((err as Error).message).not.toContain('password12');
    }
  });

  it('creates no demonstration accounts in production unless DEMOPLOT_DEMO_ACCOUNTS=1', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).demoAccounts).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', DEMOPLOT_DEMO_ACCOUNTS: '1' }).demoAccounts).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).demoAccounts).toBe(true);
  });
});
