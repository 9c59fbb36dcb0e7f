import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';

/** The farmer register and the sessions of the training ledger: paged, filtered, sorted. */
describe('long lists', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ demo: true });
  });
  afterAll(() => app?.close());
  const page = async (path: string) => {
    const res = await fetch(app.baseUrl + path, { headers: { accept: 'text/html', authorization: `Bearer ${app.admin.token}` } });
    expect(res.status, path).toBe(200);
    return parseHTML(await res.text()).document;
  };
  const rows = (doc: Document, table: string) => [...doc.querySelectorAll(`${table} tbody tr`)];

  it('pages the register 50 at a time, sorted by village then household, with each farmer’s number', async () => {
    const all = (await app.get('/api/projects/2/farmers')).body as { id: number; village: string; household: string }[];
    expect(all.length).toBeGreaterThan(50);
    const first = await page('/projects/2/farmers');
    const list = rows(first, 'table.data');
    expect(list).toHaveLength(50);
    expect(first.querySelector('.pager-status')!.textContent).toContain(String(all.length));
    const villages = list.map((tr) => tr.querySelector('[data-label="村"]')!.textContent!);
    expect(villages).toEqual([...villages].sort((a, b) => a.localeCompare(b, 'zh')));
    expect(list[0].querySelector('td')!.textContent).toMatch(/^#\d+$/);
    const second = await page('/projects/2/farmers?page=2');
    expect(rows(second, 'table.data').length).toBe(Math.min(50, all.length - 50));
    expect(second.querySelector('a[rel=prev]')!.getAttribute('href')).toBe('/projects/2/farmers');
  });

  it('filters the register by village and by text (a name or #number)', async () => {
    const all = (await app.get('/api/projects/2/farmers')).body as { id: number; name: string; village: string }[];
    const village = all[0].village;
    const doc = await page(`/projects/2/farmers?village=${encodeURIComponent(village)}`);
    const list = rows(doc, 'table.data');
    expect(list.length).toBe(all.filter((f) => f.village === village).length);
    for (const tr of list) expect(tr.querySelector('[data-label="村"]')!.textContent).toBe(village);
    const one = await page(`/projects/2/farmers?q=%23${all[5].id}`);
    expect(rows(one, 'table.data').map((tr) => tr.querySelector('th')!.textContent)).toContain(all[5].name);
  });

  it('filters the sessions by kind and month and sorts them by attendance', async () => {
    const sessions = (await app.get('/api/projects/2/training-sessions')).body as { kind: string; heldOn: string; attendance: number }[];
    const kind = sessions[0].kind;
    const byKind = await page(`/projects/2/training?kind=${kind}`);
    expect(rows(byKind, '#sessions table').length).toBe(Math.min(50, sessions.filter((s) => s.kind === kind).length));
    const month = sessions[0].heldOn.slice(0, 7);
    const byMonth = await page(`/projects/2/training?month=${month}`);
    for (const tr of rows(byMonth, '#sessions table')) expect(tr.querySelector('th')!.textContent!.startsWith(month)).toBe(true);
    const sorted = await page('/projects/2/training?sort=attendance');
    const counts = rows(sorted, '#sessions table').map((tr) => Number(tr.querySelector('[data-label="参加人数"]')!.textContent));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(counts[0]).toBe(Math.max(...sessions.map((s) => s.attendance)));
  });
});

describe('report tables in the reader’s words', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ demo: true });
  });
  afterAll(() => app?.close());

  it('lists categories in the variable’s order and writes a difference of percentages in percentage points', async () => {
    const zh = parseHTML(await (await fetch(`${app.baseUrl}/trials/1/report`, { headers: { accept: 'text/html', authorization: `Bearer ${app.admin.token}` } })).text()).document;
    const levels = [...zh.querySelectorAll('table.categories thead th.num')].map((th) => th.textContent).filter((x) => x !== 'n');
    expect(levels).toEqual(['旺', '中', '弱']);
    const res = await fetch(`${app.baseUrl}/trials/2/report`, { headers: { accept: 'text/html', authorization: `Bearer ${app.admin.token}`, cookie: 'lang=en' } });
    const en = parseHTML(await res.text()).document;
    const contamination = [...en.querySelectorAll('section.comparison')].find((s) => s.querySelector('h2')!.textContent!.includes('%'))!;
    const delta = contamination.querySelector('tfoot td[data-label="Difference"], tbody td[data-label="Difference"]')!.textContent!;
    expect(delta).toContain('percentage points');
    expect(delta).not.toMatch(/\d %/);
  });
});
