import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, loginThroughForm, TEST_ADMIN, testDbKind, type TestDatabase } from '../support/context.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/**
 * Sessions, tokens and failed-login counts live in the database, so any process behind a
 * load balancer accepts a sign-in made on another, and a sign-out or a lockout on one holds
 * on all.
 */
describe.skipIf(testDbKind() === 'pglite')('sign-in shared by two server processes on one PostgreSQL', () => {
  // (skipped on PGlite: it is a single-process database, so there is no second process)
  let database: TestDatabase | undefined;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it('accepts on one process the session, token and sign-out made on the other', async () => {
    database = await createTestDatabase();
    await database.handle.close();
    const env = { DATABASE_URL: database.url! };
    const [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    servers.push(a, b);

    const cookie = await loginThroughForm(a.base, TEST_ADMIN.email, TEST_ADMIN.password);
    const me = await fetch(`${b.base}/api/me`, { headers: { cookie: `demoplot_session=${cookie}` } });
    expect(me.status).toBe(200);
    const { csrfToken, email } = await me.json();
    expect(email).toBe(TEST_ADMIN.email);

    // A change through B with the session and CSRF token from A's sign-in.
    const created = await fetch(`${b.base}/api/projects`, {
      method: 'POST',
      headers: { cookie: `demoplot_session=${cookie}`, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '两进程会话', code: 'SESS1' }),
    });
    expect(created.status).toBe(201);

    // A's token works on B.
    expect((await b.request('GET', '/api/me')).status).toBe(200);
    expect((await fetch(`${b.base}/api/me`, { headers: { authorization: `Bearer ${a.token}` } })).status).toBe(200);

    // Signing out on B ends the session on A too.
    const out = await fetch(`${b.base}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: `demoplot_session=${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrfToken }),
    });
    expect(out.status).toBe(303);
    expect((await fetch(`${a.base}/api/me`, { headers: { cookie: `demoplot_session=${cookie}` } })).status).toBe(401);
  }, 120_000);
});
