import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, skipBrowser } from '../support/browser.js';
import { createTestDatabase, loginThroughForm, TEST_ADMIN, testDbKind, type TestDatabase } from '../support/context.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { startFlakyProxy, type FlakyProxy } from '../support/flaky-proxy.js';
import { YIELD } from '../support/factories.js';

const HEIGHT = { code: 'plant_height_cm', name: { zh: '株高', en: 'plant height' }, kind: 'number', unit: 'cm', aggregation: 'mean', minimum: 0, maximum: 500 };
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SLOW = { timeout: 150_000, intervals: [500] };

/**
 * Offline entry end to end: a real server process behind a proxy that can cut the line,
 * and Chromium with a persistent profile, so the service worker and IndexedDB outlive
 * reloads. The server is stopped and started again on the same data.
 */
describe.skipIf(skipBrowser)('offline entry in Chromium', { timeout: 300_000 }, () => {
  let server: ServerProcess;
  let env: Record<string, string>;
  let dataDir: string | undefined;
  let database: TestDatabase | undefined;
  let proxy: FlakyProxy;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  let trialId: number;
  const plots: Record<string, number> = {};

  const api = <T = any>(method: string, path: string, body?: unknown) => server.request<T>(method, path, body);
  const pending = () => page.locator('[data-pending]').getAttribute('data-pending');
  const cell = (plot: string, variable: string) => page.locator(`[data-plot-id="${plots[plot]}"][data-variable="${variable}"]:not([data-reading])`);
  const valuesOf = async (variable: string) => {
    const rows = (await api<{ plot: string; variable: string; value: unknown; id: number; version: number }[]>('GET', `/api/trials/${trialId}/observations?limit=1000`)).body;
    return rows.filter((r) => r.variable === variable);
  };

  async function startServer() {
    server = await startServerProcess(env, { startTimeoutMs: 90_000 });
    proxy.upstream = server.base;
  }

  beforeAll(async () => {
    if (testDbKind() === 'postgresql') {
      database = await createTestDatabase();
      env = { DATABASE_URL: database.url! };
    } else {
      dataDir = await mkdtemp(join(tmpdir(), 'demoplot-offline-'));
      env = { DEMOPLOT_DATA_DIR: dataDir };
    }
    proxy = await startFlakyProxy();
    await startServer();
    for (const v of [YIELD, HEIGHT]) await api('POST', '/api/variables', v);
    const project = (await api('POST', '/api/projects', { name: '离线项目', code: `OFF${Date.now() % 100000}` })).body;
    const site = (await api('POST', `/api/projects/${project.id}/sites`, { name: '塔城温室', kind: 'greenhouse' })).body;
    const trial = await api('POST', `/api/projects/${project.id}/trials`, {
      name: '秸秆降解示范',
      crop: 'tomato',
      design: 'crd',
      arms: [
        { name: 'T', role: 'treatment' },
        { name: 'C', role: 'control' },
      ],
      variables: [YIELD.code, HEIGHT.code],
    });
    expect(trial.status).toBe(201);
    trialId = trial.body.id;
    for (const [label, arm] of [['P1', 'T'], ['P2', 'C'], ['P3', 'T']]) {
      plots[label] = (await api('POST', `/api/trials/${trialId}/plots`, { siteId: site.id, label, arm })).body.id;
    }
    profile = await mkdtemp(join(tmpdir(), 'demoplot-profile-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const session = await loginThroughForm(server.base, TEST_ADMIN.email, TEST_ADMIN.password);
    await context.addCookies([{ name: 'demoplot_session', value: session, url: proxy.baseUrl }]);
    page = context.pages()[0] ?? (await context.newPage());
  }, 240_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await server?.stop();
    await proxy?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('opens the trial page without the server, queues values, keeps them over a reload and sends each once when the server is back', async () => {
    await page.goto(`${proxy.baseUrl}/trials/${trialId}`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    // The second visit goes through the worker, which keeps the page.
    await page.reload();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), SLOW).toBe(true);
    await expect.poll(() => page.evaluate(async () => !!(await caches.match(location.pathname))), SLOW).toBe(true);
    await expect.poll(pending, SLOW).toBe('0');

    await server.stop();
    proxy.upstream = null;
    await page.reload();
    await expect.poll(() => page.locator('h1').innerText(), SLOW).toBe('秸秆降解示范');
    await expect.poll(pending, SLOW).toBe('0');

    await cell('P1', YIELD.code).fill('5427.1');
    await cell('P2', YIELD.code).fill('4890');
    await cell('P3', HEIGHT.code).fill('81.5');
    await page.getByRole('button', { name: '保存全部' }).click();
    await expect.poll(pending, SLOW).toBe('3');
    await expect.poll(() => page.locator('[data-pending-count]').innerText(), SLOW).toBe('3 条待同步');
    await expect.poll(() => page.locator('td.is-pending').count(), SLOW).toBe(3);

    await page.reload();
    await expect.poll(pending, SLOW).toBe('3');
    await expect.poll(() => page.locator('td.is-pending [data-queue-mark]').count(), SLOW).toBe(3);
    await expect.poll(() => page.locator('td.is-pending').first().innerText(), SLOW).toContain('待同步');

    await startServer();
    await expect.poll(pending, SLOW).toBe('0');
    await expect.poll(() => page.locator('[data-last-sync]').innerText(), SLOW).toContain('上次同步');
    const yields = await valuesOf(YIELD.code);
    expect(yields.map((o) => [o.plot, Number(o.value)]).sort()).toEqual([['P1', 5427.1], ['P2', 4890]]);
    expect((await valuesOf(HEIGHT.code)).map((o) => [o.plot, Number(o.value)])).toEqual([['P3', 81.5]]);
  });

  it('stores a value once when the answer is lost after the server stored it', async () => {
    proxy.down = true;
    await page.reload();
    await cell('P2', HEIGHT.code).fill('77');
    await page.getByRole('button', { name: '保存全部' }).click();
    await expect.poll(pending, SLOW).toBe('1');
    const posts = () => proxy.seen.filter((s) => s === `POST /api/trials/${trialId}/observations`).length;
    const before = posts();
    proxy.loseAnswers = { match: (req) => req.method === 'POST' && req.url === `/api/trials/${trialId}/observations`, count: 1 };
    proxy.down = false;
    await expect.poll(pending, SLOW).toBe('0');
    expect(proxy.loseAnswers.count).toBe(0);
    expect(posts() - before).toBeGreaterThanOrEqual(2);
    expect((await valuesOf(HEIGHT.code)).filter((o) => o.plot === 'P2').map((o) => Number(o.value))).toEqual([77]);
  });

  it('shows both values of a cell changed meanwhile, and keeps mine or theirs as chosen', async () => {
    proxy.down = true;
    await page.reload();
    const day = await page.locator('input[name="observedOn"]').inputValue();
    await page.locator('input[name="observedOn"]').fill(day);
    await cell('P1', HEIGHT.code).fill('90');
    await cell('P3', YIELD.code).fill('5100');
    await cell('P1', YIELD.code).fill('99999');
    await page.getByRole('button', { name: '保存全部' }).click();
    await expect.poll(pending, SLOW).toBe('3');
    // Meanwhile someone else enters other values in two of the same cells.
    for (const [plot, variable, value] of [['P1', HEIGHT.code, 88], ['P3', YIELD.code, 5000]] as const) {
      expect((await api('POST', `/api/trials/${trialId}/observations`, { plot, variable, value, observedOn: day })).status).toBe(201);
    }
    proxy.down = false;
    await expect.poll(() => page.locator('td.is-conflict').count(), SLOW).toBe(2);
    const p1 = page.locator('td.is-conflict', { has: cell('P1', HEIGHT.code) });
    await expect.poll(() => p1.locator('.mine').innerText(), SLOW).toBe('90');
    await expect.poll(() => p1.locator('.theirs').innerText(), SLOW).toBe('88');
    // The value out of range is refused with the server's message and stays marked.
    const refused = page.locator('td.is-refused', { has: cell('P1', YIELD.code) });
    await expect.poll(() => refused.innerText(), SLOW).toContain('30000');
    expect(await pending()).toBe('3');

    await p1.getByRole('button', { name: '保留我的' }).click();
    await page.locator('td.is-conflict', { has: cell('P3', YIELD.code) }).getByRole('button', { name: '保留服务器的' }).click();
    await refused.getByRole('button', { name: '删除这条' }).click();
    await expect.poll(pending, SLOW).toBe('0');
    expect((await valuesOf(HEIGHT.code)).filter((o) => o.plot === 'P1').map((o) => Number(o.value))).toEqual([90]);
    const p3 = (await valuesOf(YIELD.code)).filter((o) => o.plot === 'P3');
    expect(p3.map((o) => Number(o.value))).toEqual([5000]);
    expect((await valuesOf(YIELD.code)).filter((o) => o.plot === 'P1').map((o) => Number(o.value))).toEqual([5427.1]);
  });

  it('queues a photo taken offline and uploads it, scaled down, when the server is back', async () => {
    proxy.down = true;
    await page.reload();
    const jpeg = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: { r: 90, g: 140, b: 60 } } }).jpeg().toBuffer();
    await page.locator(`input[data-photo-plot="${plots.P2}"]`).setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: jpeg });
    await expect.poll(pending, SLOW).toBe('1');
    await expect.poll(() => page.locator(`#plot-${plots.P2} [data-queue-mark="photo"]`).innerText(), SLOW).toBe('照片待上传');
    proxy.down = false;
    await expect.poll(pending, SLOW).toBe('0');
    const photos = (await api<{ width: number; height: number; url: string }[]>('GET', `/api/plots/${plots.P2}/photos`)).body;
    expect(photos).toHaveLength(1);
    expect([photos[0].width, photos[0].height]).toEqual([2048, 1365]);
    await page.reload();
    await expect.poll(() => page.locator(`#plot-${plots.P2} .photo-strip img`).count(), SLOW).toBe(1);
  });

  it('keeps the queue when the session has lapsed and sends it after signing in again', async () => {
    proxy.down = true;
    await page.reload();
    // The day before, so it is a second observation of the cell rather than a conflict.
    const day = await page.locator('input[name="observedOn"]').inputValue();
    await page.locator('input[name="observedOn"]').fill(new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10));
    await cell('P3', HEIGHT.code).fill('64');
    await page.getByRole('button', { name: '保存全部' }).click();
    await expect.poll(pending, SLOW).toBe('1');
    const cookies = await context.cookies(proxy.baseUrl);
    await context.clearCookies();
    proxy.down = false;
    await page.locator('[data-sync-now]').click();
    await expect.poll(() => page.locator('[data-sync-note]').innerText(), SLOW).toContain('登录已过期');
    expect(await page.locator('[data-sync-note] a').getAttribute('href')).toBe(`/login?next=${encodeURIComponent(`/trials/${trialId}`)}`);
    expect(await pending()).toBe('1');
    expect((await valuesOf(HEIGHT.code)).filter((o) => o.plot === 'P3').map((o) => Number(o.value))).toEqual([81.5]);
    await context.addCookies(cookies.map((c) => ({ name: c.name, value: c.value, url: proxy.baseUrl })));
    await page.reload();
    await expect.poll(pending, SLOW).toBe('0');
    expect((await valuesOf(HEIGHT.code)).filter((o) => o.plot === 'P3').map((o) => Number(o.value)).sort()).toEqual([64, 81.5]);
  });

  it('forgets the kept trial pages on sign-out but keeps values still waiting to be sent', async () => {
    proxy.down = false;
    await page.goto(`${proxy.baseUrl}/trials/${trialId}`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.reload();
    await expect.poll(() => page.evaluate(async () => !!(await caches.match(location.pathname))), SLOW).toBe(true);
    proxy.down = true;
    await page.reload();
    // Two days back: a new observation of the cell, not a conflict with today's.
    const day = await page.locator('input[name="observedOn"]').inputValue();
    await page.locator('input[name="observedOn"]').fill(new Date(Date.parse(`${day}T00:00:00Z`) - 2 * 86_400_000).toISOString().slice(0, 10));
    await cell('P1', HEIGHT.code).fill('70');
    await page.getByRole('button', { name: '保存全部' }).click();
    await expect.poll(pending, SLOW).toBe('1');
    proxy.down = false;
    // Sign out before the queue is sent: the form is the header's, as a user presses it.
    await page.evaluate(() => (document.querySelector('form.sign-out') as HTMLFormElement).requestSubmit());
    await page.waitForURL(/\/login$/);
    const path = `/trials/${trialId}`;
    expect(await page.evaluate(async (p) => !!(await caches.match(p)), path)).toBe(false);
    // Offline, the trial page is no longer there to open.
    proxy.down = true;
    expect(await page.goto(`${proxy.baseUrl}${path}`).then((r) => r?.status() ?? 0, () => 0)).not.toBe(200);
    proxy.down = false;
    const session = await loginThroughForm(server.base, TEST_ADMIN.email, TEST_ADMIN.password);
    await context.addCookies([{ name: 'demoplot_session', value: session, url: proxy.baseUrl }]);
    // The first request may still meet a connection the proxy cut while down.
    await expect.poll(() => page.goto(`${proxy.baseUrl}${path}`).then((r) => r?.status() ?? 0, () => 0), SLOW).toBe(200);
    await expect.poll(pending, SLOW).toBe('0');
    expect((await valuesOf(HEIGHT.code)).filter((o) => o.plot === 'P1' && Number(o.value) === 70)).toHaveLength(1);
  });
});
