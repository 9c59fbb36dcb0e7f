import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, makeTwoArmTrial, YIELD } from '../support/factories.js';

describe('signed-off trials refuse every change, and races end in a clear answer', () => {
  let app: TestApp;
  let projectId: number;
  let siteId: number;
  let agronomist: Client;
  let lead: Client;
  let n = 0;

  async function makeTrial() {
    n += 1;
    const trial = await makeTwoArmTrial(agronomist, projectId, `lock-${n}`);
    const plots = (
      await agronomist.post(`/api/trials/${trial.id}/plots`, [
        { siteId, label: 'T1', arm: 'T' },
        { siteId, label: 'C1', arm: 'C' },
        { siteId, label: 'C2', arm: 'C' },
      ])
    ).body;
    const observation = (await agronomist.post(`/api/trials/${trial.id}/observations`, { plot: 'T1', variable: YIELD.code, value: 100, observedOn: '2017-07-01' })).body;
    return { trial, plots, observation };
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

  it('answers 423 to plot changes, deletes and restores, observation restores and the trial delete while signed off', async () => {
    const { trial, plots, observation } = await makeTrial();
    const deletedPlot = plots.find((p: { label: string }) => p.label === 'C2');
    expect((await agronomist.del(`/api/plots/${deletedPlot.id}`)).status).toBe(204);
    expect((await agronomist.del(`/api/observations/${observation.id}`)).status).toBe(204);
    expect((await lead.post(`/api/trials/${trial.id}/lock`, undefined)).status).toBe(200);
    const before = (await agronomist.get(`/api/trials/${trial.id}/plots`)).body;

    const plot = plots.find((p: { label: string }) => p.label === 'T1');
    const refused = {
      'plot PATCH': await agronomist.patch(`/api/plots/${plot.id}`, { notes: 'x' }),
      'plot DELETE': await agronomist.del(`/api/plots/${plot.id}`),
      'plot restore': await agronomist.post(`/api/plots/${deletedPlot.id}/restore`, undefined),
      'observation restore': await agronomist.post(`/api/observations/${observation.id}/restore`, undefined),
      'trial DELETE': await app.del(`/api/trials/${trial.id}`),
    };
    for (const [what, r] of Object.entries(refused)) {
      expect(r.status, what).toBe(423);
      expect(r.body.error.code, what).toBe('TrialLocked');
    }
    expect((await agronomist.get(`/api/trials/${trial.id}/plots`)).body).toEqual(before);
    expect((await agronomist.get(`/api/trials/${trial.id}`)).status).toBe(200);

    // Unlocked, the same requests go through.
    expect((await lead.post(`/api/trials/${trial.id}/unlock`, undefined)).status).toBe(200);
    expect((await agronomist.post(`/api/plots/${deletedPlot.id}/restore`, undefined)).status).toBe(200);
    expect((await agronomist.patch(`/api/plots/${plot.id}`, { notes: 'x' })).status).toBe(200);
  });

  it('gives one of several concurrent plots with the same label a 201 and the rest a 400 or 409, never a 500', async () => {
    const { trial } = await makeTrial();
    const answers = await Promise.all(Array.from({ length: 6 }, () => agronomist.post(`/api/trials/${trial.id}/plots`, { siteId, label: 'SAME', arm: 'T' })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect([400, 409]).toContain(a.status);
      expect(JSON.stringify(a.body.error)).toMatch(/label/);
    }
    const labels = (await agronomist.get(`/api/trials/${trial.id}/plots`)).body.map((p: { label: string }) => p.label);
    expect(labels.filter((l: string) => l === 'SAME')).toHaveLength(1);
  });

  it('records the right actor for each of many concurrent writes by different people on pooled connections', async () => {
    const { trial, plots } = await makeTrial();
    const people = await Promise.all(Array.from({ length: 6 }, async (_, i) => ({ i, client: await app.as('agronomist', [projectId]) })));
    const me = await Promise.all(people.map(async (p) => ({ ...p, id: (await p.client.get('/api/me')).body.id as number })));
    const plot = plots.find((p: { label: string }) => p.label === 'C1');
    const writes = await Promise.all(
      me.map((p) => p.client.post(`/api/trials/${trial.id}/observations`, { plot: plot.label, variable: YIELD.code, value: 200 + p.i, observedOn: `2017-07-${String(10 + p.i).padStart(2, '0')}` })),
    );
    for (const w of writes) expect(w.status).toBe(201);
    const stored = (await app.get(`/api/trials/${trial.id}/observations`)).body as { id: number; value: number | string }[];
    for (const p of me) {
      const observation = stored.find((o) => Number(o.value) === 200 + p.i);
      expect(observation, `write ${p.i}`).toBeDefined();
      const history = (await app.get(`/api/observations/${observation!.id}/history`)).body as { action: string; actor: { id: number } | null }[];
      expect(history.map((e) => [e.action, e.actor?.id]), `write ${p.i}`).toEqual([['create', p.id]]);
    }
  });
});
