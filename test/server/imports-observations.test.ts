import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../support/context.js';
import { commit, observations, upload, XLSX } from '../support/imports.js';
import { day, gbkCsv, utf8Csv, xlsxFile } from '../fixtures/import-files.js';
import { minimalXlsx } from '../support/zip-bomb.js';

/** Demo trial 1: the Tacheng greenhouses (plots 二工-示范1 … 什托-对照1; flowering_date,
 * first_ripening_date, yield_kg_per_mu up to 30000, vigour 旺/中/弱). */
const TRIAL = 1;

describe('importing observations from a spreadsheet', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ demo: true });
  });
  afterAll(async () => {
    await app.close();
  });

  const count = async () => (await observations(app, TRIAL)).length;

  it('reads a GBK CSV with Chinese headers and variable names, previews it and commits it in one go', async () => {
    const before = await count();
    const file = gbkCsv([
      ['小区', '指标', '数值', '观测日期', '备注'],
      ['二工-示范1', '产量', '5,427.10', '2017-08-01', '末次采收'],
      ['二工-对照1', '产量', '４９８０．５', '2017/8/1', null],
      ['和布-示范1', '长势', '中', '2017年8月1日', '后期'],
    ]);
    const preview = await upload(app, `/api/trials/${TRIAL}/imports`, file);
    expect(preview.status).toBe(201);
    expect(preview.body).toMatchObject({ status: 'ready', kind: 'observations', shape: 'long', encoding: 'gb18030', rows: 3, summary: { create: 3, update: 0, unchanged: 0, errors: 0 }, issues: [] });
    expect(preview.body.preview[0]).toMatchObject({ row: 2, column: '数值', action: 'create', plot: '二工-示范1', variable: 'yield_kg_per_mu', value: '5427.10', observedOn: '2017-08-01' });
    expect(new Date(preview.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(await count()).toBe(before);

    const done = await commit(app, preview.body.id);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ id: preview.body.id, status: 'committed', created: 3, updated: 0, unchanged: 0 });
    const rows = await observations(app, TRIAL);
    expect(rows.length).toBe(before + 3);
    const added = rows.filter((o) => o.observedOn === '2017-08-01');
    expect(added.map((o) => [o.plot, o.variable, o.valueText, o.notes]).sort()).toEqual([
      ['二工-对照1', 'yield_kg_per_mu', '4980.5', null],
      ['二工-示范1', 'yield_kg_per_mu', '5427.10', '末次采收'],
      ['和布-示范1', 'vigour', '中', '后期'],
    ]);
  });

  it('reads UTF-8 with and without a BOM, with blank lines and trailing empty columns', async () => {
    for (const bom of [true, false]) {
      const file = utf8Csv(
        [
          ['plot', 'variable', 'value', 'observed_on', '', ''],
          [],
          ['二工-示范2', 'yield', '1000', bom ? '2017-08-02' : '2017-08-03', '', ''],
          ['', '', '', '', '', ''],
          ['二工-对照2', 'yield_kg_per_mu', '900', bom ? '2017-08-02' : '2017-08-03', null, null],
        ],
        bom,
      );
      const res = await upload(app, `/api/trials/${TRIAL}/imports`, file);
      expect(res.body).toMatchObject({ status: 'ready', encoding: 'utf-8', rows: 2, summary: { create: 2, errors: 0 } });
      // Row numbers count the blank rows, as the spreadsheet shows them.
      expect(res.body.preview.map((p: { row: number }) => p.row)).toEqual([3, 5]);
    }
  });

  it("reads Excel's tab-separated UTF-16 \"Unicode text\"", async () => {
    const text = '\uFEFF小区\t指标\t数值\t观测日期\r\n二工-示范2\t产量\t1,200\t2017/8/9\r\n';
    const res = await upload(app, `/api/trials/${TRIAL}/imports`, Buffer.from(text, 'utf16le'), { type: 'text/plain' });
    expect(res.body).toMatchObject({ encoding: 'utf-16le', status: 'ready', summary: { create: 1 } });
    expect(res.body.preview[0]).toMatchObject({ plot: '二工-示范2', value: '1200', observedOn: '2017-08-09' });
  });

  it('reads an XLSX with real date cells, Excel serial numbers and number cells', async () => {
    const file = await xlsxFile(
      [
        ['小区', '指标', '数值', '观测日期'],
        ['什托-示范1', 'yield_kg_per_mu', 1234.5, day('2017-08-04')],
        ['什托-对照1', 'yield_kg_per_mu', 1100, { serialDate: 42951 }],
        ['什托-示范1', 'flowering_date', day('2017-05-01'), day('2017-08-04')],
      ],
      { secondSheet: [['本表说明'], ['只读取第一个工作表']] },
    );
    const res = await upload(app, `/api/trials/${TRIAL}/imports`, file, { type: XLSX });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ format: 'xlsx', status: 'ready', summary: { create: 3, errors: 0 } });
    expect(res.body.preview.map((p: { value: string; observedOn: string }) => [p.value, p.observedOn])).toEqual([
      ['1234.5', '2017-08-04'],
      ['1100', '2017-08-04'],
      ['2017-05-01', '2017-08-04'],
    ]);
  });

  it('keeps Chinese text intact across the chunks of a large XLSX', async () => {
    const plots = ['二工-示范1', '二工-示范2', '二工-对照1', '二工-对照2', '和布-示范1', '和布-对照1', '什托-示范1', '什托-对照1'];
    const rows: (string | number | Date | null)[][] = [['小区', '指标', '数值', '观测日期', '备注']];
    for (let i = 0; i < 2400; i++) {
      rows.push([plots[i % 8], '产量', 100 + (i % 50), day(`2019-${String(1 + Math.floor(i / 8 / 28) % 12).padStart(2, '0')}-${String(1 + (Math.floor(i / 8) % 28)).padStart(2, '0')}`), `第${i + 1}次田间观测：长势良好，未见病虫害，示范棚温湿度正常`]);
    }
    const res = await upload(app, `/api/trials/${TRIAL}/imports`, await xlsxFile(rows), { type: XLSX });
    expect(res.body.issues).toEqual([]);
    expect(res.body.summary).toMatchObject({ create: 2400, errors: 0 });
    await commit(app, res.body.id);
    const notes = (await observations(app, TRIAL)).filter((o) => o.observedOn?.startsWith('2019-')).map((o) => o.notes!);
    expect(notes).toHaveLength(2400);
    expect(notes.filter((n) => n.includes('\uFFFD'))).toEqual([]);
    expect(new Set(notes).size).toBe(2400);
  });

  it('sniffs the format of an octet-stream upload and takes a multipart form field', async () => {
    const xlsx = await xlsxFile([['plot', 'variable', 'value'], ['二工-示范1', 'vigour', '旺']]);
    const raw = await upload(app, `/api/trials/${TRIAL}/imports`, xlsx, { type: 'application/octet-stream' });
    expect(raw.body).toMatchObject({ format: 'xlsx', summary: { create: 1 } });
    const form = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv([['plot', 'variable', 'value'], ['二工-示范1', 'vigour', '旺']]), {
      multipart: { fileName: '长势.csv', fields: { kind: 'observations' } },
    });
    expect(form.status).toBe(201);
    expect(form.body).toMatchObject({ fileName: '长势.csv', format: 'csv', summary: { create: 1 } });
  });

  it('accepts every listed date style and number style in one file', async () => {
    const dates = ['2017-09-01', '2017/9/2', '2017.9.3', '2017年9月4日', '２０１７年９月５日', '42984'];
    const values = ['1,234.5', '１２３４．５', '1234.50', '12,345', '１，０００', '999'];
    const file = utf8Csv([['小区', '指标', '数值', '观测日期'], ...dates.map((d, i) => ['二工-示范1', '产量', values[i], d])]);
    const res = await upload(app, `/api/trials/${TRIAL}/imports`, file);
    expect(res.body.summary).toMatchObject({ create: 6, errors: 0 });
    expect(res.body.preview.map((p: { observedOn: string }) => p.observedOn)).toEqual(['2017-09-01', '2017-09-02', '2017-09-03', '2017-09-04', '2017-09-05', '2017-09-06']);
    expect(res.body.preview.map((p: { value: string }) => p.value)).toEqual(['1234.5', '1234.5', '1234.50', '12345', '1000', '999']);
  });

  it('refuses a file with one bad row in the middle whole, naming that row and column', async () => {
    const before = await observations(app, TRIAL);
    const rows: (string | null)[][] = [['小区', '指标', '数值', '观测日期']];
    for (let i = 0; i < 9; i++) rows.push(['和布-对照1', '产量', String(100 + i), `2017-10-0${i + 1}`]);
    rows[5][2] = '12O0'; // letter O typed for a zero, spreadsheet row 6
    const res = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv(rows), { lang: 'en' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'invalid', summary: { create: 8, errors: 1 } });
    expect(res.body.issues).toEqual([{ row: 6, column: '数值', message: 'is not a valid number; got "12O0"' }]);
    const bad = res.body.preview.find((p: { row: number }) => p.row === 6);
    expect(bad).toMatchObject({ action: 'error', problems: [{ column: '数值', message: 'is not a valid number; got "12O0"' }] });

    const refused = await commit(app, res.body.id, 'en');
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'ImportHasErrors', issues: [{ row: 6, column: '数值' }] });
    expect(refused.body.error.message).toMatch(/nothing was saved/);
    expect(await observations(app, TRIAL)).toEqual(before);
  });

  it('names every problem with its row and column, in the asked language', async () => {
    const file = utf8Csv([
      ['小区', '指标', '数值', '观测日期', '处理'],
      ['二工-示范9', '产量', '10', '2017-10-01', null],
      ['二工-示范1', '株高', '10', '2017-10-01', null],
      ['二工-示范1', '产量', '10', '02/10/2017', null],
      ['二工-示范1', '产量', '40000', '2017-10-01', null],
      ['二工-示范1', '长势', '很旺', '2017-10-01', null],
      ['二工-示范1', '产量', '5,4', '2017-10-02', '常规'],
      ['二工-示范1', 'dry_yield_g_per_bag', '5', '2017-10-02', null],
    ]);
    const zh = await upload(app, `/api/trials/${TRIAL}/imports`, file, { lang: 'zh' });
    const en = await upload(app, `/api/trials/${TRIAL}/imports`, file, { lang: 'en' });
    const where = (b: { issues: { row: number; column: string }[] }) => b.issues.map((i) => [i.row, i.column]);
    expect(where(en.body)).toEqual([
      [2, '小区'],
      [3, '指标'],
      [4, '观测日期'],
      [5, '数值'],
      [6, '数值'],
      [7, '处理'],
      [7, '数值'],
      [8, '指标'],
    ]);
    expect(en.body.issues.map((i: { message: string }) => i.message)).toEqual([
      'the trial has no plot "二工-示范9"',
      'there is no variable "株高"',
      'the date "02/10/2017" could be day/month or month/day; write it as 2017-04-02',
      "40000 is above the variable's maximum of 30000",
      '"很旺" is not one of the variable\'s categories: 旺, 中, 弱',
      'plot "二工-示范1" is in arm "秸秆降解", not "常规"',
      'the comma in "5,4" is ambiguous (thousands separators are written 5,427.1)',
      'variable "dry_yield_g_per_bag" is not measured in this trial',
    ]);
    expect(zh.body.issues[0].message).toBe('该试验中没有小区“二工-示范9”');
    expect(zh.body.summary.errors).toBe(8);
  });

  it('lists a future observed-on day under the observed-on column, and a bad date value under the value column', async () => {
    const long = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv([
      ['小区', '指标', '数值', '观测日期'],
      ['二工-示范1', '产量', '10', '2030-01-01'],
      ['二工-示范1', '开花期', '2017-01-01', '2017-05-01'],
    ]), { lang: 'zh' });
    expect(long.body.issues.map((i: { row: number; column: string }) => [i.row, i.column])).toEqual([
      [2, '观测日期'],
      [3, '数值'],
    ]);
    const wide = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv([
      ['小区', '产量', '产量 观测日期', '长势', '观测日期'],
      ['二工-示范1', '10', '2030-01-01', '旺', '2030-02-01'],
    ]), { lang: 'zh' });
    expect(wide.body.issues.map((i: { row: number; column: string }) => [i.row, i.column])).toEqual([
      [2, '产量 观测日期'],
      [2, '观测日期'],
    ]);
  });

  it('reports a header it cannot use, and cells in a column without a header', async () => {
    const noPlot = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv([['指标', '数值'], ['产量', '1']]), { lang: 'en' });
    expect(noPlot.body.status).toBe('invalid');
    expect(noPlot.body.issues[0]).toMatchObject({ row: 1, message: 'the column "小区 / plot" is missing' });
    const stray = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv([['plot', 'variable', 'value', 'observed_on', ''], ['二工-示范1', 'yield', '1', '2017-10-05', '备用']]), { lang: 'en' });
    expect(stray.body.issues).toEqual([{ row: 2, column: 'E', message: 'this column has no header but the cell holds "备用"' }]);
    const empty = await upload(app, `/api/trials/${TRIAL}/imports`, Buffer.alloc(0), { lang: 'en' });
    expect(empty.body.issues).toEqual([{ row: 1, column: '', message: 'the file is empty' }]);
  });

  it('does not duplicate on re-import: same values are unchanged, a changed value is an update shown with the old value', async () => {
    const rows = [
      ['小区', '指标', '数值', '观测日期'],
      ['和布-对照1', '产量', '321.5', '2017-11-01'],
      ['和布-对照1', '产量', '322', '2017-11-02'],
    ];
    const first = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv(rows));
    expect((await commit(app, first.body.id)).body).toMatchObject({ created: 2 });
    const total = await count();

    const again = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv(rows));
    expect(again.body.summary).toEqual({ create: 0, update: 0, unchanged: 2, errors: 0 });
    expect((await commit(app, again.body.id)).body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await count()).toBe(total);

    // 321.50 is the same value as 321.5; 323 is a change.
    const changed = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv([rows[0], ['和布-对照1', '产量', '321.50', '2017-11-01'], ['和布-对照1', '产量', '323', '2017-11-02']]));
    expect(changed.body.summary).toEqual({ create: 0, update: 1, unchanged: 1, errors: 0 });
    expect(changed.body.preview[1]).toMatchObject({ action: 'update', value: '323', previous: '322' });
    expect((await commit(app, changed.body.id)).body).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    const after = await observations(app, TRIAL);
    expect(after.length).toBe(total);
    const updated = after.find((o) => o.plot === '和布-对照1' && o.observedOn === '2017-11-02')!;
    expect(updated).toMatchObject({ valueText: '323', version: 2 });
  });

  it('refuses two values for one plot, variable and date in the same file', async () => {
    const res = await upload(
      app,
      `/api/trials/${TRIAL}/imports`,
      utf8Csv([['小区', '指标', '数值', '观测日期'], ['和布-示范1', '产量', '1', '2017-11-05'], ['和布-示范1', '产量', '2', '2017-11-06'], ['和布-示范1', '产量', '3', '2017-11-05']]),
      { lang: 'en' },
    );
    expect(res.body.issues).toEqual([
      {
        row: 4,
        column: '数值',
        message: 'repeats row 2: one plot, variable, observed-on date and reading (和布-示范1 / yield_kg_per_mu / 2017-11-05 / reading 1) can have only one value; for several readings of one day add a "reading" column',
      },
    ]);
  });

  it('imports the wide sheet agronomists keep, with two harvest columns each with its own date and a shared date', async () => {
    const file = utf8Csv([
      ['示范点', '小区', '处理', '产量(第1次)', '产量(第1次) 观测日期', 'yield_kg_per_mu.2', 'yield_kg_per_mu.2 observed_on', '长势', '观测日期'],
      ['塔城市二工镇', '二工-示范1', '秸秆降解', '1,100.5', '2017-12-01', '900', '2017-12-15', '旺', '2017/12/20'],
      ['塔城市二工镇', '二工-对照1', '常规', '1000', '2017-12-01', null, null, '中', '2017/12/20'],
      ['什托洛盖镇', '什托-对照1', '常规', null, null, '700', '2017-12-15', null, '2017/12/20'],
    ]);
    const res = await upload(app, `/api/trials/${TRIAL}/imports`, file);
    expect(res.body).toMatchObject({ shape: 'wide', rows: 3, summary: { create: 6, update: 0, unchanged: 0, errors: 0 } });
    expect(res.body.preview.map((p: { row: number; column: string; variable: string; value: string; observedOn: string }) => [p.row, p.column, p.variable, p.value, p.observedOn])).toEqual([
      [2, '产量(第1次)', 'yield_kg_per_mu', '1100.5', '2017-12-01'],
      [2, 'yield_kg_per_mu.2', 'yield_kg_per_mu', '900', '2017-12-15'],
      [2, '长势', 'vigour', '旺', '2017-12-20'],
      [3, '产量(第1次)', 'yield_kg_per_mu', '1000', '2017-12-01'],
      [3, '长势', 'vigour', '中', '2017-12-20'],
      [4, 'yield_kg_per_mu.2', 'yield_kg_per_mu', '700', '2017-12-15'],
    ]);
    expect((await commit(app, res.body.id)).body).toMatchObject({ created: 6 });
    const again = await upload(app, `/api/trials/${TRIAL}/imports`, file);
    expect(again.body.summary).toEqual({ create: 0, update: 0, unchanged: 6, errors: 0 });
  });

  it('reads two harvest columns that share one date in a wide sheet as readings 1 and 2 of that day', async () => {
    const res = await upload(
      app,
      `/api/trials/${TRIAL}/imports`,
      utf8Csv([['小区', '产量(第1次)', '产量(第2次)', '观测日期'], ['二工-示范2', '10', '20', '2017-12-30']]),
      { lang: 'en' },
    );
    expect(res.body.issues).toEqual([]);
    expect(res.body.preview.map((p: { column: string; value: string; reading: number }) => [p.column, p.value, p.reading])).toEqual([
      ['产量(第1次)', '10', 1],
      ['产量(第2次)', '20', 2],
    ]);
    const unknown = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv([['小区', '株高(cm)'], ['二工-示范2', '10']]), { lang: 'en' });
    expect(unknown.body.issues).toEqual([
      { row: 1, column: '株高(cm)', message: 'this column is neither a variable of this trial (by code or name) nor a known column' },
      { row: 1, column: '', message: 'the wide sheet has no variable column' },
    ]);
  });

  it('reads a number cell shown as a percentage as an error, never as 0.032', async () => {
    const file = await xlsxFile([['小区', '指标', '数值', '观测日期'], ['二工-示范1', '产量', { percent: 0.032 }, day('2017-12-31')]]);
    const res = await upload(app, `/api/trials/${TRIAL}/imports`, file, { type: XLSX, lang: 'en' });
    expect(res.body.issues[0]).toMatchObject({ row: 2, column: '数值' });
    expect(res.body.issues[0].message).toMatch(/"3.2%" has a percent sign/);
  });

  it('reads a formula cell by its stored result, and refuses one without a value (error result, or none saved) naming the cell', async () => {
    const before = await count();
    const header = ['小区', '指标', '数值', '观测日期'];
    const ok = await upload(
      app,
      `/api/trials/${TRIAL}/imports`,
      await xlsxFile([header, ['二工-示范1', '产量', { formula: '2*2713.55', result: 5427.1 }, day('2017-12-30')], ['二工-示范2', '产量', { formula: '0.1+0.2', result: 0.1 + 0.2 }, day('2017-12-30')]]),
      { type: XLSX },
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.summary).toMatchObject({ create: 2, errors: 0 });
    expect((await commit(app, ok.body.id)).body).toMatchObject({ created: 2 });
    const stored = (await observations(app, TRIAL)).filter((o) => o.observedOn === '2017-12-30');
    // A calculation's binary residue (0.30000000000000004) is read as the spreadsheet shows it.
    expect(stored.map((o) => [o.plot, o.valueText]).sort()).toEqual([
      ['二工-示范1', '5427.1'],
      ['二工-示范2', '0.3'],
    ]);
    // As Excel saves =1/0: the formula with its error result (t="e").
    const text = (ref: string, t: string) => `<c r="${ref}" t="inlineStr"><is><t>${t}</t></is></c>`;
    const row = (n: number, cells: string) => `<row r="${n}">${cells}</row>`;
    const error = await upload(
      app,
      `/api/trials/${TRIAL}/imports`,
      minimalXlsx(
        row(1, text('A1', '小区') + text('B1', '指标') + text('C1', '数值') + text('D1', '观测日期')) +
          row(2, text('A2', '二工-示范1') + text('B2', '产量') + '<c r="C2"><v>5000</v></c>' + text('D2', '2017-12-29')) +
          row(3, text('A3', '二工-示范2') + text('B3', '产量') + '<c r="C3" t="e"><f>1/0</f><v>#DIV/0!</v></c>' + text('D3', '2017-12-29')),
      ),
      { type: XLSX, lang: 'en' },
    );
    expect(error.status).toBe(422);
    expect(error.body.error.message).toContain('Cell C3 (row 3)');
    expect(error.body.error.message).toContain('=1/0');
    // As programs write formulas: no stored result at all.
    const unsaved = await upload(app, `/api/trials/${TRIAL}/imports`, await xlsxFile([header, ['二工-示范1', '产量', 5000, day('2017-12-28')], ['二工-示范2', '产量', { formula: 'C2*2' }, day('2017-12-28')]]), {
      type: XLSX,
      lang: 'zh',
    });
    expect(unsaved.status).toBe(422);
    expect(unsaved.body.error.message).toContain('单元格 C3（第 3 行）');
    expect(unsaved.body.error.message).toContain('=C2*2');
    expect(await count()).toBe(before + 2);
  });

  it('imports a Field Book database export, finding plots by their unique id and traits by code or name', async () => {
    const file = utf8Csv([
      ['plot_id', 'trait', 'value', 'timestamp', 'person', 'location', 'number'],
      [`T${TRIAL}-二工-示范2`, 'yield_kg_per_mu', '812.3', '2018-01-05 10:31:05-0700', '李海燕', '46.7465;82.9869', '1'],
      [`T${TRIAL}-二工-对照2`, '长势', '[{"label":"弱","value":"弱"}]', '2018-01-05 10:35:40-0700', '李海燕', '', '1'],
      ['二工-对照2', 'first_ripening_date', '2017-05-25', '2018-01-05 23:59:59+0800', '李海燕', '', '1'],
    ]);
    const res = await upload(app, `/api/trials/${TRIAL}/imports`, file);
    expect(res.body).toMatchObject({ shape: 'fieldbook', summary: { create: 3, errors: 0 } });
    expect((await commit(app, res.body.id)).body).toMatchObject({ created: 3 });
    const rows = (await observations(app, TRIAL)).filter((o) => o.observedOn === '2018-01-05');
    expect(rows.map((o) => [o.plot, o.variable, o.valueText, o.recordedBy]).sort()).toEqual([
      ['二工-对照2', 'first_ripening_date', '2017-05-25', '李海燕'],
      ['二工-对照2', 'vigour', '弱', '李海燕'],
      ['二工-示范2', 'yield_kg_per_mu', '812.3', '李海燕'],
    ]);
    const wrongTrial = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv([['plot_id', 'trait', 'value', 'timestamp'], ['T2-WS-1T', 'yield_kg_per_mu', '1', '2018-01-05 10:31:05-0700']]), { lang: 'en' });
    expect(wrongTrial.body.issues).toEqual([{ row: 2, column: 'plot_id', message: 'the trial has no plot "T2-WS-1T"' }]);
  });

  it('answers 410 for an expired preview and writes nothing', async () => {
    const res = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv([['plot', 'variable', 'value', 'observed_on'], ['什托-示范1', 'yield', '1', '2018-02-01']]));
    await sql`update imports set expires_at = now() - interval '1 second' where id = ${res.body.id}`.execute(app.db);
    const before = await count();
    const shown = await app.get(`/api/imports/${res.body.id}`, { 'accept-language': 'en' });
    expect(shown.status).toBe(410);
    expect(shown.body.error).toMatchObject({ code: 'ImportExpired' });
    expect(shown.body.error.message).toMatch(/expired.*upload the file again/);
    const late = await commit(app, res.body.id);
    expect(late.status).toBe(410);
    expect(await count()).toBe(before);
    // The next upload clears expired staging rows.
    await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv([['plot', 'variable', 'value'], ['什托-示范1', 'vigour', '旺']]));
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from import_rows where import_id = ${res.body.id}`.execute(app.db);
    expect(rows[0].n).toBe(0);
    expect((await app.get('/api/imports/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });

  it('answers the same result to a second commit, even two at once, and writes once', async () => {
    const res = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv([['plot', 'variable', 'value', 'observed_on'], ['什托-对照1', 'yield', '11', '2018-02-02'], ['什托-对照1', 'yield', '12', '2018-02-03']]));
    const before = await count();
    const [a, b] = await Promise.all([commit(app, res.body.id), commit(app, res.body.id)]);
    const c = await commit(app, res.body.id);
    for (const r of [a, b, c]) expect(r).toMatchObject({ status: 200, body: { id: res.body.id, status: 'committed', created: 2, updated: 0, unchanged: 0 } });
    expect(await count()).toBe(before + 2);
    const shown = await app.get(`/api/imports/${res.body.id}`);
    expect(shown.body).toMatchObject({ status: 'committed', created: 2 });
  });

  it('classifies again at commit what was written to the trial after the preview, and neither duplicates nor loses it', async () => {
    const rows = [
      ['plot', 'variable', 'value', 'observed_on'],
      ['什托-示范1', 'yield', '31', '2018-03-01'],
      ['什托-示范1', 'yield', '32', '2018-03-02'],
      ['什托-示范1', 'yield', '33', '2018-03-03'],
    ];
    const preview = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv(rows));
    expect(preview.body.summary).toEqual({ create: 3, update: 0, unchanged: 0, errors: 0 });
    // Meanwhile someone enters the first value as in the file: it is not stored twice.
    const entered = await app.post(`/api/trials/${TRIAL}/observations`, [{ plot: '什托-示范1', variable: 'yield_kg_per_mu', value: '31', observedOn: '2018-03-01' }]);
    expect(entered.status).toBe(201);
    const before = await count();
    expect((await commit(app, preview.body.id)).body).toMatchObject({ created: 2, updated: 0, unchanged: 1 });
    const after = await observations(app, TRIAL);
    expect(after.length).toBe(before + 2);
    const march = after.filter((o) => o.plot === '什托-示范1' && o.observedOn?.startsWith('2018-03-0'));
    expect(march.map((o) => [o.observedOn, o.valueText]).sort()).toEqual([
      ['2018-03-01', '31'],
      ['2018-03-02', '32'],
      ['2018-03-03', '33'],
    ]);
  });

  it('refuses a commit that would overwrite, or bring back, what others wrote after the preview, naming the rows; a new preview shows it and commits', async () => {
    const rows = [
      ['plot', 'variable', 'value', 'observed_on'],
      ['什托-示范1', 'yield', '41', '2018-05-01'],
      ['什托-示范1', 'yield', '42', '2018-05-02'],
      ['什托-示范1', 'yield', '43', '2018-05-03'],
    ];
    const made = await app.post(`/api/trials/${TRIAL}/observations`, [{ plot: '什托-示范1', variable: 'yield_kg_per_mu', value: '40', observedOn: '2018-05-03' }]);
    expect(made.status).toBe(201);
    const preview = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv(rows));
    expect(preview.body.summary).toEqual({ create: 2, update: 1, unchanged: 0, errors: 0 });
    // After the preview: a colleague enters row 3's value differently, and corrects the
    // value row 4 would update. The file would overwrite both without anyone seeing them.
    expect((await app.post(`/api/trials/${TRIAL}/observations`, [{ plot: '什托-示范1', variable: 'yield_kg_per_mu', value: '99', observedOn: '2018-05-02' }])).status).toBe(201);
    expect((await app.patch(`/api/observations/${made.body[0].id}`, { value: '44' })).status).toBe(200);
    const before = await observations(app, TRIAL);
    const refused = await commit(app, preview.body.id, 'en');
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ImportStale');
    expect(refused.body.error.issues.map((i: { row: number }) => i.row)).toEqual([3, 4]);
    expect(refused.body.error.issues[0].message).toContain('什托-示范1');
    expect(refused.body.error.issues[0].message).toContain('after the preview');
    expect(await observations(app, TRIAL)).toEqual(before);
    expect((await app.get(`/api/imports/${preview.body.id}`)).body.status).toBe('ready');
    // A new preview shows both as updates of what is stored now, and commits.
    const again = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv(rows));
    expect(again.body.summary).toEqual({ create: 1, update: 2, unchanged: 0, errors: 0 });
    expect((await commit(app, again.body.id)).body).toMatchObject({ created: 1, updated: 2 });
    // An observation the preview matched and someone deleted since is not brought back.
    const third = await upload(app, `/api/trials/${TRIAL}/imports`, utf8Csv(rows));
    expect(third.body.summary).toEqual({ create: 0, update: 0, unchanged: 3, errors: 0 });
    const may2 = (await observations(app, TRIAL)).find((o) => o.plot === '什托-示范1' && o.observedOn === '2018-05-02')!;
    expect((await app.del(`/api/observations/${may2.id}`)).status).toBe(204);
    const gone = await commit(app, third.body.id, 'en');
    expect(gone.status).toBe(409);
    expect(gone.body.error.issues).toHaveLength(1);
    expect(gone.body.error.issues[0]).toMatchObject({ row: 3 });
    expect(gone.body.error.issues[0].message).toContain('deleted after the preview');
  });

  it('refuses a commit into a trial deleted after the preview, and rows whose variable or planting date changed since', async () => {
    const trial = (await app.get(`/api/trials/${TRIAL}`)).body;
    const variables: string[] = trial.variables.map((v: { code: string }) => v.code);
    // A trial of its own, so deleting it leaves the others alone.
    const own = await app.post(`/api/projects/${trial.projectId}/trials`, { name: `stale ${Date.now()}`, crop: 'tomato', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    const sites = (await app.get(`/api/projects/${trial.projectId}/sites`)).body;
    const plots = await app.post(`/api/trials/${own.body.id}/plots`, [
      { siteId: sites[0].id, label: 'S1', arm: 'T', plantedOn: '2018-03-01' },
      { siteId: sites[0].id, label: 'S2', arm: 'C', plantedOn: '2018-03-01' },
    ]);
    expect(plots.status).toBe(201);
    const file = utf8Csv([
      ['plot', 'variable', 'value', 'observed_on'],
      ['S1', 'yield', '51', '2018-07-01'],
      ['S2', 'flowering', '2018-04-10', '2018-04-10'],
    ]);
    const p1 = await upload(app, `/api/trials/${own.body.id}/imports`, file);
    expect(p1.body.summary).toMatchObject({ create: 2, errors: 0 });
    expect((await app.patch(`/api/trials/${own.body.id}`, { variables: variables.filter((c) => c !== 'yield_kg_per_mu') })).status).toBe(200);
    expect((await app.patch(`/api/plots/${plots.body[1].id}`, { plantedOn: '2018-04-20' })).status).toBe(200);
    const refused = await commit(app, p1.body.id, 'en');
    expect(refused.status).toBe(409);
    expect(refused.body.error.issues.map((i: { row: number; message: string }) => [i.row, i.message])).toEqual([
      [2, expect.stringContaining('no longer measures')],
      [3, expect.stringContaining('planting date of plot S2 changed')],
    ]);
    expect((await app.get(`/api/trials/${own.body.id}/observations`)).body).toEqual([]);
    const p2 = await upload(app, `/api/trials/${own.body.id}/imports`, utf8Csv([['plot', 'variable', 'value', 'observed_on'], ['S1', 'flowering', '2018-04-11', '2018-04-11']]));
    expect(p2.body.summary).toMatchObject({ create: 1, errors: 0 });
    expect((await app.del(`/api/trials/${own.body.id}`)).status).toBe(204);
    expect((await commit(app, p2.body.id)).status).toBe(404);
    expect((await app.post(`/api/trials/${own.body.id}/restore`, undefined)).status).toBe(200);
    expect((await app.get(`/api/trials/${own.body.id}/observations`)).body).toEqual([]);
  });

  it('reads a long file again as GB18030 when its first non-UTF-8 byte comes after thousands of staged rows, staging each row once', async () => {
    const note = 'n'.repeat(120);
    const rows: (string | null)[][] = [['plot', 'variable', 'value', 'observed_on', 'notes']];
    for (let i = 0; i < 12000; i++) rows.push([`X${i}`, 'yield', '1', '2018-04-01', note]);
    rows.push(['和布-示范1', '产量', '1', '2018-04-01', note]);
    const res = await upload(app, `/api/trials/${TRIAL}/imports`, gbkCsv(rows), { lang: 'en' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'invalid', encoding: 'gb18030', rows: 12001, summary: { create: 1, errors: 12000 } });
    expect(res.body.issues[0]).toEqual({ row: 2, column: 'plot', message: 'the trial has no plot "X0"' });
    const { rows: staged } = await sql<{ n: number; seqs: number }>`
      select count(*)::int as n, count(distinct seq)::int as seqs from import_rows where import_id = ${res.body.id}`.execute(app.db);
    expect(staged[0]).toEqual({ n: 12001, seqs: 12001 });
  });

  it('refuses content types that are not a file', async () => {
    const res = await app.post(`/api/trials/${TRIAL}/imports`, { plot: 'x' });
    expect(res.status).toBe(415);
    const xls = await upload(app, `/api/trials/${TRIAL}/imports`, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), { type: 'application/vnd.ms-excel', lang: 'en' });
    expect(xls.status).toBe(415);
    expect(xls.body.error.message).toMatch(/\.xls/);
    expect((await upload(app, '/api/trials/999/imports', utf8Csv([['plot']]))).status).toBe(404);
  });
});
