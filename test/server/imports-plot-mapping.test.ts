import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { makeProject } from '../support/factories.js';
import { commit, upload } from '../support/imports.js';
import { utf8Csv } from '../fixtures/import-files.js';

type Plot = { id: number; label: string; siteName: string; arm: string; block: string | null; row: number | null; column: number | null; version: number };

describe('plot files read through a column mapping', () => {
  let app: TestApp;
  let trialId: number;
  let siteId: number;
  const plotsUrl = () => `/api/trials/${trialId}/imports?kind=plots`;
  const plots = async () => ((await app.get(`/api/trials/${trialId}/plots`)).body as Plot[]).sort((a, b) => a.label.localeCompare(b.label));
  const positions = async () => (await plots()).map((p) => [p.label, p.row, p.column, p.block]);

  beforeAll(async () => {
    app = await startTestApp();
    const { project, sites } = await makeProject(app, ['二工镇']);
    siteId = sites[0].id;
    const trial = await app.post(`/api/projects/${project.id}/trials`, {
      name: '品种示范',
      crop: 'wheat',
      design: 'rcbd',
      arms: [
        { name: '新春', role: 'treatment' },
        { name: '当地', role: 'control' },
      ],
    });
    trialId = trial.body.id;
    const made = await app.post(`/api/trials/${trialId}/plots`, [
      { siteId, label: '101', arm: '新春' },
      { siteId, label: '102', arm: '当地' },
      { siteId, label: '201', arm: '新春' },
      { siteId, label: '202', arm: '当地' },
    ]);
    expect(made.status).toBe(201);
  });
  afterAll(async () => {
    await app.close();
  });

  const fieldFile = (rows: (string | null)[][]) => utf8Csv([['plot_id', 'row', 'column', 'pedigree', 'rep'], ...rows]);

  it('proposes a mapping for a Field Book field file, stores the positions and blocks, and remembers the mapping', async () => {
    const res = await upload(app, plotsUrl(), fieldFile([
      ['101', '1', '1', 'XC-6/Yecora', '1'],
      ['102', '1', '2', 'local', '1'],
      ['201', '2', '1', 'XC-6/Yecora', '2'],
      ['202', '2', '2', 'local', '2'],
    ]), { lang: 'en' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'ready', mappingSource: 'proposed', summary: { create: 0, update: 4, unchanged: 0, errors: 0 }, ignoredColumns: ['pedigree'] });
    expect(res.body.mapping).toEqual([
      { column: 'plot_id', field: 'label' },
      { column: 'row', field: 'row' },
      { column: 'column', field: 'column' },
      { column: 'pedigree', field: 'ignore' },
      { column: 'rep', field: 'block' },
    ]);
    expect(res.body.preview[0]).toMatchObject({ row: 2, action: 'update', plot: '101', plotRow: 1, plotColumn: 1 });
    expect(res.body.preview[0].changes).toHaveLength(3);
    expect(res.body.preview[0].changes).toEqual(
      expect.arrayContaining([
        { field: 'block', before: null, after: '1' },
        { field: 'row', before: null, after: '1' },
        { field: 'column', before: null, after: '1' },
      ]),
    );
    expect((await commit(app, res.body.id)).body).toMatchObject({ updated: 4 });
    expect(await positions()).toEqual([
      ['101', 1, 1, '1'],
      ['102', 1, 2, '1'],
      ['201', 2, 1, '2'],
      ['202', 2, 2, '2'],
    ]);
    // Sites and arms were not in the file: they are left as they were.
    expect((await plots()).map((p) => [p.siteName, p.arm])).toEqual([['二工镇', '新春'], ['二工镇', '当地'], ['二工镇', '新春'], ['二工镇', '当地']]);
  });

  it('reads a column as the field the request maps it to, and proposes that mapping for the next file with the same headers', async () => {
    // The field walked the other way: what the file calls row is the column, and rep is not a block.
    const rows = [
      ['101', '1', '1', 'a', '9'],
      ['102', '1', '2', 'b', '9'],
      ['201', '2', '1', 'a', '9'],
      ['202', '2', '2', 'b', '9'],
    ];
    const mapping = { row: 'column', column: 'row', rep: 'ignore' };
    const res = await upload(app, `${plotsUrl()}&mapping=${encodeURIComponent(JSON.stringify(mapping))}`, fieldFile(rows));
    expect(res.body).toMatchObject({ status: 'ready', mappingSource: 'request', summary: { update: 2, unchanged: 2, errors: 0 }, ignoredColumns: ['pedigree', 'rep'] });
    // Swapping places between plots of one file is allowed: each place is held once at the end.
    expect((await commit(app, res.body.id)).body).toMatchObject({ updated: 2, unchanged: 2 });
    expect(await positions()).toEqual([
      ['101', 1, 1, '1'],
      ['102', 2, 1, '1'],
      ['201', 1, 2, '2'],
      ['202', 2, 2, '2'],
    ]);
    const next = await upload(app, plotsUrl(), utf8Csv([['REP', 'Plot_ID', 'pedigree', 'column', 'row'], ['9', '101', 'a', '1', '1']]));
    expect(next.body.mappingSource).toBe('remembered');
    expect(next.body.mapping).toEqual([
      { column: 'REP', field: 'ignore' },
      { column: 'Plot_ID', field: 'label' },
      { column: 'pedigree', field: 'ignore' },
      { column: 'column', field: 'row' },
      { column: 'row', field: 'column' },
    ]);
    expect(next.body.summary).toEqual({ create: 0, update: 0, unchanged: 1, errors: 0 });
    // Other headers: the mapping is proposed from the names again.
    const other = await upload(app, plotsUrl(), utf8Csv([['小区', '行', '列'], ['101', '1', '1']]));
    expect(other.body).toMatchObject({ mappingSource: 'proposed', mapping: [{ column: '小区', field: 'label' }, { column: '行', field: 'row' }, { column: '列', field: 'column' }] });
  });

  it('checks the kept file again with a changed mapping, and the replaced preview can no longer be committed', async () => {
    const res = await upload(app, plotsUrl(), utf8Csv([['plot', 'entry', 'x', 'y'], ['101', '5', '3', '4']]));
    expect(res.body).toMatchObject({ status: 'ready', remappable: true, summary: { unchanged: 1 } });
    const again = await app.post(`/api/imports/${res.body.id}/mapping`, { mapping: { x: 'row', y: 'column', entry: 'block' } });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ status: 'ready', mappingSource: 'request', summary: { update: 1 } });
    expect(again.body.preview[0]).toMatchObject({ plot: '101', plotRow: 3, plotColumn: 4, block: '5' });
    expect((await commit(app, res.body.id)).status).toBe(410);
    expect((await commit(app, again.body.id)).body).toMatchObject({ updated: 1 });
    expect((await plots()).find((p) => p.label === '101')).toMatchObject({ row: 3, column: 4, block: '5' });
    // The file is not kept past its commit.
    expect((await app.post(`/api/imports/${again.body.id}/mapping`, { mapping: { x: 'ignore' } })).status).toBe(409);
  });

  it('refuses two columns mapped to one field, a mapping without a label column and a bad row value, changing nothing', async () => {
    const before = await plots();
    const twice = await upload(app, `${plotsUrl()}&mapping=${encodeURIComponent(JSON.stringify({ pedigree: 'row' }))}`, fieldFile([['101', '7', '7', '8', '1']]), { lang: 'en' });
    expect(twice.body.status).toBe('invalid');
    expect(twice.body.issues).toEqual([{ row: 1, column: 'pedigree', message: 'is mapped to "row" like the column "row"; a field takes one column, set one of them to "ignore"' }]);
    expect((await commit(app, twice.body.id)).status).toBe(422);

    const noLabel = await upload(app, `${plotsUrl()}&mapping=${encodeURIComponent(JSON.stringify({ plot_id: 'ignore' }))}`, fieldFile([['101', '7', '7', 'a', '1']]), { lang: 'zh' });
    expect(noLabel.body.issues).toEqual([{ row: 1, column: '', message: '没有列对应到“小区编号”；请选择哪一列是小区编号' }]);

    const bad = await upload(app, plotsUrl(), fieldFile([['101', '7', '7', 'a', '1'], ['102', '0', '3', 'a', '1'], ['201', '2.5', '3', 'a', '1'], ['202', '', '4', 'a', '1'], ['203', '9', '9', 'a', '1']]), { lang: 'en' });
    expect(bad.body.status).toBe('invalid');
    expect(bad.body.issues).toEqual([
      { row: 3, column: 'row', message: '"row" must be a whole number from 1 to 10000; got "0"' },
      { row: 4, column: 'row', message: '"row" must be a whole number from 1 to 10000; got "2.5"' },
      { row: 5, column: 'row', message: '"column" is given, so "row" is needed too' },
      { row: 6, column: '', message: 'a new plot needs its "site": map a column to it' },
      { row: 6, column: '', message: 'a new plot needs its "arm": map a column to it' },
    ]);
    expect((await commit(app, bad.body.id)).status).toBe(422);

    const taken = await upload(app, plotsUrl(), utf8Csv([['plot', 'row', 'column'], ['102', '3', '4']]), { lang: 'en' });
    expect(taken.body.issues).toEqual([{ row: 2, column: 'row', message: 'row 3, column 4 is already the place of plot "101"' }]);

    const blankSite = await upload(app, plotsUrl(), utf8Csv([['plot', 'site'], ['101', '']]), { lang: 'en' });
    expect(blankSite.body.issues).toEqual([{ row: 2, column: 'site', message: expect.any(String) }]);

    const unknown = await upload(app, `${plotsUrl()}&mapping=${encodeURIComponent(JSON.stringify({ plot_id: 'variety' }))}`, fieldFile([['101', '1', '1', 'a', '1']]));
    expect(unknown.status).toBe(400);
    expect(await plots()).toEqual(before);
  });

  it('creates new plots with their places when the file maps a site and an arm', async () => {
    const res = await upload(app, plotsUrl(), utf8Csv([['plot_id', 'location', 'treatment', 'row', 'column'], ['301', '二工镇', '新春', '5', '1'], ['302', '二工镇', '当地', '5', '2']]));
    expect(res.body.mapping.map((m: { field: string }) => m.field)).toEqual(['label', 'ignore', 'arm', 'row', 'column']);
    expect(res.body.status).toBe('invalid');
    const mapped = await app.post(`/api/imports/${res.body.id}/mapping`, { mapping: { location: 'site' } });
    expect(mapped.body).toMatchObject({ status: 'ready', summary: { create: 2, errors: 0 } });
    expect((await commit(app, mapped.body.id)).body).toMatchObject({ created: 2 });
    expect((await plots()).filter((p) => p.label.startsWith('3')).map((p) => [p.label, p.siteName, p.arm, p.row, p.column])).toEqual([
      ['301', '二工镇', '新春', 5, 1],
      ['302', '二工镇', '当地', 5, 2],
    ]);
  });
});
