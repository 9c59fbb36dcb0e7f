import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type Client, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, makeTwoArmTrial, FLOWERING, YIELD } from '../support/factories.js';

describe('one observation identity: (plot, variable, observed-on, reading)', () => {
  let app: TestApp;
  let projectId: number;
  let siteId: number;
  let agronomist: Client;
  let n = 0;

  async function makeTrial() {
    const trial = (
      await agronomist.post(`/api/projects/${projectId}/trials`, {
        name: `identity ${++n}`,
        crop: 'tomato',
        design: 'crd',
        arms: [
          { name: 'T', role: 'treatment' },
          { name: 'C', role: 'control' },
        ],
        variables: [YIELD.code, FLOWERING.code],
      })
    ).body;
    const plots = await agronomist.post(`/api/trials/${trial.id}/plots`, [
      { siteId, label: 'T1', arm: 'T', plantedOn: '2017-03-01' },
      { siteId, label: 'C1', arm: 'C', plantedOn: '2017-03-01' },
    ]);
    expect(plots.status).toBe(201);
    return trial.id as number;
  }

  const count = async (trialId: number) => (await agronomist.get(`/api/trials/${trialId}/observations`)).body.length as number;

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD, FLOWERING]);
    const made = await makeProject(app, ['S']);
    projectId = made.project.id;
    siteId = made.sites[0].id;
    agronomist = await app.as('agronomist', [projectId]);
  });
  afterAll(() => app?.close());

  it('stores reading 1 by default and returns the reading with every observation', async () => {
    const trialId = await makeTrial();
    const res = await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'T1', variable: YIELD.code, value: '5427.10', observedOn: '2017-07-01' }]);
    expect(res.status).toBe(201);
    expect(res.body[0]).toMatchObject({ reading: 1, result: 'created', valueText: '5427.10' });
    const listed = (await agronomist.get(`/api/trials/${trialId}/observations`)).body;
    expect(listed[0].reading).toBe(1);
    expect((await agronomist.get(`/api/observations/${listed[0].id}`)).body.reading).toBe(1);
  });

  it('answers an item already stored with the same value as unchanged and stores nothing again', async () => {
    const trialId = await makeTrial();
    const item = { plot: 'T1', variable: YIELD.code, value: 612, observedOn: '2017-07-01' };
    expect((await agronomist.post(`/api/trials/${trialId}/observations`, [item])).status).toBe(201);
    const again = await agronomist.post(`/api/trials/${trialId}/observations`, [{ ...item, value: '612.0' }, { plot: 'C1', variable: YIELD.code, value: 500, observedOn: '2017-07-01' }]);
    expect(again.status).toBe(201);
    expect(again.body.map((o: { result: string }) => o.result)).toEqual(['unchanged', 'created']);
    expect(await count(trialId)).toBe(2);
    const third = await agronomist.post(`/api/trials/${trialId}/observations`, [item]);
    expect(third.status).toBe(200);
    expect(third.body[0].result).toBe('unchanged');
    expect(await count(trialId)).toBe(2);
  });

  it('refuses the same value sent again with notes of its own (409 naming notes), so the notes are not lost; the same notes are unchanged', async () => {
    const trialId = await makeTrial();
    const item = { plot: 'T1', variable: YIELD.code, value: 612, observedOn: '2017-07-01' };
    const first = await agronomist.post(`/api/trials/${trialId}/observations`, [item]);
    expect(first.status).toBe(201);
    const noted = await agronomist.post(`/api/trials/${trialId}/observations`, [{ ...item, notes: '雨后采收' }], { 'accept-language': 'en' });
    expect(noted.status).toBe(409);
    expect(noted.body.error.code).toBe('ObservationExists');
    expect(noted.body.error.issues[0]).toMatchObject({ path: 'notes', message: expect.stringContaining('other notes') });
    expect(noted.body.error.existing[0]).toMatchObject({ id: first.body[0].id, version: first.body[0].version });
    const patched = await agronomist.patch(`/api/observations/${first.body[0].id}`, { notes: '雨后采收', version: first.body[0].version });
    expect(patched.status).toBe(200);
    const again = await agronomist.post(`/api/trials/${trialId}/observations`, [{ ...item, notes: '雨后采收' }]);
    expect(again.status).toBe(200);
    expect(again.body[0].result).toBe('unchanged');
    expect(await count(trialId)).toBe(1);
  });

  it('refuses the whole batch with 409 ObservationExists naming the existing observation when the value differs', async () => {
    const trialId = await makeTrial();
    const first = (await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'T1', variable: YIELD.code, value: 612, observedOn: '2017-07-01' }])).body[0];
    const res = await agronomist.post(
      `/api/trials/${trialId}/observations`,
      [
        { plot: 'C1', variable: YIELD.code, value: 500, observedOn: '2017-07-01' },
        { plot: 'T1', variable: YIELD.code, value: 700, observedOn: '2017-07-01' },
      ],
      { 'accept-language': 'en' },
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ObservationExists');
    expect(res.body.error.issues).toEqual([{ row: 2, path: 'value', message: expect.stringContaining('612') }]);
    expect(res.body.error.issues[0].message).toContain('T1');
    expect(res.body.error.existing).toEqual([{ id: first.id, value: 612, version: first.version, row: 2 }]);
    expect(await count(trialId)).toBe(1);
    // The client can PATCH the existing observation with what it names.
    const patched = await agronomist.patch(`/api/observations/${first.id}`, { value: 700, version: first.version });
    expect(patched.status).toBe(200);
  });

  it('stores another reading of the same day under the next reading number, and a missing day is one value of the key', async () => {
    const trialId = await makeTrial();
    const res = await agronomist.post(`/api/trials/${trialId}/observations`, [
      { plot: 'T1', variable: YIELD.code, value: 300 },
      { plot: 'T1', variable: YIELD.code, value: 320, reading: 2 },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.map((o: { reading: number }) => o.reading)).toEqual([1, 2]);
    const clash = await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'T1', variable: YIELD.code, value: 999 }]);
    expect(clash.status).toBe(409);
    const dup = await agronomist.post(`/api/trials/${trialId}/observations`, [
      { plot: 'C1', variable: YIELD.code, value: 1 },
      { plot: 'C1', variable: YIELD.code, value: 2 },
    ]);
    expect(dup.status).toBe(400);
    expect(dup.body.error.issues).toEqual([{ row: 2, path: 'reading', message: expect.any(String) }]);
    expect(await count(trialId)).toBe(2);
    // Harvests are summed over readings in the report, as before.
    const report = (await agronomist.get(`/api/trials/${trialId}/report`)).body;
    expect(JSON.stringify(report)).toContain('620');
  });

  it('refuses the same observation twice in one batch, naming the first row and what repeats', async () => {
    const trialId = await makeTrial();
    const item = { plot: 'T1', variable: YIELD.code, value: 5, observedOn: '2017-07-01' };
    const batch = [item, { plot: 'C1', variable: YIELD.code, value: 4, observedOn: '2017-07-01' }, { ...item, value: 6 }];
    const en = await agronomist.post(`/api/trials/${trialId}/observations`, batch, { 'accept-language': 'en' });
    expect(en.status).toBe(400);
    expect(en.body.error.issues).toEqual([
      expect.objectContaining({
        row: 3,
        path: 'reading',
        message: `is the same observation as row 1 (plot T1, ${YIELD.name.en}, 2017-07-01, reading 1); for a repeated measurement give another reading number`,
      }),
    ]);
    const zh = await agronomist.post(`/api/trials/${trialId}/observations`, batch);
    expect(zh.body.error.issues[0].message).toBe(`与第 1 行是同一观测（小区 T1、${YIELD.name.zh}、2017-07-01、第 1 次读数）；若是再次测量，请填写不同的读数序号`);
    expect(await count(trialId)).toBe(0);
  });

  it('refuses a reading that is not a whole number of at least 1', async () => {
    const trialId = await makeTrial();
    for (const reading of [0, 1.5, '2']) {
      const res = await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'T1', variable: YIELD.code, value: 1, reading }]);
      expect(res.status).toBe(400);
      expect(res.body.error.issues[0]).toMatchObject({ row: 1, path: 'reading' });
    }
  });

  it('enforces the identity in the database itself', async () => {
    const trialId = await makeTrial();
    const o = (await agronomist.post(`/api/trials/${trialId}/observations`, { plot: 'T1', variable: YIELD.code, value: 1 })).body;
    await expect(
      sql`insert into observations (plot_id, variable_id, value_number, reading) select plot_id, variable_id, 2, 1 from observations where id = ${o.id}`.execute(app.db),
    ).rejects.toThrow(/observations_identity|duplicate/);
  });

  it('refuses values that cannot be true, naming both facts', async () => {
    const trialId = await makeTrial();
    const res = await agronomist.post(
      `/api/trials/${trialId}/observations`,
      [
        { plot: 'T1', variable: FLOWERING.code, value: '2017-02-20' },
        { plot: 'T1', variable: YIELD.code, value: 10, observedOn: `${new Date().getUTCFullYear() + 1}-01-01` },
        { plot: 'C1', variable: FLOWERING.code, value: '2017-04-02' },
      ],
      { 'accept-language': 'en' },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toHaveLength(2);
    expect(res.body.error.issues[0]).toMatchObject({ row: 1, path: 'value' });
    expect(res.body.error.issues[0].message).toContain('2017-02-20');
    expect(res.body.error.issues[0].message).toContain('2017-03-01');
    expect(res.body.error.issues[1]).toMatchObject({ row: 2, path: 'observedOn' });
    expect(res.body.error.issues[1].message).toContain('Asia/Shanghai');
    expect(await count(trialId)).toBe(0);
  });

  it('refuses a correction (PATCH) that cannot be true, as it refuses a new value, and keeps the stored one', async () => {
    const trialId = await makeTrial();
    const made = await agronomist.post(`/api/trials/${trialId}/observations`, [
      { plot: 'T1', variable: FLOWERING.code, value: '2017-04-02' },
      { plot: 'C1', variable: YIELD.code, value: 500, observedOn: '2017-07-01' },
    ]);
    expect(made.status).toBe(201);
    const [flowering, yieldRow] = made.body;
    const nextYear = `${new Date().getUTCFullYear() + 1}-01-01`;
    const before = await agronomist.patch(`/api/observations/${flowering.id}`, { value: '2017-02-20' }, { 'accept-language': 'en' });
    expect(before.status).toBe(400);
    expect(before.body.error.issues[0]).toMatchObject({ path: 'value' });
    expect(before.body.error.issues[0].message).toContain('2017-03-01');
    const future = await agronomist.patch(`/api/observations/${flowering.id}`, { value: nextYear });
    expect(future.status).toBe(400);
    expect(future.body.error.issues[0]).toMatchObject({ path: 'value' });
    const futureDay = await agronomist.patch(`/api/observations/${yieldRow.id}`, { observedOn: nextYear });
    expect(futureDay.status).toBe(400);
    expect(futureDay.body.error.issues[0]).toMatchObject({ path: 'observedOn' });
    expect((await agronomist.get(`/api/observations/${flowering.id}`)).body).toMatchObject({ valueText: '2017-04-02', version: flowering.version });
    expect((await agronomist.get(`/api/observations/${yieldRow.id}`)).body).toMatchObject({ observedOn: '2017-07-01', version: yieldRow.version });
    // A plausible correction, and a notes-only edit, still go through.
    expect((await agronomist.patch(`/api/observations/${flowering.id}`, { value: '2017-04-03' })).status).toBe(200);
    expect((await agronomist.patch(`/api/observations/${yieldRow.id}`, { notes: '复核' })).status).toBe(200);
  });

  it("compares a value with its variable's range exactly, past a double's digits", async () => {
    const trialId = await makeTrial();
    const above = await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'T1', variable: YIELD.code, value: '30000.0000000000000001', observedOn: '2017-07-01' }]);
    expect(above.status).toBe(400);
    expect(above.body.error.issues[0]).toMatchObject({ path: 'value' });
    const below = await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'T1', variable: YIELD.code, value: '-0.0000000000000000001', observedOn: '2017-07-01' }]);
    expect(below.status).toBe(400);
    const edge = await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'T1', variable: YIELD.code, value: '30000.000', observedOn: '2017-07-01' }]);
    expect(edge.status).toBe(201);
    expect(await count(trialId)).toBe(1);
  });

  it('refuses a correction that moves an observation onto another reading, naming the field', async () => {
    const trialId = await makeTrial();
    const made = await agronomist.post(`/api/trials/${trialId}/observations`, [
      { plot: 'T1', variable: YIELD.code, value: 10, observedOn: '2017-07-01', reading: 1 },
      { plot: 'T1', variable: YIELD.code, value: 20, observedOn: '2017-07-01', reading: 2 },
    ]);
    const res = await agronomist.patch(`/api/observations/${made.body[1].id}`, { reading: 1 }, { 'accept-language': 'en' });
    expect(res.status).toBe(409);
    expect(res.body.error.issues[0]).toMatchObject({ path: 'reading' });
    expect(res.body.error.issues[0].message).toContain('reading 1');
    expect((await agronomist.get(`/api/observations/${made.body[1].id}`)).body).toMatchObject({ reading: 2, valueText: '20' });
  });

  it("refuses a plot's planting date moved after a date already observed on it", async () => {
    const trialId = await makeTrial();
    expect((await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'T1', variable: FLOWERING.code, value: '2017-04-02' }])).status).toBe(201);
    const plot = (await agronomist.get(`/api/trials/${trialId}/plots`)).body.find((p: { label: string }) => p.label === 'T1');
    const late = await agronomist.patch(`/api/plots/${plot.id}`, { plantedOn: '2017-04-10' }, { 'accept-language': 'en' });
    expect(late.status).toBe(400);
    expect(late.body.error.issues[0]).toMatchObject({ path: 'plantedOn' });
    expect(late.body.error.issues[0].message).toContain('flowering recorded on 2017-04-02');
    expect((await agronomist.get(`/api/plots/${plot.id}`)).body.plantedOn).toBe('2017-03-01');
    expect((await agronomist.patch(`/api/plots/${plot.id}`, { plantedOn: '2017-03-05' })).status).toBe(200);
  });

  it('reads full-width digits and thousands separators like the import does', async () => {
    const trialId = await makeTrial();
    const res = await agronomist.post(`/api/trials/${trialId}/observations`, [
      { plot: 'T1', variable: YIELD.code, value: '６１２' },
      { plot: 'C1', variable: YIELD.code, value: '5,427.10' },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.map((o: { valueText: string }) => o.valueText)).toEqual(['612', '5427.10']);
  });
});

