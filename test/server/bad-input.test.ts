import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';

describe('bad input is a 400 naming the field, never a 500, and changes nothing', () => {
  let app: TestApp;
  let projectId: number;
  let siteId: number;
  let trialId: number;
  const en = { 'accept-language': 'en' };
  const raw = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(app.baseUrl + path, { method: 'POST', headers: { authorization: `Bearer ${app.admin.token}`, 'content-type': 'application/json', accept: 'application/json', ...en, ...headers }, body: typeof body === 'string' ? body : new Uint8Array(body) });

  beforeAll(async () => {
    app = await startTestApp();
    projectId = (await app.post('/api/projects', { name: '输入', code: 'BAD1' })).body.id;
    siteId = (await app.post(`/api/projects/${projectId}/sites`, { name: 'S' })).body.id;
    await app.post('/api/variables', { code: 'yield', name: '产量', kind: 'number' });
    trialId = (await app.post(`/api/projects/${projectId}/trials`, { name: 't', crop: 'c', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: ['yield'] })).body.id;
  });
  afterAll(() => app?.close());

  const plotCount = async () => (await app.get(`/api/trials/${trialId}/plots`)).body.length;

  it('maps a database CHECK to its field: a negative area', async () => {
    const before = await plotCount();
    const res = await app.post(`/api/trials/${trialId}/plots`, { siteId, label: 'P1', arm: 'T', areaM2: '-1' }, en);
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('areaM2');
    expect(await plotCount()).toBe(before);
  });

  it('names the row and field of a place in the field taken twice in a batch, by a plot already there, or by a move', async () => {
    const before = await plotCount();
    const batch = await app.post(
      `/api/trials/${trialId}/plots`,
      [
        { siteId, label: 'Q1', arm: 'T', row: 1, column: 1 },
        { siteId, label: 'Q2', arm: 'C', row: 1, column: 1 },
      ],
      en,
    );
    expect(batch.status).toBe(400);
    expect(batch.body.error.issues).toEqual([{ row: 2, path: 'row', message: expect.stringContaining('row 1, column 1 already holds plot "Q1"') }]);
    expect(await plotCount()).toBe(before);
    const first = await app.post(`/api/trials/${trialId}/plots`, { siteId, label: 'Q1', arm: 'T', row: 1, column: 1 }, en);
    expect(first.status).toBe(201);
    const onIt = await app.post(`/api/trials/${trialId}/plots`, { siteId, label: 'Q3', arm: 'C', row: 1, column: 1 }, en);
    expect(onIt.status).toBe(400);
    expect(onIt.body.error.issues[0]).toMatchObject({ path: 'row' });
    const other = await app.post(`/api/trials/${trialId}/plots`, { siteId, label: 'Q4', arm: 'C', row: 1, column: 2 }, en);
    const moved = await app.patch(`/api/plots/${other.body.id}`, { column: 1 }, en);
    expect(moved.status).toBe(400);
    expect(moved.body.error.issues[0]).toMatchObject({ path: 'row' });
    expect(moved.body.error.issues[0].message).toContain('"Q1"');
    // A plot keeps its own place when other fields change.
    expect((await app.patch(`/api/plots/${first.body.id}`, { block: '1' }, en)).status).toBe(200);
  });

  it('says the allowed range, not the type, when a number is out of range', async () => {
    const message = async (res: { status: number; body: { error: { issues: { path: string; message: string }[] } } }, path: string) => {
      expect(res.status).toBe(400);
      return res.body.error.issues.find((i) => i.path === path)?.message;
    };
    const site = await app.post(`/api/projects/${projectId}/sites`, { name: 'far', latitude: 999, longitude: -200 }, en);
    expect(await message(site, 'latitude')).toBe('must be from -90 to 90');
    expect(await message(site, 'longitude')).toBe('must be from -180 to 180');
    const zh = await app.post(`/api/projects/${projectId}/sites`, { name: 'far', latitude: 999 });
    expect(await message(zh, 'latitude')).toBe('应在 -90 到 90 之间');
    expect(await message(await app.post('/api/programmes', { name: '远年', year: 99999 }, en), 'year')).toBe('must be at most 2200');
    expect(await message(await app.post(`/api/projects/${projectId}/outputs`, { kind: 'other', title: 'x', count: -5 }, en), 'count')).toBe('must be at least 0');
    expect(await message(await app.post(`/api/trials/${trialId}/layouts`, { siteId, design: 'crd', plotsPerArm: 1, rows: 10000, columns: 2 }, en), 'rows')).toBe('must be at most 100');
    // A value of the wrong type still says the type.
    expect(await message(await app.post(`/api/projects/${projectId}/outputs`, { kind: 'other', title: 'x', count: 1.5 }, en), 'count')).toBe('must be a whole number');
    expect((await app.get(`/api/projects/${projectId}/sites`)).body.map((s: { name: string }) => s.name)).not.toContain('far');
  });

  it('says the coordinates’ range on the new-site form', async () => {
    const res = await fetch(`${app.baseUrl}/projects/${projectId}/sites/new`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: `Bearer ${app.admin.token}`, accept: 'text/html', cookie: 'lang=en', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'far', kind: 'field', latitude: '999', longitude: '45' }).toString(),
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('must be from -90 to 90');
    expect(html).not.toContain('must be a number');
  });

  it('refuses NUL characters in any text field, naming it', async () => {
    const res = await app.post(`/api/projects/${projectId}/farmers`, { name: 'a\u0000b' }, en);
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toMatchObject({ path: 'name' });
    expect(res.body.error.issues[0].message).toMatch(/NUL/);
  });

  it('refuses integers beyond the column and ids beyond integer, in the body and the query', async () => {
    const session = await app.post(`/api/projects/${projectId}/training-sessions`, { heldOn: '2017-05-02', kind: 'training', topic: 't', attendance: 2 ** 31 }, en);
    expect(session.status).toBe(400);
    const target = await app.patch(`/api/projects/${projectId}`, { targets: { personTimes: 2 ** 31, demoHouseholds: 1 } }, en);
    expect(target.status).toBe(400);
    const query = await app.get(`/api/trials/${trialId}/observations?siteId=${2 ** 31}`, en);
    expect(query.status).toBe(400);
    expect(JSON.stringify(query.body)).toMatch(/siteId|out of range|at most/);
    const path = await app.get(`/api/projects/${2 ** 31}`, en);
    expect(path.status).toBeLessThan(500);
  });

  it('refuses every integer beyond 2^31 - 1 with a 400 naming the field, in both languages, before the database sees it', async () => {
    const big = 2 ** 31;
    const sessionCount = async () => (await app.get(`/api/projects/${projectId}/training-sessions`)).body.length;
    const before = await sessionCount();
    const session = { heldOn: '2017-05-02', kind: 'training', topic: 't', attendance: 3 };
    const cases: [string, unknown, string][] = [
      [`/api/projects/${projectId}/training-sessions`, { ...session, attendance: big }, 'attendance'],
      [`/api/projects/${projectId}/training-sessions`, { ...session, women: big }, 'women'],
      [`/api/projects/${projectId}/training-sessions`, { ...session, siteId: big }, 'siteId'],
      [`/api/projects/${projectId}/training-sessions`, { ...session, attendees: [big] }, 'attendees.0'],
      [`/api/projects/${projectId}/training-sessions`, [session, { ...session, attendance: 2 ** 40 }], 'attendance'],
    ];
    for (const [path, body, field] of cases) {
      const res = await app.post(path, body, en);
      expect(res.status, `${field}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error.issues[0].path).toBe(field);
      // The schema's message (from zod), not the database's "out of range".
      expect(res.body.error.issues[0].message).toMatch(/2147483647/);
    }
    expect(await sessionCount()).toBe(before);
    const patches: [Record<string, unknown>, string][] = [
      [{ targets: { personTimes: big } }, 'targets.personTimes'],
      [{ targets: { demoHouseholds: 2 ** 53 } }, 'targets.demoHouseholds'],
      [{ programmeId: big }, 'programmeId'],
      [{ name: 'x', version: big }, 'version'],
      [{ name: 'x', version: -big - 1 }, 'version'],
    ];
    const project = (await app.get(`/api/projects/${projectId}`)).body;
    for (const [body, field] of patches) {
      const res = await app.patch(`/api/projects/${projectId}`, body, en);
      expect(res.status, field).toBe(400);
      expect(res.body.error.issues[0].path).toBe(field);
      expect(res.body.error.issues[0].message).toMatch(/2147483647/);
    }
    expect((await app.get(`/api/projects/${projectId}`)).body.version).toBe(project.version);
    const zh = await app.post(`/api/projects/${projectId}/training-sessions`, { ...session, attendance: big }, { 'accept-language': 'zh' });
    expect(zh.body.error.issues[0].message).toMatch(/超出范围/);
    for (const path of [`/api/sites/${siteId}`, `/api/trials/${trialId}`]) {
      const res = await app.patch(path, { version: big }, en);
      expect(res.status, path).toBe(400);
      expect(res.body.error.issues[0].path).toBe('version');
    }
    const query = await app.get(`/api/trials/${trialId}/observations?siteId=${big}`, en);
    expect(query.status).toBe(400);
    expect(query.body.error.issues[0].message).toMatch(/2147483647/);
  });

  it('refuses a JSON number a double cannot carry exactly, naming it, and keeps the same digits sent as a string', async () => {
    await app.post(`/api/trials/${trialId}/plots`, { siteId, label: 'PX', arm: 'T' });
    const post = (literal: string) => raw(`/api/trials/${trialId}/observations`, `[{"plot":"PX","variable":"yield","value":${literal},"observedOn":"2017-07-01"}]`);
    const count = async () => (await app.get(`/api/trials/${trialId}/observations`)).body.length;
    for (const literal of ['12.345678901234567890', '9007199254740993', '12345678901234567891']) {
      const res = await post(literal);
      expect(res.status, literal).toBe(400);
      const body = await res.json();
      expect(body.error.code).toBe('NumberNotExact');
      expect(body.error.message).toContain(literal);
    }
    expect(await count()).toBe(0);
    // A number of up to 15 digits is taken by its value (a JSON number has no trailing zeros:
    // 5427.10 is 5427.1; the string "5427.10" keeps them).
    const ok = await post('5427.10');
    expect(ok.status).toBe(201);
    expect((await ok.json())[0].valueText).toBe('5427.1');
    const fifteen = await raw(`/api/trials/${trialId}/observations`, `[{"plot":"PX","variable":"yield","value":123456789.012345,"observedOn":"2017-07-02"}]`);
    expect(fifteen.status).toBe(201);
    expect((await fifteen.json())[0].valueText).toBe('123456789.012345');
    const asText = await app.post(`/api/trials/${trialId}/observations`, [{ plot: 'PX', variable: 'yield', value: '12.345678901234567890', observedOn: '2017-07-03' }]);
    expect(asText.status).toBe(201);
    expect(asText.body[0].valueText).toBe('12.345678901234567890');
  });

  it('refuses numbers that underflow or overflow, invalid UTF-8 and a malformed gzip body', async () => {
    const tiny = await raw(`/api/trials/${trialId}/plots`, `{"siteId":${siteId},"label":"P9","arm":"T","areaM2":1e-400}`);
    expect(tiny.status).toBe(400);
    expect((await tiny.json()).error.message).toMatch(/1e-400/);
    const huge = await raw(`/api/trials/${trialId}/plots`, `{"siteId":${siteId},"label":"P9","arm":"T","areaM2":1e400}`);
    expect(huge.status).toBe(400);
    const latin1 = await raw(`/api/projects/${projectId}/farmers`, Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]));
    expect(latin1.status).toBe(400);
    expect((await latin1.json()).error.code).toBe('InvalidUtf8');
    const gz = gzipSync(Buffer.from('{"name":"x"}')).subarray(0, 12);
    const broken = await raw(`/api/projects/${projectId}/farmers`, gz, { 'content-encoding': 'gzip' });
    expect(broken.status).toBe(400);
    const farmers = (await app.get(`/api/projects/${projectId}/farmers`)).body;
    expect(farmers).toEqual([]);
  });
});
