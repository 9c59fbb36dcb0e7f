import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';

/** Raw HTTP (fetch would decompress and hide the encoding). */
function raw(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** How pages and files travel: compressed, cached, with icons, and honest error titles. */
describe('delivery', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ demo: true });
  });
  afterAll(() => app?.close());
  const auth = () => ({ authorization: `Bearer ${app.admin.token}`, accept: 'text/html' });

  it('compresses pages with brotli or gzip when the client accepts it, and not otherwise', async () => {
    const plain = await raw(`${app.baseUrl}/trials/1`, auth());
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await raw(`${app.baseUrl}/trials/1`, { ...auth(), 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/i);
    // The grid's form carries a one-time key of its own on every render; the rest is the same page.
    const same = (html: string) => html.replace(/name="_idempotencyKey" value="[^"]*"/g, 'name="_idempotencyKey" value=""');
    expect(plain.body.toString()).toContain('name="_idempotencyKey"');
    expect(same(brotliDecompressSync(br.body).toString())).toBe(same(plain.body.toString()));
    expect(br.body.length).toBeLessThan(plain.body.length / 4);
    const gz = await raw(`${app.baseUrl}/trials/1`, { ...auth(), 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(same(gunzipSync(gz.body).toString())).toBe(same(plain.body.toString()));
  });

  it('links fingerprinted styles and scripts that are cached for a year and compressed', async () => {
    const page = (await raw(`${app.baseUrl}/`, auth())).body.toString();
    const css = /href="(\/static\/app\.[0-9a-f]{10}\.css)"/.exec(page)?.[1];
    const js = /src="(\/static\/app\.[0-9a-f]{10}\.js)"/.exec(page)?.[1];
    expect(css).toBeDefined();
    expect(js).toBeDefined();
    const res = await raw(app.baseUrl + css!, { 'accept-encoding': 'br' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/text\/css/);
    expect(brotliDecompressSync(res.body).toString()).toContain('.site-header');
    const again = await raw(app.baseUrl + css!, { 'if-none-match': String(res.headers.etag) });
    expect(again.status).toBe(304);
    const unversioned = await raw(`${app.baseUrl}/static/app.css`);
    expect(unversioned.headers['cache-control']).not.toMatch(/max-age=0\b/);
  });

  it('has a favicon and app icons, without signing in', async () => {
    const icon = await raw(`${app.baseUrl}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/x-icon');
    expect(icon.body.readUInt16LE(2)).toBe(1);
    const login = (await raw(`${app.baseUrl}/login`)).body.toString();
    const touch = /rel="apple-touch-icon" href="([^"]+)"/.exec(login)?.[1];
    expect((await raw(app.baseUrl + touch!)).headers['content-type']).toBe('image/png');
    const manifest = /rel="manifest" href="([^"]+)"/.exec(login)?.[1];
    expect(JSON.parse((await raw(app.baseUrl + manifest!)).body.toString()).icons.length).toBeGreaterThan(0);
  });

  it('titles a refused page "not allowed", not "bad request"', async () => {
    const viewer = await app.createUser({ role: 'viewer', projects: [1] });
    const res = await raw(`${app.baseUrl}/projects/1/farmers/new`, { authorization: `Bearer ${viewer.token}`, accept: 'text/html' });
    expect(res.status).toBe(403);
    const html = res.body.toString();
    expect(html).toContain('<title>没有权限');
    expect(html).not.toContain('请求有误');
  });
});
