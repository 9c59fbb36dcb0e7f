import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../../server/accounts/login-limits.js';
import { startTestApp, type TestApp } from '../support/context.js';

/** A client behind the proxy: the test server trusts X-Forwarded-For from loopback. */
const from = (address: string) => ({ 'x-forwarded-for': address });

describe('sign-in throttling', () => {
  let app: TestApp;
  const signIn = (email: string, password: string, address: string) => app.anonymous.post('/api/tokens', { email, password }, from(address));

  beforeAll(async () => {
    app = await startTestApp({ env: { DEMOPLOT_TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => app?.close());

  it('checks at most the limit of 30 parallel wrong guesses from one address', async () => {
    const user = await app.createUser({ role: 'viewer' });
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => signIn(user.email, `wrong-guess-${i}`, '198.51.100.7')));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(LOGIN_LIMITS.perEmail);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - LOGIN_LIMITS.perEmail);
    expect(Number(answers.find((a) => a.status === 429)!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('lets the owner sign in from elsewhere within a bounded delay while others guess their password', async () => {
    const user = await app.createUser({ role: 'agronomist' });
    // Guessers on four addresses use up their limit on this account.
    const guesses = [];
    for (const a of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4']) {
      for (let i = 0; i < LOGIN_LIMITS.perEmail + 2; i++) guesses.push(signIn(user.email, `guess-${a}-${i}`, a));
    }
    const statuses = (await Promise.all(guesses)).map((g) => g.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(4 * LOGIN_LIMITS.perEmail);
    const started = Date.now();
    const owner = await signIn(user.email, user.password, '192.0.2.10');
    expect(owner.status).toBe(201);
    expect(Date.now() - started).toBeLessThan(LOGIN_LIMITS.maxDelayMs + 10_000);
    // The guessers stay refused on their addresses.
    expect((await signIn(user.email, user.password, '203.0.113.1')).status).toBe(429);
  }, 60_000);

  it('counts the limit per real client behind a shared proxy, not per proxy', async () => {
    const victim = await app.createUser({ role: 'viewer' });
    const attempts = [];
    for (let i = 0; i < LOGIN_LIMITS.perAddress + 5; i++) attempts.push(signIn(`nobody${i}@example.org`, 'not-the-password', '198.51.100.66'));
    const statuses = (await Promise.all(attempts)).map((a) => a.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(5);
    expect((await signIn('nobody-else@example.org', 'x', '198.51.100.66')).status).toBe(429);
    // Everyone else behind the same balancer (same socket address, 127.0.0.1) signs in.
    expect((await signIn(victim.email, victim.password, '198.51.100.67')).status).toBe(201);
  }, 60_000);
});

describe('sign-in throttling without a trusted proxy', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { DEMOPLOT_TRUST_PROXY: 'false' } });
  });
  afterAll(() => app?.close());

  it('ignores X-Forwarded-For, so a client cannot pick a fresh address per guess', async () => {
    const user = await app.createUser({ role: 'viewer' });
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_LIMITS.perEmail + 1; i++) {
      statuses.push((await app.anonymous.post('/api/tokens', { email: user.email, password: `wrong-${i}` }, from(`10.9.8.${i}`))).status);
    }
    expect(statuses.at(-1)).toBe(429);
  }, 60_000);
});
