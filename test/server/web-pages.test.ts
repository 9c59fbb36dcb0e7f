import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGS, catalogueText, isMessageKey } from '../../server/i18n/i18n.js';
import { DESIGNS, ROLES } from '../../server/trials/trials.schemas.js';
import { SITE_KINDS } from '../../server/sites/sites.schemas.js';
import { AGGREGATIONS, VARIABLE_KINDS } from '../../server/variables/variables.schemas.js';
import { TRAINING_KINDS } from '../../server/training/training.schemas.js';
import { startTestApp, type TestApp } from '../support/context.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ demo: true });
});
afterAll(async () => {
  await app?.close();
});

interface Page {
  status: number;
  location: string | null;
  html: string;
  doc: Document;
  text: string;
}

async function page(path: string, opts: { lang?: 'zh' | 'en' | 'ug'; form?: Record<string, string> } = {}): Promise<Page> {
  const res = await fetch(app.baseUrl + path, {
    method: opts.form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: {
      accept: 'text/html',
      'accept-language': 'zh-CN',
      authorization: `Bearer ${app.admin.token}`,
      ...(opts.lang ? { cookie: `lang=${opts.lang}` } : {}),
      ...(opts.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: opts.form ? new URLSearchParams(opts.form).toString() : undefined,
  });
  const html = await res.text();
  const { document } = parseHTML(html);
  return { status: res.status, location: res.headers.get('location'), html, doc: document, text: document.body?.textContent?.replace(/\s+/g, ' ') ?? '' };
}

const UI_PREFIXES = /\b(?:nav|form|home|project|site|trial|arm|variable|plot|entry|obs|report|training|session|farmer|design|role|siteKind|variableKind|aggregation|trainingKind|gender|layout|map|labels|programme|category|status|outputKind)\.[a-z][A-Za-z]+\b/;

const PAGES = [
  '/',
  '/projects/1',
  '/projects/1/edit',
  '/projects/new',
  '/projects/1/sites/new',
  '/sites/1/edit',
  '/projects/1/trials/new',
  '/trials/1',
  '/trials/1/edit',
  '/trials/1/plots/new',
  '/trials/1/layouts/new',
  '/trials/1/map',
  '/trials/1/labels',
  '/plots/1/edit',
  '/observations/1/edit',
  '/variables/new',
  '/trials/1/report',
  '/trials/2/report',
  '/projects/2/training',
  '/projects/2/training-sessions/new',
  '/training-sessions/1/edit',
  '/projects/2/farmers',
  '/projects/2/farmers/new',
  '/farmers/1/edit',
  '/programmes',
  '/programmes/1',
  '/programmes/1/summary',
  '/rectifications/2/close',
];

describe('pages', () => {
  it('render in Chinese and in English with no message key left untranslated', async () => {
    for (const path of PAGES) {
      for (const lang of ['zh', 'en'] as const) {
        const p = await page(path, { lang });
        expect(p.status, `${lang} ${path}`).toBe(200);
        expect(p.text, `${lang} ${path}`).not.toMatch(UI_PREFIXES);
        expect(p.doc.documentElement.getAttribute('lang')).toBe(lang === 'en' ? 'en' : 'zh-CN');
      }
    }
  });

  it('put every form inside the layout with a POST method, a same-site action and a CSRF slot', async () => {
    for (const path of PAGES) {
      const p = await page(path);
      for (const form of p.doc.querySelectorAll('form[method="post"]')) {
        expect(form.getAttribute('action'), path).toMatch(/^\//);
      }
    }
    const partial = readFileSync(new URL('../../views/partials/csrf.hbs', import.meta.url), 'utf8');
    expect(partial).toContain('_csrf');
    for (const file of walk(new URL('../../views/', import.meta.url).pathname)) {
      const source = readFileSync(file, 'utf8');
      const posts = source.match(/<form[^>]*method="post"/g)?.length ?? 0;
      const csrf = source.match(/\{\{> csrf\}\}/g)?.length ?? 0;
      expect(csrf, file).toBe(posts);
    }
  });

  it('shows the Tacheng headlines on the home page, in both languages', async () => {
    const zh = await page('/');
    expect(zh.text).toContain('开花期提前3–4天');
    expect(zh.text).toContain('产量增加10%');
    expect(zh.doc.querySelector('a[href="/trials/1/report"]')).not.toBeNull();
    const en = await page('/', { lang: 'en' });
    expect(en.text).toContain('flowering 3–4 days earlier');
    expect(en.text).toContain('yield +10%');
  });

  it('shows a household target whose trained households are unknown (no roster) instead of saying there is none', async () => {
    const summary = await app.get('/api/projects/1/training-summary');
    expect(summary.body.target.demoHouseholds).toBe(4);
    expect(summary.body.demoHouseholds).toBeNull();
    const zh = await page('/projects/1');
    expect(zh.text).not.toContain('未设定示范户目标');
    expect(zh.text).toContain('示范户目标 4 户；受训示范户数未知');
    const en = await page('/projects/1', { lang: 'en' });
    expect(en.text).not.toContain('No demonstration-household target set');
    expect(en.text).toContain('Demonstration-household target: 4; households trained unknown (no session has a roster)');
  });

  it('answers an unknown page with an error page in the layout, and the API with JSON', async () => {
    const p = await page('/no/such/page');
    expect(p.status).toBe(404);
    expect(p.doc.querySelector('header.site-header')).not.toBeNull();
    expect(p.text).toContain('找不到这个页面');
    const trial = await page('/trials/9999');
    expect(trial.status).toBe(404);
    expect(trial.text).toContain('未找到试验 9999');
    const api = await app.get('/api/no/such');
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('RouteNotFound');
  });

  it('keeps the language chosen with ?lang= for the following pages', async () => {
    const res = await fetch(`${app.baseUrl}/projects/1?lang=en`, { headers: { accept: 'text/html', 'accept-language': 'zh-CN', authorization: `Bearer ${app.admin.token}` } });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/lang=en/);
    const next = await fetch(`${app.baseUrl}/trials/1`, { headers: { accept: 'text/html', 'accept-language': 'zh-CN', cookie: cookie.split(';')[0], authorization: `Bearer ${app.admin.token}` } });
    expect(await next.text()).toContain('Enter observations');
  });
});

describe('the report page', () => {
  it('gives per variable the headline, a row per site, the overall row and a forest plot', async () => {
    const p = await page('/trials/1/report');
    const flowering = p.doc.querySelector('#c1')!;
    expect(flowering.textContent).toContain('开花期提前3–4天');
    expect(flowering.querySelectorAll('tbody tr').length).toBe(3);
    expect(flowering.querySelector('tfoot .overall')!.textContent).toContain('合计（3 个点）');
    expect(flowering.querySelectorAll('.chart-wide svg g.site-ci > path').length).toBe(1);
    expect(flowering.querySelectorAll('.chart-wide svg g.pooled-ci > path').length).toBe(1);
    expect(flowering.querySelector('.chart-wide svg')!.textContent).toContain('处理 − 对照（天）');
    expect(p.doc.querySelector('a[href="/api/trials/1/report/export?format=csv"]')).not.toBeNull();
    expect(p.doc.querySelector('a[href="/api/trials/1/report/export?format=xlsx"]')).not.toBeNull();
  });

  it('offers "enter data" only to the roles that may enter data', async () => {
    const link = 'a[href="/trials/1#entry"]';
    expect((await page('/trials/1/report')).doc.querySelector(link)).not.toBeNull();
    for (const [role, shown] of [['agronomist', true], ['lead', false], ['viewer', false]] as const) {
      const u = await app.createUser({ role, projects: [1] });
      const who = await app.login(u.email, u.password);
      const res = await fetch(`${app.baseUrl}/trials/1/report`, { headers: { accept: 'text/html', cookie: `demoplot_session=${who.cookie}` } });
      expect(res.status).toBe(200);
      const { document } = parseHTML(await res.text());
      expect(document.querySelector(link) !== null, role).toBe(shown);
    }
  });

  it('never calls a site significant when its interval crosses zero', async () => {
    const p = await page('/trials/1/report');
    const ergong = [...p.doc.querySelectorAll('#c1 tbody tr')].find((tr) => tr.textContent!.includes('塔城市二工镇'))!;
    // Ergong's flowering interval is [−6.04, +0.04]: it includes 0.
    expect(ergong.textContent).toContain('[−6.04, +0.04]');
    expect(ergong.querySelector('.sig-no')).not.toBeNull();
    expect(ergong.querySelector('.sig-yes')).toBeNull();
    const single = [...p.doc.querySelectorAll('#c1 tbody tr')].find((tr) => tr.textContent!.includes('和布克赛尔县'))!;
    expect(single.querySelector('.sig-unknown')).not.toBeNull();
  });

  it('reads dates as days earlier or later', async () => {
    expect((await page('/trials/1/report')).text).toContain('提前 3.33 天');
    expect((await page('/trials/1/report', { lang: 'en' })).text).toContain('3.33 days earlier');
  });
});

describe('the entry grid', () => {
  const count = async () => (await app.get('/api/trials/1/observations')).body.length as number;

  it('saves nothing when one cell is wrong, shows the error next to that cell and keeps what was typed', async () => {
    const before = await count();
    const p = await page('/trials/1/observations', {
      form: { observedOn: '2017-07-10', recordedBy: '李', 'v.1.3': '720', 'v.2.3': '12abc', 'v.3.4': '旺' },
    });
    expect(p.status).toBe(400);
    const bad = p.doc.querySelector('#c-2-3')!.closest('td')!;
    expect(bad.classList.contains('has-error')).toBe(true);
    expect(bad.querySelector('.field-error')!.textContent).toContain('不是有效数字');
    expect(p.doc.querySelector('#c-1-3')!.getAttribute('value')).toBe('720');
    expect(p.doc.querySelector('#c-2-3')!.getAttribute('value')).toBe('12abc');
    expect(p.doc.querySelector('#c-1-3')!.closest('td')!.querySelector('.field-error')).toBeNull();
    expect(p.doc.querySelector('#c-3-4 option[selected]')!.getAttribute('value')).toBe('旺');
    expect(p.doc.querySelector('#f-recordedBy')!.getAttribute('value')).toBe('李');
    expect(await count()).toBe(before);
  });

  it('reports a bad shared date once, on the date field', async () => {
    const p = await page('/trials/1/observations', { form: { observedOn: '2017-02-30', 'v.1.3': '1', 'v.2.3': '2' } });
    expect(p.status).toBe(400);
    expect(p.doc.querySelectorAll('#f-observedOn-error').length).toBe(1);
    expect(p.doc.querySelectorAll('.cell .field-error').length).toBe(0);
  });

  it('names an already recorded value by the variable’s name in the page’s language, without record ids', async () => {
    // Cell c-1-3 (form field v.1.3) is plot 1's value of variable 3.
    const variable = (await app.get('/api/variables/3')).body;
    expect(variable.nameEn).toBeTruthy();
    expect(variable.name).not.toBe(variable.code);
    const first = await page('/trials/1/observations', { form: { observedOn: '2017-07-12', 'v.1.3': '10' } });
    expect(first.status).toBe(303);
    for (const [lang, name, other] of [['zh', variable.name, variable.nameEn], ['en', variable.nameEn, variable.name]] as const) {
      const p = await page('/trials/1/observations', { lang, form: { observedOn: '2017-07-12', 'v.1.3': '11' } });
      expect(p.status).toBe(400);
      const message = p.doc.querySelector('#c-1-3')!.closest('td')!.querySelector('.field-error')!.textContent!;
      expect(message).toContain(name);
      if (other !== name) expect(message).not.toContain(other);
      expect(message).not.toContain(variable.code);
      expect(message).not.toMatch(/#\d/);
    }
  });

  it('gives the script a restored-values message that keeps the count as a placeholder, in every language', async () => {
    for (const lang of LANGS) {
      const grid = await page('/trials/1', { lang });
      const template = grid.doc.querySelector('form[data-entry-form]')!.getAttribute('data-restored-template')!;
      expect(template).toContain('{count}');
      // As public/entry.js fills it in.
      expect(template.replace('{count}', '3')).toMatch(/3/);
    }
  });

  it('says there is nothing to save when no cell is filled', async () => {
    const p = await page('/trials/1/observations', { form: { observedOn: '2017-07-10' } });
    expect(p.status).toBe(400);
    expect(p.text).toContain('没有要保存的记录');
  });

  it('saves every filled cell at once and redirects back to the grid', async () => {
    const before = await count();
    const p = await page('/trials/1/observations', { form: { observedOn: '2017-07-10', site: '1', 'v.1.3': '10', 'v.2.3': '20.5' } });
    expect(p.status).toBe(303);
    // The day stays for the next plot (usually the same day).
    expect(p.location).toBe('/trials/1?site=1&saved=2&observedOn=2017-07-10#entry');
    expect(await count()).toBe(before + 2);
    const grid = await page('/trials/1?site=1&saved=2&observedOn=2017-07-10');
    expect(grid.text).toContain('已保存 2 条观测');
    expect(grid.doc.querySelector<HTMLInputElement>('#f-observedOn')!.getAttribute('value')).toBe('2017-07-10');
    expect(grid.doc.querySelectorAll('tr.plot-row').length).toBe(4);
  });

  it('shows each cell’s count and latest observation, and links to every observation of the cell', async () => {
    for (const lang of ['zh', 'en'] as const) {
      const grid = await page('/trials/1', { lang });
      const cells = [...grid.doc.querySelectorAll('td.cell details.history')];
      expect(cells.length).toBeGreaterThan(0);
      expect(grid.doc.querySelectorAll('td.cell details.history li')).toHaveLength(0);
      for (const cell of cells) {
        const count = Number(/\d+/.exec(cell.querySelector('summary')!.textContent!)![0]);
        const latest = cell.querySelector('a.h-edit')!.getAttribute('href');
        const history = await page(cell.querySelector('a.h-all')!.getAttribute('href')!, { lang });
        expect(history.status).toBe(200);
        expect(history.text).not.toMatch(UI_PREFIXES);
        const items = [...history.doc.querySelectorAll('.cell-history li')];
        expect(items).toHaveLength(count);
        const edits = items.map((li) => li.querySelector('a.h-edit')!.getAttribute('href'));
        expect(edits.every((e) => /^\/observations\/\d+\/edit$/.test(e!))).toBe(true);
        expect(edits.at(-1)).toBe(latest);
        expect(cell.querySelector('summary')!.textContent).toContain(items.at(-1)!.querySelector('.h-value')!.textContent!);
      }
    }
  });

  it('corrects one observation through its form and refuses a stale version', async () => {
    const list = (await app.get('/api/trials/1/observations?plot=二工-对照1&variable=vigour')).body;
    const obs = list[0];
    const bad = await page(`/observations/${obs.id}/edit`, { form: { value: '很好', observedOn: '', version: String(obs.version) } });
    expect(bad.status).toBe(400);
    expect(bad.doc.querySelector('#f-value-error')!.textContent).toContain('不在该指标的类别中');
    const ok = await page(`/observations/${obs.id}/edit`, { form: { value: '弱', observedOn: '2017-04-10', version: String(obs.version) } });
    expect(ok.status).toBe(303);
    expect((await app.get(`/api/observations/${obs.id}`)).body.value).toBe('弱');
    const stale = await page(`/observations/${obs.id}/edit`, { form: { value: '中', version: String(obs.version) } });
    expect(stale.status).toBe(400);
    expect(stale.text).toContain('该记录已被他人修改');
  });

  it('keeps the day, recorder and notes a posted form leaves out, and clears the ones it empties', async () => {
    const list = (await app.get('/api/trials/1/observations?plot=二工-对照1&variable=vigour')).body;
    const before = (await app.get(`/api/observations/${list[0].id}`)).body;
    const dated = await page(`/observations/${before.id}/edit`, {
      form: { value: before.value, observedOn: '2017-04-11', recordedBy: '李明', notes: '叶色浓', version: String(before.version) },
    });
    expect(dated.status).toBe(303);
    const mid = (await app.get(`/api/observations/${before.id}`)).body;
    const valueOnly = await page(`/observations/${before.id}/edit`, { form: { value: '中', version: String(mid.version) } });
    expect(valueOnly.status).toBe(303);
    const kept = (await app.get(`/api/observations/${before.id}`)).body;
    expect(kept).toMatchObject({ value: '中', observedOn: '2017-04-11', recordedBy: '李明', notes: '叶色浓' });
    const emptied = await page(`/observations/${before.id}/edit`, { form: { value: '中', notes: '', version: String(kept.version) } });
    expect(emptied.status).toBe(303);
    expect((await app.get(`/api/observations/${before.id}`)).body).toMatchObject({ observedOn: '2017-04-11', notes: null });
  });
});

describe('forms', () => {
  it('re-render a project with every field error and the typed values, then create it', async () => {
    const bad = await page('/projects/new', { form: { name: '', code: '9x', 'targets.personTimes': 'many', category: 'poor_county' } });
    expect(bad.status).toBe(400);
    expect(bad.doc.querySelector('#f-name-error')!.textContent).toContain('不能为空');
    expect(bad.doc.querySelector('#f-code-error')).not.toBeNull();
    expect(bad.doc.querySelector('#f-targets-personTimes-error')).not.toBeNull();
    expect(bad.doc.querySelector('#f-category option[selected]')!.getAttribute('value')).toBe('poor_county');
    const ok = await page('/projects/new', { form: { name: '新项目', code: 'NEW-1', 'targets.personTimes': '80' } });
    expect(ok.status).toBe(303);
    const shown = await page(ok.location!);
    expect(shown.text).toContain('新项目');
  });

  it('maps an arm error back to the row it was typed in, skipping blank rows', async () => {
    const bad = await page('/projects/1/trials/new', {
      form: { name: '行号测试', crop: '番茄', design: 'crd', 'arms.0.name': '甲', 'arms.0.role': 'treatment', 'arms.2.name': '甲', 'arms.2.role': 'control' },
    });
    expect(bad.status).toBe(400);
    expect(bad.doc.querySelector('#f-arms-2-name-error')!.textContent).toContain('重复');
    expect(bad.doc.querySelector('#f-arms-0-name-error')).toBeNull();
  });

  it('record a training session with its roster and refuse one whose counts disagree', async () => {
    const farmers = (await app.get('/api/projects/2/farmers')).body as { id: number; gender: string }[];
    const women = farmers.filter((f) => f.gender === 'female').slice(0, 2);
    const roster = Object.fromEntries(women.map((f) => [`attendee.${f.id}`, '1']));
    const bad = await page('/projects/2/training-sessions/new', { form: { heldOn: '2017-10-01', kind: 'training', topic: '冬季管理', attendance: '1', women: '0', ...roster } });
    expect(bad.status).toBe(400);
    expect(bad.doc.querySelector('#f-attendance-error')!.textContent).toContain('少于签到名单人数 2');
    expect(bad.doc.querySelector('#f-women-error')!.textContent).toContain('少于名单中的女性 2 人');
    expect(bad.doc.querySelectorAll('input[name^="attendee."][checked]').length).toBe(2);
    const before = (await app.get('/api/projects/2/training-summary')).body.personTimes;
    const ok = await page('/projects/2/training-sessions/new', { form: { heldOn: '2017-10-01', kind: 'training', topic: '冬季管理', attendance: '5', women: '2', ...roster } });
    expect(ok.status).toBe(303);
    expect((await app.get('/api/projects/2/training-summary')).body.personTimes).toBe(before + 5);
    expect((await page('/projects/2/training')).text).toContain('冬季管理');
  });
});

describe('messages', () => {
  it('has every language for every label the views use', () => {
    for (const file of walk(new URL('../../views/', import.meta.url).pathname)) {
      for (const [, key] of readFileSync(file, 'utf8').matchAll(/\{\{t "([^"]+)"/g)) {
        expect(isMessageKey(key), `${key} in ${file}`).toBe(true);
        if (isMessageKey(key)) for (const lang of LANGS) expect(catalogueText(lang, key), `${lang} ${key}`).toBeTruthy();
      }
    }
  });

  it('names every value of the closed lists in every language', () => {
    const lists: [string, readonly string[]][] = [
      ['design', DESIGNS],
      ['role', ROLES],
      ['siteKind', SITE_KINDS],
      ['variableKind', VARIABLE_KINDS],
      ['aggregation', AGGREGATIONS],
      ['trainingKind', TRAINING_KINDS],
      ['gender', ['female', 'male']],
    ];
    for (const [prefix, values] of lists) {
      for (const v of values) {
        const key = `${prefix}.${v}`;
        expect(isMessageKey(key), key).toBe(true);
        if (isMessageKey(key)) for (const lang of LANGS) expect(catalogueText(lang, key), `${lang} ${key}`).toBeTruthy();
      }
    }
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const full = join(dir, e);
    return statSync(full).isDirectory() ? walk(full) : full.endsWith('.hbs') ? [full] : [];
  });
}
