import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';

/**
 * A programme built through the API: four projects in three categories, outputs, training
 * with and without rosters, an inspection with rectification items. The summary must count
 * exactly what was entered, and say it in the report's words.
 */
/** One CSV line's fields (quoted fields may hold commas and doubled quotes). */
function csvFields(line: string): string[] {
  return [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)].map((m) => (m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]));
}

describe('programmes: projects, inspections, outputs and the annual summary', () => {
  let app: TestApp;
  let programmeId: number;
  const ids: Record<string, number> = {};

  async function project(key: string, body: Record<string, unknown>) {
    const res = await app.post('/api/projects', { name: `${key} 项目`, code: `PRG-${key}`, programmeId, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids[key] = res.body.id;
    return res.body;
  }

  beforeAll(async () => {
    app = await startTestApp();
    const created = await app.post('/api/programmes', { name: '2017年度自治区区域协同创新专项（测试）', nameEn: '2017 regional programme (test)', year: 2017 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    programmeId = created.body.id;
    await project('A', { category: 'prefecture', newThisYear: true, prefecture: '阿克苏地区', county: '乌什县', povertyCounty: true, supportingProvince: '浙江省', budget: '120.50', status: 'in_progress', targets: { personTimes: 300, demoHouseholds: 100 } });
    await project('B', { category: 'industrialisation', newThisYear: true, prefecture: '塔城地区', status: 'awaiting_acceptance', targets: { personTimes: 100 } });
    await project('C', { category: 'industrialisation', newThisYear: false, status: 'accepted' });
    await project('D', { newThisYear: true });
    // A project of no programme stays out of every count.
    const outside = await app.post('/api/projects', { name: '计划外项目', code: 'PRG-OUT', category: 'prefecture', newThisYear: true });
    expect(outside.status).toBe(201);
    ids.OUT = outside.body.id;

    const outputs: [string, Record<string, unknown>][] = [
      ['C', { kind: 'patent_utility', title: '一种立式冷渣机', number: 'ZL201720000001.1', date: '2017-08-01' }],
      ['C', { kind: 'patent_utility', title: '一种冷渣机排渣装置', number: 'ZL201720000002.X' }],
      ['C', { kind: 'centre', title: '燃煤烟气工程技术研究中心' }],
      ['B', { kind: 'extension_material', title: '技术宣传手册', count: 500 }],
      ['B', { kind: 'extension_material', title: '彩色挂图', count: 120 }],
      ['OUT', { kind: 'patent_invention', title: '计划外的专利' }],
    ];
    for (const [key, body] of outputs) {
      const res = await app.post(`/api/projects/${ids[key]}/outputs`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    // Training: A has a roster of two farmers over two sessions, B a head count only.
    const f1 = await app.post(`/api/projects/${ids.A}/farmers`, { name: '甲', demoHousehold: true, household: 'H1' });
    const f2 = await app.post(`/api/projects/${ids.A}/farmers`, { name: '乙', household: 'H2' });
    await app.post(`/api/projects/${ids.A}/training-sessions`, { heldOn: '2017-03-01', kind: 'training', topic: 't1', attendance: 10, attendees: [f1.body.id, f2.body.id] });
    await app.post(`/api/projects/${ids.A}/training-sessions`, { heldOn: '2017-04-01', kind: 'hands_on', topic: 't2', attendance: 1, attendees: [f1.body.id] });
    const headCount = await app.post(`/api/projects/${ids.B}/training-sessions`, { heldOn: '2017-05-01', kind: 'field_day', topic: '观摩会', attendance: 40 });
    expect(headCount.status).toBe(201);
    await app.post(`/api/projects/${ids.OUT}/training-sessions`, { heldOn: '2017-05-01', kind: 'field_day', topic: 'x', attendance: 999 });
  });
  afterAll(() => app?.close());

  it('creates and lists programmes, refusing bad input by field in the caller’s language', async () => {
    const list = await app.get('/api/programmes');
    expect(list.status).toBe(200);
    expect(list.body.map((p: { id: number }) => p.id)).toContain(programmeId);
    const bad = await app.post('/api/programmes', { name: '', year: 'twenty' }, { 'accept-language': 'en' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['name', 'year']);
    expect(bad.body.error.issues.find((i: { path: string }) => i.path === 'year').message).toBe('must be a whole number');
    const dup = await app.post('/api/programmes', { name: '2017年度自治区区域协同创新专项（测试）', year: 2017 });
    expect(dup.status).toBe(400);
    expect(dup.body.error.issues[0]).toMatchObject({ path: 'name' });
    expect(dup.body.error.issues[0].message).toContain('已存在');
    expect((await app.get('/api/programmes')).body).toHaveLength(1);
    const one = await app.get(`/api/programmes/${programmeId}`);
    expect(one.body).toMatchObject({ id: programmeId, year: 2017, complete: true });
    expect(one.body.projects.map((p: { code: string }) => p.code)).toEqual(['PRG-A', 'PRG-B', 'PRG-C', 'PRG-D']);
    expect((await app.get('/api/programmes/999999')).status).toBe(404);
  });

  it('keeps a project’s programme fields and refuses unknown enum values and programmes', async () => {
    const a = (await app.get(`/api/projects/${ids.A}`)).body;
    expect(a).toMatchObject({ programmeId, category: 'prefecture', newThisYear: true, prefecture: '阿克苏地区', county: '乌什县', povertyCounty: true, supportingProvince: '浙江省', budget: '120.50', status: 'in_progress' });
    const bad = await app.patch(`/api/projects/${ids.A}`, { category: '产业化', status: 'done', programmeId: 999999, budget: '-3' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['budget', 'category', 'status']);
    const noProgramme = await app.patch(`/api/projects/${ids.A}`, { programmeId: 999999 });
    expect(noProgramme.status).toBe(400);
    expect(noProgramme.body.error.issues).toEqual([{ path: 'programmeId', message: '没有计划 999999' }]);
    expect((await app.get(`/api/projects/${ids.A}`)).body.version).toBe(a.version);
    // A budget in 万元 to the fen (0.000001 万元) is kept exactly, not rounded to 100 yuan.
    expect((await app.patch(`/api/projects/${ids.A}`, { budget: '12.345678' })).body.budget).toBe('12.345678');
    expect((await app.get(`/api/projects/${ids.A}`)).body.budget).toBe('12.345678');
    expect((await app.patch(`/api/projects/${ids.A}`, { budget: '120.50' })).body.budget).toBe('120.50');
  });

  it('summarises exactly what is in the database', async () => {
    const res = await app.get(`/api/programmes/${programmeId}/summary`);
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s.projects).toBe(4);
    expect(s.newProjects).toBe(3);
    expect(s.byCategory).toEqual({ prefecture: 1, poor_county: 0, industrialisation: 2, other: 0 });
    expect(s.newByCategory).toEqual({ prefecture: 1, poor_county: 0, industrialisation: 1, other: 0 });
    expect(s.byStatus).toEqual({ proposed: 0, approved: 0, in_progress: 1, awaiting_acceptance: 1, accepted: 1, rectifying: 0, none: 1 });
    expect(s.outputs).toEqual({ patent_utility: 2, patent_invention: 0, centre: 1, postdoc_station: 0, standard: 0, publication: 0, extension_material: 2, other: 0 });
    expect(s.extensionMaterialsDistributed).toBe(620);
    expect(s.training).toEqual({ sessions: 3, personTimes: 51, uniqueFarmers: 2, sessionsWithoutRoster: 1, demoHouseholds: 1, targets: { personTimes: 400, demoHouseholds: 100 } });
    expect(s.complete).toBe(true);
  });

  it('writes the summary sentences in the report’s style from those counts', async () => {
    const { zh, en } = (await app.get(`/api/programmes/${programmeId}/summary`)).body.sentences;
    expect(zh).toContain('2017年度共安排项目4项，新上项目3项，其中面向地州市类的援疆项目1个，面向贫困县项目0个，面向产业化发展类项目1个，未填写类别的1个。');
    expect(zh).toContain('项目实施过程中获得2项实用新型专利，建成研究中心（工程技术中心）1个（燃煤烟气工程技术研究中心），编印技术宣传资料2种，发放620份。');
    expect(zh).toContain('开展培训和现场观摩3期，培训农民51人次，签到名单中登记农民2人（示范户1户），另有1期只记录了人数。');
    expect(zh).not.toContain('发明专利');
    expect(en).toContain('In 2017 the programme had 4 projects, 3 of them new: 1 for prefectures and cities, 0 for poverty counties, 1 for industrialisation and 1 without a category.');
    expect(en).toContain('obtained 2 utility-model patents');
  });

  it('refuses to accept a project while a rectification item is open, naming the items', async () => {
    const inspection = await app.post(`/api/projects/${ids.B}/inspections`, {
      date: '2017-11-20',
      experts: ['张教授', '李研究员'],
      findings: '示范棚运行正常，资料归档不全。',
      rectifications: [
        { item: '补齐示范棚温度记录', dueOn: '2017-12-31' },
        { item: '整理观摩会签到表', dueOn: '2099-01-31' },
      ],
    });
    expect(inspection.status, JSON.stringify(inspection.body)).toBe(201);
    expect(inspection.body.rectifications).toHaveLength(2);
    expect(inspection.body.rectifications[0]).toMatchObject({ item: '补齐示范棚温度记录', open: true, overdue: true, closedOn: null });
    expect(inspection.body.rectifications[1]).toMatchObject({ open: true, overdue: false });

    const refused = await app.patch(`/api/projects/${ids.B}`, { status: 'accepted' }, { 'accept-language': 'en' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('OpenRectifications');
    // One list for every language (the catalogue's placeholders are the same in zh, en and ug).
    expect(refused.body.error.message).toContain('“补齐示范棚温度记录”; “整理观摩会签到表”');
    expect(refused.body.error.openItems.map((i: { item: string }) => i.item)).toEqual(['补齐示范棚温度记录', '整理观摩会签到表']);
    expect((await app.get(`/api/projects/${ids.B}`)).body.status).toBe('awaiting_acceptance');

    const [first, second] = inspection.body.rectifications;
    const early = await app.post(`/api/rectifications/${first.id}/close`, { closedOn: '2017-11-01', note: '已补齐' });
    expect(early.status).toBe(400);
    expect(early.body.error.issues[0].path).toBe('closedOn');
    const noNote = await app.post(`/api/rectifications/${first.id}/close`, { closedOn: '2017-12-10' });
    expect(noNote.status).toBe(400);
    expect(noNote.body.error.issues[0].path).toBe('note');
    const closed = await app.post(`/api/rectifications/${first.id}/close`, { closedOn: '2017-12-10', note: '温度记录已补齐并归档' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ closedOn: '2017-12-10', note: '温度记录已补齐并归档', open: false, overdue: false });
    expect((await app.post(`/api/rectifications/${first.id}/close`, { closedOn: '2017-12-11', note: 'again' })).status).toBe(409);

    const stillOne = await app.patch(`/api/projects/${ids.B}`, { status: 'accepted' });
    expect(stillOne.status).toBe(409);
    expect(stillOne.body.error.message).toContain('“整理观摩会签到表”');
    expect(stillOne.body.error.message).not.toContain('补齐示范棚温度记录');

    const summary = (await app.get(`/api/programmes/${programmeId}/summary`)).body;
    expect(summary.inspections).toEqual({ inspections: 1, projectsInspected: 1, rectifications: 2, closed: 1, open: 1, overdue: 0 });
    expect(summary.sentences.zh).toContain('组织专家对1个拟验收项目实地查验1次，提出整改建议2条，已整改1条，尚未整改1条。');

    expect((await app.post(`/api/rectifications/${second.id}/close`, { closedOn: '2018-01-05', note: '签到表已整理' })).status).toBe(200);
    const accepted = await app.patch(`/api/projects/${ids.B}`, { status: 'accepted' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('accepted');
    // An accepted project cannot be given open items without leaving "accepted" first.
    const reopened = await app.post(`/api/projects/${ids.B}/inspections`, { date: '2018-02-01', experts: ['王'], findings: '复查', rectifications: [{ item: '新问题' }] });
    expect(reopened.status).toBe(409);
    expect(reopened.body.error.code).toBe('ProjectAccepted');
    const list = await app.get(`/api/projects/${ids.B}/inspections`);
    expect(list.body).toHaveLength(1);
    expect(list.body[0].rectifications.every((r: { open: boolean }) => !r.open)).toBe(true);
  });

  it('names the failing field and row of an inspection’s rectification items, and saves nothing', async () => {
    const bad = await app.post(`/api/projects/${ids.A}/inspections`, {
      date: '2017-11-20',
      experts: [],
      findings: 'x',
      rectifications: [{ item: 'ok', dueOn: '2017-12-01' }, { item: '', dueOn: '2017-13-01' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['experts', 'rectifications.1.dueOn', 'rectifications.1.item']);
    const early = await app.post(`/api/projects/${ids.A}/inspections`, { date: '2017-11-20', experts: ['a'], findings: 'x', rectifications: [{ item: 'late', dueOn: '2017-11-01' }] });
    expect(early.status).toBe(400);
    expect(early.body.error.issues).toEqual([{ path: 'rectifications.0.dueOn', message: '整改期限 2017-11-01 早于查验日期 2017-11-20' }]);
    expect((await app.get(`/api/projects/${ids.A}/inspections`)).body).toEqual([]);
  });

  it('lists outputs and refuses an unknown kind', async () => {
    const list = await app.get(`/api/projects/${ids.C}/outputs`);
    expect(list.body.map((o: { kind: string }) => o.kind)).toEqual(['patent_utility', 'patent_utility', 'centre']);
    expect(list.body[0]).toMatchObject({ title: '一种立式冷渣机', number: 'ZL201720000001.1', date: '2017-08-01' });
    const bad = await app.post(`/api/projects/${ids.C}/outputs`, { kind: 'patent', title: 'x', count: -1 }, { 'accept-language': 'en' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['count', 'kind']);
    expect((await app.get(`/api/projects/${ids.C}/outputs`)).body).toHaveLength(3);
  });

  it('exports the programme’s projects as CSV and XLSX', async () => {
    const csv = await fetch(`${app.baseUrl}/api/programmes/${programmeId}/export?format=csv`, { headers: { authorization: `Bearer ${app.admin.token}` } });
    expect(csv.status).toBe(200);
    const text = await csv.text();
    const lines = text.replace(/^\uFEFF/, '').trim().split(/\r\n/);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('援疆省市');
    expect(lines.find((l) => l.startsWith('PRG-A'))).toContain('地州市类');
    expect(lines.find((l) => l.startsWith('PRG-A'))).toContain('120.50');
    const xlsx = await fetch(`${app.baseUrl}/api/programmes/${programmeId}/export?format=xlsx`, { headers: { authorization: `Bearer ${app.admin.token}` } });
    expect(xlsx.status).toBe(200);
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
  });

  it('counts only the projects a member may see, and says the summary is partial', async () => {
    const viewer = await app.as('viewer', [ids.A]);
    const s = (await viewer.get(`/api/programmes/${programmeId}/summary`)).body;
    expect(s.complete).toBe(false);
    expect(s.projects).toBe(1);
    expect(s.outputs.patent_utility).toBe(0);
    const one = (await viewer.get(`/api/programmes/${programmeId}`)).body;
    expect(one.projects.map((p: { id: number }) => p.id)).toEqual([ids.A]);
  });
  it('never shows an unknown or lower-bound count of farmers or households as exact: page, A4 summary and export', async () => {
    const g = await app.post('/api/programmes', { name: '名单不全的计划（测试）', year: 2018 });
    expect(g.status, JSON.stringify(g.body)).toBe(201);
    // X: head counts only (households unknown) with a household target; Y: a roster of one
    // demonstration household and one session without a roster (a lower bound).
    const x = await app.post('/api/projects', { name: 'X 项目', code: 'RB-X', programmeId: g.body.id, targets: { personTimes: 100, demoHouseholds: 10 } });
    const y = await app.post('/api/projects', { name: 'Y 项目', code: 'RB-Y', programmeId: g.body.id, targets: { personTimes: 100, demoHouseholds: 4 } });
    await app.post(`/api/projects/${x.body.id}/training-sessions`, { heldOn: '2018-03-01', kind: 'training', topic: 'x1', attendance: 30 });
    await app.post(`/api/projects/${x.body.id}/training-sessions`, { heldOn: '2018-03-02', kind: 'training', topic: 'x2', attendance: 20 });
    const f = await app.post(`/api/projects/${y.body.id}/farmers`, { name: '丙', demoHousehold: true, household: 'H9' });
    await app.post(`/api/projects/${y.body.id}/training-sessions`, { heldOn: '2018-04-01', kind: 'training', topic: 'y1', attendance: 5, attendees: [f.body.id] });
    const last = await app.post(`/api/projects/${y.body.id}/training-sessions`, { heldOn: '2018-04-02', kind: 'field_day', topic: 'y2', attendance: 40 });
    expect(last.status).toBe(201);

    const html = async (path: string, lang: 'zh' | 'en') => {
      const res = await fetch(app.baseUrl + path, { headers: { accept: 'text/html', cookie: `lang=${lang}`, authorization: `Bearer ${app.admin.token}` } });
      expect(res.status, path).toBe(200);
      return parseHTML(await res.text()).document;
    };
    const cells = (row: Element) => [...row.querySelectorAll('th, td')].map((c) => c.textContent!.replace(/\s+/g, ' ').trim());
    for (const lang of ['zh', 'en'] as const) {
      const doc = await html(`/programmes/${g.body.id}`, lang);
      const rows = [...doc.querySelectorAll('#targets tbody tr')].map(cells);
      const [rowX, rowY, total] = rows;
      // Unknown: a dash and no percentage of the target.
      expect(rowX[5], lang).toBe('—');
      expect(rowX[4], lang).toBe('—');
      // A lower bound: its progress is a lower bound too.
      expect(rowY[5], lang).toMatch(/^≥ 1\b.*\(≥ 25%\)$/);
      // The total adds the known counts and says how many sessions lack a roster.
      const atLeast = lang === 'zh' ? '≥ 1（3 场仅记人数）' : '≥ 1 (3 sessions without a roster)';
      expect(total[4], lang).toBe(atLeast);
      expect(total[5], lang).toBe(atLeast);

      const summary = await html(`/programmes/${g.body.id}/summary`, lang);
      const facts = [...summary.querySelectorAll('.a4-tables tr')].map(cells);
      const fact = (label: string) => facts.find((r) => r[0] === label)?.[1];
      expect(fact(lang === 'zh' ? '实际人数' : 'Unique farmers')).toBe(atLeast);
      expect(fact(lang === 'zh' ? '示范户' : 'Demonstration households')).toBe(atLeast);
    }

    const csv = await fetch(`${app.baseUrl}/api/programmes/${g.body.id}/export?format=csv&lang=en`, { headers: { authorization: `Bearer ${app.admin.token}` } });
    const lines = (await csv.text()).replace(/^\uFEFF/, '').trim().split(/\r\n/).map(csvFields);
    const header = lines[0];
    // The original columns keep their names and places; the new ones follow them.
    expect(header.slice(13, 18)).toEqual(['Training target (person-times)', 'Person-times', 'Unique farmers', 'Demonstration households target', 'Demonstration households']);
    expect(header.slice(-2)).toEqual(['Unique farmers and households: basis', 'Sessions without a roster']);
    const col = (name: string, code: string) => lines.find((l) => l[0] === code)![header.indexOf(name)];
    expect(col('Unique farmers', 'RB-X')).toBe('');
    expect(col('Unique farmers and households: basis', 'RB-X')).toBe('unknown (no session has a roster)');
    expect(col('Sessions without a roster', 'RB-X')).toBe('2');
    expect(col('Unique farmers', 'RB-Y')).toBe('1');
    expect(col('Unique farmers and households: basis', 'RB-Y')).toBe('lower bound (some sessions have no roster)');
    expect(col('Sessions without a roster', 'RB-Y')).toBe('1');
  });
});
