import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';
import { commit, upload, XLSX } from '../support/imports.js';
import { day, gbkCsv, utf8Csv, xlsxFile } from '../fixtures/import-files.js';

describe('importing a plot layout and a training ledger', () => {
  let app: TestApp;
  let projectId: number;
  let trialId: number;
  let farmers: { id: number; name: string }[];

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    const { project } = await makeProject(app, ['二工镇', '和布克赛尔']);
    projectId = project.id;
    await app.patch(`/api/sites/${(await app.get(`/api/projects/${projectId}/sites`)).body[1].id}`, { nameEn: 'Hoboksar' });
    const trial = await app.post(`/api/projects/${projectId}/trials`, {
      name: '番茄示范',
      crop: 'tomato',
      design: 'rcbd',
      arms: [
        { name: '秸秆降解', role: 'treatment' },
        { name: '常规', role: 'control' },
      ],
      variables: ['yield_kg_per_mu'],
    });
    trialId = trial.body.id;
    const made = await app.post(`/api/projects/${projectId}/farmers`, [
      { name: '王秀兰', gender: 'female' },
      { name: '李建国', gender: 'male' },
      { name: '张海燕', gender: 'female' },
      { name: '张海燕', gender: 'female', village: '二村' },
    ]);
    farmers = made.body;
  });
  afterAll(async () => {
    await app.close();
  });

  const plots = async () => (await app.get(`/api/trials/${trialId}/plots`)).body as { id: number; label: string; siteName: string; arm: string; block: string | null; areaM2: number | null; plantedOn: string | null; version: number }[];

  it('creates the plots of a GBK layout sheet, then sees the same sheet as unchanged and a changed row as an update', async () => {
    const rows: (string | number | null)[][] = [
      ['示范点', '小区', '处理', '区组', '面积（平方米）', '定植日期'],
      ['二工镇', 'A-1', '秸秆降解', 'I', '667', '2017/3/20'],
      ['二工镇', 'A-2', '常规', 'I', '６６７', '2017年3月20日'],
      ['Hoboksar', 'B-1', '秸秆降解', 'II', '1,334', '2017.3.25'],
      ['和布克赛尔', 'B-2', '常规', 'II', null, null],
    ];
    const res = await upload(app, `/api/trials/${trialId}/imports?kind=plots`, gbkCsv(rows));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'plots', shape: 'table', status: 'ready', rows: 4, summary: { create: 4, update: 0, unchanged: 0, errors: 0 } });
    expect((await commit(app, res.body.id)).body).toMatchObject({ created: 4 });
    expect((await plots()).map((p) => [p.siteName, p.label, p.arm, p.block, p.areaM2, p.plantedOn])).toEqual([
      ['二工镇', 'A-1', '秸秆降解', 'I', 667, '2017-03-20'],
      ['二工镇', 'A-2', '常规', 'I', 667, '2017-03-20'],
      ['和布克赛尔', 'B-1', '秸秆降解', 'II', 1334, '2017-03-25'],
      ['和布克赛尔', 'B-2', '常规', 'II', null, null],
    ]);

    const again = await upload(app, `/api/trials/${trialId}/imports?kind=plots`, gbkCsv(rows));
    expect(again.body.summary).toEqual({ create: 0, update: 0, unchanged: 4, errors: 0 });
    rows[4][5] = '2017-03-26';
    const changed = await upload(app, `/api/trials/${trialId}/imports?kind=plots`, gbkCsv(rows));
    expect(changed.body.summary).toEqual({ create: 0, update: 1, unchanged: 3, errors: 0 });
    expect(changed.body.preview[3]).toMatchObject({ row: 5, action: 'update', plot: 'B-2', plantedOn: '2017-03-26', previous: { plantedOn: null } });
    expect((await commit(app, changed.body.id)).body).toMatchObject({ created: 0, updated: 1, unchanged: 3 });
    expect((await plots()).find((p) => p.label === 'B-2')).toMatchObject({ plantedOn: '2017-03-26', version: 2 });
  });

  it('refuses a layout with an unknown site or arm, a repeated label or a bad area, naming each cell', async () => {
    const res = await upload(
      app,
      `/api/trials/${trialId}/imports?kind=plots`,
      utf8Csv([
        ['site', 'plot', 'arm', 'area_m2'],
        ['二工镇', 'C-1', '秸秆降解', '100'],
        ['三工镇', 'C-2', '常规', '100'],
        ['二工镇', 'C-3', '对照', '100'],
        ['二工镇', 'C-1', '常规', '100'],
        ['二工镇', 'C-4', '常规', '-5'],
      ]),
      { lang: 'en' },
    );
    expect(res.body.status).toBe('invalid');
    expect(res.body.issues).toEqual([
      { row: 3, column: 'site', message: 'the project has no site 三工镇' },
      { row: 4, column: 'arm', message: 'the trial has no arm "对照"; it has: 秸秆降解, 常规' },
      { row: 5, column: 'plot', message: '"C-1" appears more than once in this submission' },
      { row: 6, column: 'area_m2', message: 'must be greater than 0; got -5' },
    ]);
    expect((await commit(app, res.body.id)).status).toBe(422);
    expect((await plots()).some((p) => p.label.startsWith('C-'))).toBe(false);
  });

  it('imports an XLSX training ledger with its roster by farmer name, and re-imports it as unchanged', async () => {
    const [wang, li, zhang1] = farmers;
    const rows = [
      ['日期', '类型', '主题', '示范点', '培训人', '参加人数', '女性人数', '签到名单'],
      [day('2017-02-21'), '培训', '秸秆生物反应堆建造', '二工镇', '辽宁省农技总站', 24, 7, `王秀兰、李建国、张海燕#${zhang1.id}`],
      [day('2017-05-26'), '现场观摩会', '示范棚观摩', 'Hoboksar', null, 46, 17, null],
      ['2017/6/5', 'hands_on', '整枝打杈', null, '塔城农技中心', '3', null, '王秀兰，李建国'],
    ];
    const res = await upload(app, `/api/projects/${projectId}/imports?kind=training`, await xlsxFile(rows), { type: XLSX });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'training', status: 'ready', summary: { create: 3, errors: 0 } });
    expect((await commit(app, res.body.id)).body).toMatchObject({ created: 3 });
    const sessions = (await app.get(`/api/projects/${projectId}/training-sessions`)).body;
    expect(sessions.map((s: { heldOn: string; kind: string; attendance: number; women: number | null; attendees: number[] | null }) => [s.heldOn, s.kind, s.attendance, s.women, s.attendees])).toEqual([
      ['2017-02-21', 'training', 24, 7, [wang.id, li.id, zhang1.id].sort((a, b) => a - b)],
      ['2017-05-26', 'field_day', 46, 17, null],
      ['2017-06-05', 'hands_on', 3, null, [wang.id, li.id].sort((a, b) => a - b)],
    ]);
    const again = await upload(app, `/api/projects/${projectId}/imports`, await xlsxFile(rows), { type: XLSX });
    expect(again.body.summary).toEqual({ create: 0, update: 0, unchanged: 3, errors: 0 });
  });

  it('refuses a ledger whose head counts contradict its roster, or whose names are ambiguous', async () => {
    const res = await upload(
      app,
      `/api/projects/${projectId}/imports?kind=training`,
      utf8Csv([
        ['date', 'kind', 'topic', 'attendance', 'women', 'attendees'],
        ['2017-07-01', 'training', 'A', '1', '0', '王秀兰、李建国'],
        ['2017-07-02', 'training', 'B', '5', '6', null],
        ['2017-07-03', 'training', 'C', '5', null, '张海燕'],
        ['2017-07-04', '讲座', 'D', '5', null, '赵六'],
      ]),
      { lang: 'en' },
    );
    expect(res.body.issues).toEqual([
      { row: 2, column: 'attendance', message: "attendance 1 is below the roster's 2 farmers" },
      { row: 2, column: 'women', message: 'women 0 is below the 1 women on the roster' },
      { row: 3, column: 'women', message: 'women 6 exceed attendance 5' },
      { row: 4, column: 'attendees', message: 'several farmers are called "张海燕"; write "name#id"' },
      { row: 5, column: 'kind', message: 'unknown session kind "讲座"; use one of: 培训、现场观摩、手把手' },
      { row: 5, column: 'attendees', message: 'the project has no farmer 赵六' },
    ]);
  });
});
