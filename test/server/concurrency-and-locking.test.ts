import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type Client, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

describe('no lost updates, and signed-off trials stay read-only', () => {
  let app: TestApp;
  let projectId: number;
  let siteId: number;
  let agronomist: Client;
  let lead: Client;

  async function makeTrial(name: string) {
    const trial = await agronomist.post(`/api/projects/${projectId}/trials`, {
      name,
      crop: 'tomato',
      design: 'crd',
      arms: [
        { name: 'T', role: 'treatment' },
        { name: 'C', role: 'control' },
      ],
      variables: [YIELD.code],
    });
    await agronomist.post(`/api/trials/${trial.body.id}/plots`, [
      { siteId, label: 'T1', arm: 'T' },
      { siteId, label: 'C1', arm: 'C' },
    ]);
    const obs = await agronomist.post(`/api/trials/${trial.body.id}/observations`, { plot: 'T1', variable: YIELD.code, value: 100 });
    return { trial: trial.body, observation: obs.body };
  }

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    const made = await makeProject(app, ['S']);
    projectId = made.project.id;
    siteId = made.sites[0].id;
    agronomist = await app.as('agronomist', [projectId]);
    lead = await app.as('lead', [projectId]);
  });
  afterAll(() => app?.close());

  it('lets exactly one of many concurrent PATCHes from the same version win; the others get 409 with the winner', async () => {
    const { observation } = await makeTrial('race');
    const writers = Array.from({ length: 8 }, (_, i) => agronomist.patch(`/api/observations/${observation.id}`, { value: 200 + i, version: observation.version }));
    const answers = await Promise.all(writers);
    const winners = answers.filter((a) => a.status === 200);
    const losers = answers.filter((a) => a.status === 409);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(7);
    const now = (await agronomist.get(`/api/observations/${observation.id}`)).body;
    expect(now.version).toBe(observation.version + 1);
    expect(now.value).toBe(winners[0].body.value);
    for (const l of losers) expect(l.body.error.current).toMatchObject({ value: now.value, version: now.version });
    const history = (await agronomist.get(`/api/observations/${observation.id}/history`)).body;
    expect(history.filter((e: { action: string }) => e.action === 'update')).toHaveLength(1);
  });

  it('is just as safe for plots, trials, farmers and training sessions', async () => {
    const { trial } = await makeTrial('race-2');
    const plot = (await agronomist.get(`/api/trials/${trial.id}/plots`)).body[0];
    const farmer = (await lead.post(`/api/projects/${projectId}/farmers`, { name: 'f' })).body;
    const session = (await lead.post(`/api/projects/${projectId}/training-sessions`, { heldOn: '2017-01-02', kind: 'training', topic: 't', attendance: 1 })).body;
    const cases: [Client, string, Record<string, unknown>, number][] = [
      [agronomist, `/api/plots/${plot.id}`, { notes: 'n' }, plot.version],
      [agronomist, `/api/trials/${trial.id}`, { season: 's' }, trial.version],
      [lead, `/api/farmers/${farmer.id}`, { village: 'v' }, farmer.version],
      [lead, `/api/training-sessions/${session.id}`, { topic: 'x' }, session.version],
    ];
    for (const [client, path, body, version] of cases) {
      const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => client.patch(path, { ...body, notes: undefined, ...Object.fromEntries(Object.entries(body).map(([k, v]) => [k, `${v}${i}`])), version })));
      expect(answers.map((a) => a.status).sort(), path).toEqual([200, 409, 409, 409, 409]);
    }
  });

  it('locks a trial after sign-off: its data is read-only (423) until the lead unlocks it', async () => {
    const { trial, observation } = await makeTrial('signed');
    expect((await agronomist.post(`/api/trials/${trial.id}/lock`, undefined)).status).toBe(403);
    const locked = await lead.post(`/api/trials/${trial.id}/lock`, undefined);
    expect(locked.status).toBe(200);
    expect(locked.body.lockedAt).toBeTruthy();
    expect(locked.body.lockedBy).toMatchObject({ id: expect.any(Number), name: expect.any(String) });
    const report = await agronomist.get(`/api/trials/${trial.id}/report`);
    expect(report.body.trial.lockedAt).toBe(locked.body.lockedAt);

    const refused = [
      await agronomist.patch(`/api/observations/${observation.id}`, { value: 1 }),
      await agronomist.del(`/api/observations/${observation.id}`),
      await agronomist.post(`/api/trials/${trial.id}/observations`, { plot: 'C1', variable: YIELD.code, value: 1 }),
      await agronomist.patch(`/api/trials/${trial.id}`, { season: 'x' }),
      await agronomist.post(`/api/trials/${trial.id}/plots`, { siteId, label: 'X', arm: 'T' }),
      await agronomist.post(`/api/trials/${trial.id}/imports?kind=observations&shape=long`, `plot,variable,value\nC1,${YIELD.code},5\n`, { 'content-type': 'text/csv' }),
      await app.post(`/api/trials/${trial.id}/lock`, undefined),
    ];
    for (const r of refused) {
      expect(r.status).toBe(423);
      expect(r.body.error.code).toBe('TrialLocked');
    }
    expect(refused[0].body.error.message).toMatch(/锁定/);

    // The database refuses too, whatever path a write takes.
    await expect(sql`update observations set value_number = 1 where id = ${observation.id}`.execute(app.db)).rejects.toMatchObject({ code: 'DP423' });

    expect((await lead.post(`/api/trials/${trial.id}/unlock`, undefined)).status).toBe(200);
    expect((await agronomist.patch(`/api/observations/${observation.id}`, { value: 1 })).status).toBe(200);
    const actions = (await app.get(`/api/trials/${trial.id}/history`)).body.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['lock', 'unlock']));
  });

  it('refuses an import commit into a trial locked after its preview', async () => {
    const { trial } = await makeTrial('locked-later');
    const preview = await agronomist.post(`/api/trials/${trial.id}/imports?kind=observations&shape=long`, `plot,variable,value\nC1,${YIELD.code},5\n`, { 'content-type': 'text/csv' });
    expect(preview.status).toBe(201);
    await lead.post(`/api/trials/${trial.id}/lock`, undefined);
    const commit = await agronomist.post(`/api/imports/${preview.body.id}/commit`, undefined);
    expect(commit.status).toBe(423);
    expect((await agronomist.get(`/api/trials/${trial.id}/observations`)).body).toHaveLength(1);
  });

  it('deletes softly: a deleted trial is gone from lists and can be restored by an agronomist', async () => {
    const { trial } = await makeTrial('to delete');
    expect((await agronomist.del(`/api/trials/${trial.id}`)).status).toBe(204);
    expect((await agronomist.get(`/api/trials/${trial.id}`)).status).toBe(404);
    expect((await agronomist.get(`/api/projects/${projectId}/trials`)).body.map((t: { id: number }) => t.id)).not.toContain(trial.id);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from trials where id = ${trial.id}`.execute(app.db);
    expect(rows[0].n).toBe(1);
    expect((await agronomist.post(`/api/trials/${trial.id}/restore`, undefined)).status).toBe(200);
    expect((await agronomist.get(`/api/trials/${trial.id}/report`)).status).toBe(200);
    expect((await agronomist.post(`/api/trials/${trial.id}/restore`, undefined)).status).toBe(409);
  });
});
