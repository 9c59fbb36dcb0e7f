import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { startTestApp, type TestApp } from '../support/context.js';
import { commit, download, observations, upload, XLSX } from '../support/imports.js';
import { utf8Csv } from '../fixtures/import-files.js';

/** Demo trial 1 (Tacheng, five yield harvests per plot) and trial 2 (Aksu, paired batches). */
describe('exports that import back unchanged', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ demo: true });
    // An exact decimal a double cannot hold, and one with trailing zeros.
    const res = await upload(app, '/api/trials/1/imports', utf8Csv([['plot', 'variable', 'value', 'observed_on', 'notes'], ['二工-示范1', 'yield', '0.12345678901234567890', '2017-08-10', '精确到 20 位'], ['二工-示范2', 'yield', '5427.10', '2017-08-10', null], ['什托-示范1', 'yield', '0.30000000000000004', '2017-08-10', '17 位有效数字']]));
    await commit(app, res.body.id);
    // Readings with gaps, as deletes leave them: 1 and 3 of one day, and 11, 12, 13 of another.
    const made = await app.post('/api/trials/1/observations', [
      ...[1, 2, 3].map((reading) => ({ plot: '二工-示范1', variable: 'yield_kg_per_mu', value: String(reading * 100), observedOn: '2017-08-20', reading })),
      ...[11, 12, 13].map((reading) => ({ plot: '二工-示范2', variable: 'yield_kg_per_mu', value: String(reading * 1000), observedOn: '2017-08-21', reading })),
    ]);
    expect(made.status).toBe(201);
    expect((await app.del(`/api/observations/${made.body[1].id}`)).status).toBe(204);
  });
  afterAll(async () => {
    await app.close();
  });

  for (const trialId of [1, 2]) {
    for (const format of ['csv', 'xlsx'] as const) {
      for (const shape of ['long', 'wide'] as const) {
        for (const lang of ['zh', 'en'] as const) {
          it(`trial ${trialId}: ${shape} ${format} (${lang}) → import = all unchanged`, async () => {
            const total = (await observations(app, trialId)).length;
            const file = await download(app, `/api/trials/${trialId}/observations/export?format=${format}&shape=${shape}`, lang);
            expect(file.status).toBe(200);
            const res = await upload(app, `/api/trials/${trialId}/imports`, file.bytes, { type: format === 'csv' ? 'text/csv' : XLSX });
            expect(res.body).toMatchObject({ status: 'ready', shape, summary: { create: 0, update: 0, unchanged: total, errors: 0 }, issues: [] });
            expect((await commit(app, res.body.id)).body).toMatchObject({ created: 0, updated: 0, unchanged: total });
            expect((await observations(app, trialId)).length).toBe(total);
          });
        }
      }
    }
  }

  it('writes CSV as UTF-8 with a BOM, numbers exactly as stored, and a Chinese file name per RFC 5987', async () => {
    const file = await download(app, '/api/trials/1/observations/export?format=csv&shape=long');
    expect(file.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const disposition = file.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="trial-1-observations-long\.csv"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe('2017 番茄秸秆生物降解示范棚-观测数据.csv');
    const text = file.bytes.toString('utf8').slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('示范点,小区,处理,区组,指标,数值,单位,观测日期,读数,备注,记录人');
    expect(text).toContain(',产量,0.12345678901234567890,kg/亩,2017-08-10,1,精确到 20 位,');
    expect(text).toContain(',产量,5427.10,kg/亩,2017-08-10,1,,');
  });

  it('writes XLSX numbers as number cells with the stored decimals and dates as date cells', async () => {
    const file = await download(app, '/api/trials/1/observations/export?format=xlsx&shape=wide', 'en');
    expect(file.headers.get('content-type')).toBe(XLSX);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const header = (sheet.getRow(1).values as string[]).slice(1);
    expect(header.slice(0, 6)).toEqual(['site', 'plot', 'arm', 'block', 'flowering', 'flowering observed_on']);
    expect(header).toContain('yield.5');
    expect(header).toContain('yield.5 observed_on');
    const row = sheet.getRow(2);
    expect(row.getCell(5).value).toEqual(new Date('2017-04-22T00:00:00Z'));
    const yieldCell = row.getCell(header.indexOf('yield') + 1);
    expect(yieldCell.value).toBe(990);
    expect(yieldCell.numFmt).toBe('0.0');
  });

  it('exports the training ledger, which imports back unchanged', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const file = await download(app, `/api/projects/1/training-sessions/export?format=${format}`);
      expect(file.status).toBe(200);
      const res = await upload(app, '/api/projects/1/imports?kind=training', file.bytes, { type: format === 'csv' ? 'text/csv' : XLSX });
      expect(res.body).toMatchObject({ kind: 'training', status: 'ready', summary: { create: 0, update: 0, unchanged: 4, errors: 0 } });
    }
    const csv = (await download(app, '/api/projects/1/training-sessions/export?format=csv')).bytes.toString('utf8');
    expect(csv.split('\r\n')[0]).toBe('\uFEFF日期,类型,主题,示范点,村,培训人,参加人数,女性人数,签到名单,备注');
    expect(csv).toContain('2017-05-26,现场观摩会,秸秆生物降解示范棚现场观摩会,塔城市二工镇,,塔城地区农技中心,46,17,,');
  });

  it('exports the comparison report: a row per variable, arm and site and an overall row', async () => {
    const file = await download(app, '/api/trials/2/report/export?format=csv', 'en');
    expect(file.status).toBe(200);
    const lines = file.bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 6)).toEqual(['variable', 'unit', 'treatment', 'control', 'site', 'sites']);
    const report = (await app.get('/api/trials/2/report')).body;
    const numeric = report.comparisons.filter((c: { sites: unknown[] }) => c.sites.length > 0);
    const expected = numeric.reduce((n: number, c: { sites: unknown[] }) => n + c.sites.length + 1, 0) + (report.comparisons.length - numeric.length);
    expect(lines.length - 1).toBe(expected);
    const overall = lines.find((l) => l.startsWith('dry yield per bag,g/袋,标准化工艺,传统工艺,all sites,4,'));
    expect(overall).toBeDefined();
    const xlsx = await download(app, '/api/trials/2/report/export?format=xlsx');
    expect(xlsx.headers.get('content-type')).toBe(XLSX);
  });

  it('exports the counts of a category variable by site, arm and category, as the report page shows them', async () => {
    const file = await download(app, '/api/trials/1/report/export?format=csv', 'en');
    const rows: Record<string, string>[] = parse(file.bytes, { columns: true, bom: true, skip_empty_lines: true });
    const header = Object.keys(rows[0]);
    // The columns outside readers know keep their names and places; the new ones follow.
    expect(header.slice(0, 6)).toEqual(['variable', 'unit', 'treatment', 'control', 'site', 'sites']);
    expect(header.slice(-4)).toEqual(['adjusted p', 'category', 'plots', 'share of the arm’s plots']);
    const counts = rows.filter((r) => r.variable === 'vigour' && r.row === 'category count');
    const of = (site: string, arm: string) => counts.filter((r) => r.site === site && r.arm === arm).map((r) => [r.category, r.plots, r['share of the arm’s plots'], r.n]);
    // Control across the three sites: 中 3 (75%), 弱 1 (25%), in the variable's order 旺 中 弱.
    expect(of('all sites', '常规')).toEqual([['旺', '0', '0', '4'], ['中', '3', '0.75', '4'], ['弱', '1', '0.25', '4']]);
    expect(of('all sites', '秸秆降解')).toEqual([['旺', '4', '1', '4'], ['中', '0', '0', '4'], ['弱', '0', '0', '4']]);
    expect(of('Shitolgai town', '常规')).toEqual([['旺', '0', '0', '1'], ['中', '0', '0', '1'], ['弱', '1', '1', '1']]);
    expect(counts.filter((r) => r.site === 'all sites').every((r) => r.sites === '3')).toBe(true);
    // 3 sites and all sites × 2 arms × 3 categories.
    expect(counts).toHaveLength(24);

    const xlsx = await download(app, '/api/trials/1/report/export?format=xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.bytes as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    const names = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    const col = (name: string) => names.indexOf(name) + 1;
    const found: unknown[][] = [];
    sheet.eachRow((row, i) => {
      if (i > 1 && row.getCell(col('行类型')).value === '分类计数' && row.getCell(col('示范点')).value === '全部示范点' && row.getCell(col('处理名称')).value === '常规')
        found.push([row.getCell(col('类别')).value, row.getCell(col('小区数')).value, row.getCell(col('占该处理小区比例')).value]);
    });
    expect(found).toEqual([['旺', 0, 0], ['中', 3, 0.75], ['弱', 1, 0.25]]);
  });

  it('exports a Field Book field file and trait file', async () => {
    const field = await download(app, '/api/trials/1/fieldbook/field.csv');
    const text = field.bytes.toString('utf8');
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('plot_id,plot,plot_number,site,arm,block,area_m2,planted_on,row,column,barcode');
    // No place in the field yet; the barcode is the plot label's QR code text.
    expect(lines[1]).toBe(`T1-二工-示范1,二工-示范1,1,塔城市二工镇,秸秆降解,,667,2017-03-20,,,${app.baseUrl}/trials/1?plot=${encodeURIComponent('二工-示范1')}`);
    expect(lines).toHaveLength(9);
    const traits = (await download(app, '/api/trials/1/fieldbook/traits.trt')).bytes.toString('utf8').trim().split('\r\n');
    expect(traits[0]).toBe('"trait","format","defaultValue","minimum","maximum","details","categories","isVisible","realPosition"');
    expect(traits).toContain('"yield_kg_per_mu","numeric","","0","30000","产量 yield (kg/亩)","","true","3"');
    expect(traits).toContain('"vigour","categorical","","","","长势 vigour","旺/中/弱","true","4"');
    expect(traits).toContain('"flowering_date","date","","","","开花期 flowering","","true","1"');
    // The field file imports back as the trial's plot layout, unchanged.
    const res = await upload(app, '/api/trials/1/imports?kind=plots', field.bytes);
    expect(res.body).toMatchObject({ kind: 'plots', summary: { create: 0, update: 0, unchanged: 8, errors: 0 } });
  });
});
