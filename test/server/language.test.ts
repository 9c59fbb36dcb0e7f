import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';

describe('the language of pages and API messages', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());

  it('serves pages in Chinese by default, even to a browser that prefers English', async () => {
    const res = await fetch(`${app.baseUrl}/`, { headers: { accept: 'text/html', 'accept-language': 'en-US,en;q=0.9' }, redirect: 'manual' });
    const location = res.headers.get('location');
    const page = location ? await fetch(new URL(location, app.baseUrl), { headers: { 'accept-language': 'en-US' } }) : res;
    const html = await page.text();
    expect(html).toContain('lang="zh-CN"');
  });

  it('answers API errors in the language of Accept-Language', async () => {
    const en = await app.get('/api/projects/999999', { 'accept-language': 'en-US,en;q=0.9' });
    expect(en.body.error.message).toBe('Project 999999 not found');
    const zh = await app.get('/api/projects/999999', { 'accept-language': 'zh-CN' });
    expect(zh.body.error.message).toBe('未找到项目 999999');
  });
});
