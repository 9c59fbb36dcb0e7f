import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, FLOWERING, makeProject, YIELD } from '../support/factories.js';

const VIGOUR = { code: 'vigour_t', name: '长势', nameEn: 'vigour', kind: 'category', categories: ['旺', '中', '弱'] };
const FRUITS = { code: 'fruit_count', name: '坐果数', kind: 'count', minimum: 0, maximum: 500 };
const MASS = { code: 'sample_mass_g', name: '样品质量', kind: 'number', unit: 'g' };

describe('the JSON API of the trial data model', () => {
  let app: TestApp;
  let projectId: number;
  let siteId: number;
  let otherSiteId: number;
  let trialId: number;

  /** Row counts of every data table: a refused request must leave them all unchanged. */
  async function counts() {
    const tables = ['projects', 'sites', 'variables', 'trials', 'plots', 'observations', 'farmers', 'training_sessions', 'training_attendees'];
    const out: Record<string, number> = {};
    for (const t of tables) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(t)}`.execute(app.db);
      out[t] = rows[0].n;
    }
    return out;
  }

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD, FLOWERING, VIGOUR, FRUITS, MASS]);
    const { project, sites } = await makeProject(app, ['二工镇', '和布克赛尔']);
    projectId = project.id;
    siteId = sites[0].id;
    otherSiteId = (await makeProject(app, ['elsewhere'])).sites[0].id;
    const trial = await app.post(`/api/projects/${projectId}/trials`, {
      name: '番茄示范',
      crop: 'tomato',
      season: '2017',
      design: 'crd',
      arms: [
        { name: 'straw', role: 'treatment' },
        { name: 'conventional', role: 'control' },
      ],
      variables: ['yield_kg_per_mu', 'flowering_date', 'vigour_t', 'fruit_count', 'sample_mass_g'],
    });
    expect(trial.status).toBe(201);
    trialId = trial.body.id;
    const plots = await app.post(`/api/trials/${trialId}/plots`, [
      { siteId, label: 'T1', arm: 'straw', plantedOn: '2017-03-02', areaM2: 667 },
      { siteId, label: 'C1', arm: 'conventional', plantedOn: '2017-03-02' },
    ]);
    expect(plots.status).toBe(201);
  });
  afterAll(() => app?.close());

  it('answers health with the database kind', async () => {
    const res = await app.get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: process.env.DEMOPLOT_TEST_DB === 'postgresql' ? 'postgresql' : 'pglite' });
  });

  it('creates, reads and patches a project with its targets', async () => {
    const created = await app.post('/api/projects', {
      name: '阿克苏万亩亿元',
      nameEn: 'Aksu programme',
      code: 'AKS-T',
      category: 'prefecture',
      leadOrganisation: '浙江省农科院',
      partnerOrganisations: ['阿克苏地区科技局'],
      startsOn: '2017-01-01',
      endsOn: '2018-12-31',
      targets: { personTimes: 300, demoHouseholds: 100 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), code: 'AKS-T', targets: { personTimes: 300, demoHouseholds: 100 }, version: 1 });
    const patched = await app.patch(`/api/projects/${created.body.id}`, { targets: { personTimes: 350 }, version: 1 });
    expect(patched.status).toBe(200);
    expect(patched.body.targets).toEqual({ personTimes: 350, demoHouseholds: 100 });
    expect(patched.body.version).toBe(2);
    const stale = await app.patch(`/api/projects/${created.body.id}`, { name: 'x', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('VersionConflict');
    expect(stale.body.error.current.name).toBe('阿克苏万亩亿元');
    const list = await app.get('/api/projects');
    expect(list.status).toBe(200);
    expect(list.body.some((p: any) => p.id === created.body.id)).toBe(true);
  });

  it('numbers a project without a code', async () => {
    const res = await app.post('/api/projects', { name: '无编码项目' });
    expect(res.status).toBe(201);
    expect(res.body.code).toBe(`P${res.body.id}`);
  });

  it('creates and patches sites, refusing a duplicate name', async () => {
    const res = await app.post(`/api/projects/${projectId}/sites`, { name: '什托洛盖镇', county: '和布克赛尔县', kind: 'greenhouse', latitude: 46.2361, longitude: 85.9658 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ projectId, latitude: 46.2361, longitude: 85.9658, kind: 'greenhouse' });
    const dup = await app.post(`/api/projects/${projectId}/sites`, { name: '什托洛盖镇' });
    expect(dup.status).toBe(400);
    expect(dup.body.error.issues[0].path).toBe('name');
    const patched = await app.patch(`/api/sites/${res.body.id}`, { village: '一村' });
    expect(patched.body.village).toBe('一村');
    expect((await app.get(`/api/sites/${res.body.id}`)).body.village).toBe('一村');
    // Coordinates as a GPS gives them, kept to the last decimal.
    const gps = await app.patch(`/api/sites/${res.body.id}`, { latitude: 46.23612345678, longitude: -85.9658123456789 });
    expect(gps.status).toBe(200);
    expect((await app.get(`/api/sites/${res.body.id}`)).body).toMatchObject({ latitude: 46.23612345678, longitude: -85.9658123456789 });
  });

  it('keeps a number exactly as entered, never rounded by float storage', async () => {
    const res = await app.post(`/api/trials/${trialId}/observations`, [
      { plot: 'T1', variable: 'yield_kg_per_mu', value: '5427.10', observedOn: '2017-05-01' },
      { plot: 'T1', variable: 'yield_kg_per_mu', value: 0.1, observedOn: '2017-05-02' },
      { plot: 'C1', variable: 'sample_mass_g', value: '12345678901234.123456789', observedOn: '2017-05-02' },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.map((o: any) => o.valueText)).toEqual(['5427.10', '0.1', '12345678901234.123456789']);
    expect(res.body[0].value).toBe(5427.1);
    const { rows } = await sql<{ v: string }>`select value_number::text as v from observations where id = ${res.body[2].id}`.execute(app.db);
    expect(rows[0].v).toBe('12345678901234.123456789');
    // Several harvests of one plot are normal: the report sums them (aggregation: sum).
    const report = (await app.get(`/api/trials/${trialId}/report`)).body;
    const y = report.comparisons.find((c: any) => c.variable.code === 'yield_kg_per_mu');
    expect(y.sites[0].meanTreatment).toBeCloseTo(5427.2, 9);
  });

  it('stores a date as a date and reads it back unchanged', async () => {
    const res = await app.post(`/api/trials/${trialId}/observations`, [{ plot: 'T1', variable: 'flowering_date', value: '2017-04-04', notes: '第一穗花' }]);
    expect(res.status).toBe(201);
    expect(res.body[0]).toMatchObject({ value: '2017-04-04', notes: '第一穗花', plot: 'T1', variable: 'flowering_date' });
    const one = await app.get(`/api/observations/${res.body[0].id}`);
    expect(one.body.value).toBe('2017-04-04');
  });

  describe('refuses bad input, names the field and row, and writes nothing', () => {
    const cases: [string, string, unknown, { row?: number; path: string }[]][] = [
      ['an unknown plot', 'observations', [{ plot: 'T1', variable: 'yield_kg_per_mu', value: 1 }, { plot: 'NOPE', variable: 'yield_kg_per_mu', value: 1 }], [{ row: 2, path: 'plot' }]],
      ['an unknown variable', 'observations', [{ plot: 'T1', variable: 'nope', value: 1 }], [{ row: 1, path: 'variable' }]],
      ['an impossible date', 'observations', [{ plot: 'T1', variable: 'yield_kg_per_mu', value: 1 }, { plot: 'T1', variable: 'flowering_date', value: '2017-02-30' }], [{ row: 2, path: 'value' }]],
      ['a number with letters', 'observations', [{ plot: 'T1', variable: 'yield_kg_per_mu', value: '12abc' }], [{ row: 1, path: 'value' }]],
      ['a value above the maximum', 'observations', [{ plot: 'T1', variable: 'yield_kg_per_mu', value: 30000.5 }], [{ row: 1, path: 'value' }]],
      ['a negative count', 'observations', [{ plot: 'T1', variable: 'fruit_count', value: -1 }], [{ row: 1, path: 'value' }]],
      ['a fractional count', 'observations', [{ plot: 'T1', variable: 'fruit_count', value: '2.5' }], [{ row: 1, path: 'value' }]],
      ['a category not in the list', 'observations', [{ plot: 'T1', variable: 'vigour_t', value: '很好' }], [{ row: 1, path: 'value' }]],
      ['a bad observed-on date', 'observations', [{ plot: 'T1', variable: 'yield_kg_per_mu', value: 1, observedOn: '2017-13-01' }], [{ row: 1, path: 'observedOn' }]],
      ['a missing value', 'observations', [{ plot: 'T1', variable: 'yield_kg_per_mu' }], [{ row: 1, path: 'value' }]],
      ['an arm the trial does not have', 'plots', { siteId: 0, label: 'X9', arm: 'foliar' }, [{ path: 'siteId' }]],
      ['an arm the trial does not have (valid site)', 'plots', 'ARM', [{ path: 'arm' }]],
      ['a duplicate plot label', 'plots', 'DUP', [{ path: 'label' }]],
      ['a site of another project', 'plots', 'OTHER', [{ path: 'siteId' }]],
    ];
    it.each(cases)('%s', async (_name, kind, body, expected) => {
      const payload =
        body === 'ARM' ? { siteId, label: 'X1', arm: 'foliar' } : body === 'DUP' ? { siteId, label: 'T1', arm: 'straw' } : body === 'OTHER' ? { siteId: otherSiteId, label: 'X2', arm: 'straw' } : body;
      const before = await counts();
      const res = await app.post(`/api/trials/${trialId}/${kind}`, payload);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ValidationFailed');
      for (const e of expected) {
        expect(res.body.error.issues).toContainEqual(expect.objectContaining({ ...e, message: expect.any(String) }));
      }
      expect(await counts()).toEqual(before);
    });

    it('a duplicate variable code', async () => {
      const before = await counts();
      const res = await app.post('/api/variables', { code: 'yield_kg_per_mu', name: '产量', kind: 'number' });
      expect(res.status).toBe(400);
      expect(res.body.error.issues[0]).toMatchObject({ path: 'code' });
      expect(await counts()).toEqual(before);
    });

    it('a category variable listing one category twice, and a minimum above the maximum by less than a double can tell', async () => {
      const before = await counts();
      const twice = await app.post('/api/variables', { code: 'vigour_twice', name: '长势2', kind: 'category', categories: ['旺', '中', ' 旺 '] }, { 'accept-language': 'en' });
      expect(twice.status).toBe(400);
      expect(twice.body.error.issues[0]).toMatchObject({ path: 'categories' });
      expect(twice.body.error.issues[0].message).toContain('same category');
      const range = await app.post('/api/variables', { code: 'tight', name: '窄', kind: 'number', minimum: '30000.0000000000000001', maximum: '30000' });
      expect(range.status).toBe(400);
      expect(range.body.error.issues[0]).toMatchObject({ path: 'maximum' });
      expect(await counts()).toEqual(before);
    });

    it('malformed JSON', async () => {
      const before = await counts();
      const res = await app.post(`/api/trials/${trialId}/observations`, '[{"plot": "T1",');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('MalformedJson');
      expect(await counts()).toEqual(before);
    });

    it('a trial with an unknown variable, arms missing a name and two controls', async () => {
      const before = await counts();
      const res = await app.post(`/api/projects/${projectId}/trials`, {
        name: 'bad',
        crop: 'x',
        design: 'latin',
        arms: [{ role: 'control' }, { name: 'b', role: 'control' }],
        variables: ['nope'],
      });
      expect(res.status).toBe(400);
      const paths = res.body.error.issues.map((i: any) => i.path);
      expect(paths).toEqual(expect.arrayContaining(['design', 'arms.0.name']));
      expect(await counts()).toEqual(before);
    });

    it('a training session whose attendance is below its roster', async () => {
      const farmers = await app.post(`/api/projects/${projectId}/farmers`, [
        { name: '阿依古丽', gender: 'female', village: '一村', demoHousehold: true },
        { name: '买买提', gender: 'male', village: '一村' },
      ]);
      expect(farmers.status).toBe(201);
      const before = await counts();
      const res = await app.post(`/api/projects/${projectId}/training-sessions`, {
        heldOn: '2017-05-20',
        kind: 'training',
        topic: '菌袋制作',
        attendance: 1,
        attendees: farmers.body.map((f: any) => f.id),
      });
      expect(res.status).toBe(400);
      expect(res.body.error.issues[0].path).toBe('attendance');
      // A roster naming both attendees (one woman) cannot have two women.
      const women = await app.post(`/api/projects/${projectId}/training-sessions`, { heldOn: '2017-05-20', kind: 'training', topic: '菌袋制作', attendance: 2, women: 2, attendees: farmers.body.map((f: any) => f.id) }, { 'accept-language': 'en' });
      expect(women.status).toBe(400);
      expect(women.body.error.issues[0]).toMatchObject({ path: 'women', message: expect.stringContaining('above the 1 women on the roster') });
      expect(await counts()).toEqual(before);
    });
  });

  it('answers 404 for unknown ids and routes', async () => {
    for (const path of ['/api/projects/999999', '/api/sites/999999', '/api/trials/999999', '/api/trials/abc', '/api/observations/999999', '/api/nothing-here']) {
      const res = await app.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code, path).toMatch(/NotFound$/);
    }
    const res = await app.post('/api/trials/999999/observations', [{ plot: 'T1', variable: 'x', value: 1 }]);
    expect(res.status).toBe(404);
  });

  it('speaks English when the client asks for it', async () => {
    const res = await app.post(`/api/trials/${trialId}/observations`, [{ plot: 'NOPE', variable: 'yield_kg_per_mu', value: 1 }], { 'accept-language': 'en-US,en;q=0.9' });
    expect(res.body.error.message).toBe('The submitted data is invalid; nothing was saved');
    expect(res.body.error.issues[0].message).toBe('the trial has no plot "NOPE"');
    const zh = await app.post(`/api/trials/${trialId}/observations`, [{ plot: 'NOPE', variable: 'yield_kg_per_mu', value: 1 }]);
    expect(zh.body.error.issues[0].message).toBe('该试验中没有小区“NOPE”');
  });

  it('records training with a roster, and a head count without one', async () => {
    const farmers = (await app.get(`/api/projects/${projectId}/farmers`)).body as any[];
    const withRoster = await app.post(`/api/projects/${projectId}/training-sessions`, {
      heldOn: '2017-05-21',
      kind: 'hands_on',
      topic: '手把手',
      siteId,
      attendance: 3,
      women: 1,
      attendees: farmers.map((f) => f.id),
    });
    expect(withRoster.status).toBe(201);
    expect(withRoster.body.attendees).toHaveLength(farmers.length);
    const headCount = await app.post(`/api/projects/${projectId}/training-sessions`, { heldOn: '2017-06-01', kind: 'field_day', topic: '现场观摩会', siteId, attendance: 40, women: 12 });
    expect(headCount.status).toBe(201);
    expect(headCount.body.attendees).toBeNull();
    const summary = (await app.get(`/api/projects/${projectId}/training-summary`)).body;
    expect(summary.personTimes).toBe(43);
    expect(summary.uniqueFarmers).toBe(farmers.length);
    expect(summary.sessionsWithoutRoster).toBe(1);
    // A farmer on a roster cannot be deleted: the session would no longer match its roster.
    const onRoster = farmers[0].id;
    const refused = await app.del(`/api/farmers/${onRoster}`, { 'accept-language': 'en' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'FarmerOnRoster' });
    expect(refused.body.error.message).toContain('1 training session');
    expect((await app.get(`/api/farmers/${onRoster}`)).status).toBe(200);
    expect((await app.get(`/api/projects/${projectId}/training-summary`)).body.uniqueFarmers).toBe(farmers.length);
    // Taken off the roster (attendance stays), it can be.
    const session = (await app.get(`/api/training-sessions/${withRoster.body.id}`)).body;
    const off = await app.patch(`/api/training-sessions/${session.id}`, { attendees: session.attendees.filter((id: number) => id !== onRoster), version: session.version });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect((await app.del(`/api/farmers/${onRoster}`)).status).toBe(204);
    expect((await app.patch(`/api/training-sessions/${session.id}`, { notes: '名单已核对', version: off.body.version })).status).toBe(200);
  });

  it('corrects an observation with its version and soft-deletes it', async () => {
    const created = (await app.post(`/api/trials/${trialId}/observations`, [{ plot: 'C1', variable: 'fruit_count', value: 12 }])).body[0];
    const ok = await app.patch(`/api/observations/${created.id}`, { value: 13, version: created.version });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ value: 13, version: created.version + 1 });
    const stale = await app.patch(`/api/observations/${created.id}`, { value: 14, version: created.version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.current.value).toBe(13);
    const bad = await app.patch(`/api/observations/${created.id}`, { value: 'x' });
    expect(bad.status).toBe(400);
    expect((await app.get(`/api/observations/${created.id}`)).body.value).toBe(13);
    expect((await app.del(`/api/observations/${created.id}`)).status).toBe(204);
    expect((await app.get(`/api/observations/${created.id}`)).status).toBe(404);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from observations where id = ${created.id} and deleted_at is not null`.execute(app.db);
    expect(rows[0].n).toBe(1);
  });

  it('changes a trial\'s arms and variables but keeps those in use', async () => {
    const res = await app.patch(`/api/trials/${trialId}`, { arms: [{ name: 'straw', role: 'treatment' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].message).toContain('conventional');
    const added = await app.patch(`/api/trials/${trialId}`, {
      arms: [
        { name: 'straw', role: 'treatment' },
        { name: 'conventional', role: 'control' },
        { name: 'straw+manure', role: 'treatment' },
      ],
    });
    expect(added.status).toBe(200);
    expect(added.body.arms.map((a: any) => a.name)).toEqual(['straw', 'conventional', 'straw+manure']);
    const dropVar = await app.patch(`/api/trials/${trialId}`, { variables: ['flowering_date'] });
    expect(dropVar.status).toBe(400);
    expect(dropVar.body.error.issues.map((i: any) => i.message).join(' ')).toContain('yield_kg_per_mu');
  });
});