describe('Idempotency-Key', () => {
  let app: TestApp;
  let projectId: number;
  let siteId: number;
  let agronomist: Client;
  let trialId: number;

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    const made = await makeProject(app, ['S']);
    projectId = made.project.id;
    siteId = made.sites[0].id;
    agronomist = await app.as('agronomist', [projectId]);
    trialId = (await makeTwoArmTrial(agronomist, projectId, 'idempotent')).id;
    await agronomist.post(`/api/trials/${trialId}/plots`, [
      { siteId, label: 'T1', arm: 'T' },
      { siteId, label: 'C1', arm: 'C' },
    ]);
  });
  afterAll(() => app?.close());

  const observations = async () => (await agronomist.get(`/api/trials/${trialId}/observations`)).body as { id: number }[];

  it('replays the first response and writes nothing for a repeat with the same key', async () => {
    const before = (await observations()).length;
    const body = [{ plot: 'T1', variable: YIELD.code, value: 100, reading: 7 }];
    const first = await agronomist.post(`/api/trials/${trialId}/observations`, body, { 'idempotency-key': 'batch-1' });
    expect(first.status).toBe(201);
    const second = await agronomist.post(`/api/trials/${trialId}/observations`, body, { 'idempotency-key': 'batch-1' });
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await observations()).length).toBe(before + 1);
    const audit = await sql<{ n: number }>`select count(*)::int as n from audit_log where entity = 'observation' and entity_id = ${first.body[0].id}`.execute(app.db);
    expect(audit.rows[0].n).toBe(1);
  });

  it('refuses the same key with a different body, and frees a key whose request was refused', async () => {
    const ok = await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'C1', variable: YIELD.code, value: 5, reading: 3 }], { 'idempotency-key': 'batch-2' });
    expect(ok.status).toBe(201);
    const other = await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'C1', variable: YIELD.code, value: 6, reading: 4 }], { 'idempotency-key': 'batch-2' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IdempotencyKeyReused');
    const bad = await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'C1', variable: YIELD.code, value: 'x', reading: 9 }], { 'idempotency-key': 'batch-3' });
    expect(bad.status).toBe(400);
    const fixed = await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'C1', variable: YIELD.code, value: 9, reading: 9 }], { 'idempotency-key': 'batch-3' });
    expect(fixed.status).toBe(201);
  });

  it('writes once under 8 concurrent identical requests, and every one gets the same answer', async () => {
    const before = (await observations()).length;
    const body = [{ plot: 'T1', variable: YIELD.code, value: 250, reading: 20 }];
    const answers = await Promise.all(Array.from({ length: 8 }, () => agronomist.post(`/api/trials/${trialId}/observations`, body, { 'idempotency-key': 'race-1' })));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    for (const a of answers) expect(a.body).toEqual(answers[0].body);
    expect((await observations()).length).toBe(before + 1);
  });

  it('guards plots, farmers and training sessions the same way', async () => {
    const key = { 'idempotency-key': 'plot-1' };
    const p1 = await agronomist.post(`/api/trials/${trialId}/plots`, { siteId, label: 'T9', arm: 'T' }, key);
    const p2 = await agronomist.post(`/api/trials/${trialId}/plots`, { siteId, label: 'T9', arm: 'T' }, key);
    expect(p1.status).toBe(201);
    expect(p2.status).toBe(201);
    expect(p2.body.id).toBe(p1.body.id);
    const lead = await app.as('lead', [projectId]);
    const f = await Promise.all(Array.from({ length: 8 }, () => lead.post(`/api/projects/${projectId}/farmers`, { name: '阿依古丽' }, { 'idempotency-key': 'farmer-1' })));
    expect(new Set(f.map((a) => a.body.id)).size).toBe(1);
    const farmers = (await lead.get(`/api/projects/${projectId}/farmers`)).body as { name: string }[];
    expect(farmers.filter((x) => x.name === '阿依古丽')).toHaveLength(1);
    const s = { heldOn: '2017-05-01', kind: 'training', topic: '栽培', attendance: 30 };
    const s1 = await lead.post(`/api/projects/${projectId}/training-sessions`, s, { 'idempotency-key': 'ts-1' });
    const s2 = await lead.post(`/api/projects/${projectId}/training-sessions`, s, { 'idempotency-key': 'ts-1' });
    expect(s2.body.id).toBe(s1.body.id);
    const sessions = (await lead.get(`/api/projects/${projectId}/training-sessions`)).body as unknown[];
    expect(sessions).toHaveLength(1);
  });

  it('guards programmes, inspections, outputs and layouts the same way', async () => {
    const lead = await app.as('lead', [projectId]);
    const twice = async (client: Client, path: string, body: unknown, key: string) => {
      const answers = await Promise.all(Array.from({ length: 4 }, () => client.post(path, body, { 'idempotency-key': key })));
      for (const a of answers) expect(a.status, `${path}: ${JSON.stringify(a.body).slice(0, 200)}`).toBe(201);
      expect(new Set(answers.map((a) => a.body.id)).size, path).toBe(1);
    };
    await twice(app, '/api/programmes', { name: '幂等计划', year: 2017 }, 'programme-1');
    expect(((await app.get('/api/programmes')).body as { name: string }[]).filter((g) => g.name === '幂等计划')).toHaveLength(1);
    await twice(lead, `/api/projects/${projectId}/inspections`, { date: '2017-11-01', experts: ['专家'], findings: '良好', rectifications: [{ item: '补记录' }] }, 'inspection-1');
    expect((await lead.get(`/api/projects/${projectId}/inspections`)).body).toHaveLength(1);
    await twice(lead, `/api/projects/${projectId}/outputs`, { kind: 'patent_utility', title: '一种菌包' }, 'output-1');
    expect((await lead.get(`/api/projects/${projectId}/outputs`)).body).toHaveLength(1);
    const layout = await agronomist.post(`/api/trials/${trialId}/layouts`, { siteId, design: 'crd', plotsPerArm: 1, rows: 1, columns: 2, labelPattern: 'K{n}', seed: 7 }, { 'idempotency-key': 'layout-1' });
    expect(layout.status).toBe(201);
    const again = await agronomist.post(`/api/trials/${trialId}/layouts`, { siteId, design: 'crd', plotsPerArm: 1, rows: 1, columns: 2, labelPattern: 'K{n}', seed: 7 }, { 'idempotency-key': 'layout-1' });
    expect(again.body.id).toBe(layout.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it("writes a resubmitted entry-grid form once: the form's one-time key", async () => {
    const plots = (await agronomist.get(`/api/trials/${trialId}/plots`)).body as { id: number; label: string }[];
    const variableId = (await agronomist.get('/api/variables')).body.find((v: { code: string }) => v.code === YIELD.code).id;
    const user = await app.createUser({ role: 'agronomist', projects: [projectId] });
    const web = await app.login(user.email, user.password);
    const before = (await observations()).length;
    const form = new URLSearchParams({ _csrf: web.csrfToken, _idempotencyKey: 'form-key-1', observedOn: '2017-08-01', [`v.${plots[0].id}.${variableId}`]: '444' }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
    const first = await web.request('POST', `/trials/${trialId}/observations`, form, headers);
    const second = await web.request('POST', `/trials/${trialId}/observations`, form, headers);
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(first.headers.get('location')).toContain('saved=1');
    expect(first.headers.get('location')).toContain('observedOn=2017-08-01');
    expect((await observations()).length).toBe(before + 1);
  });

  it('keeps keys in the database for at least 24 hours', async () => {
    const r = await sql<{ hours: number }>`select min(extract(epoch from expires_at - created_at) / 3600)::float as hours from idempotency_keys`.execute(app.db);
    expect(r.rows[0].hours).toBeGreaterThanOrEqual(24);
  });

  it('refuses a malformed key', async () => {
    const res = await agronomist.post(`/api/trials/${trialId}/observations`, [{ plot: 'T1', variable: YIELD.code, value: 1, reading: 99 }], { 'idempotency-key': 'x'.repeat(201) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('IdempotencyKeyInvalid');
  });
});
