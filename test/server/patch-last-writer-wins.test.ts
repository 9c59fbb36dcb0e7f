import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';

/**
 * A PATCH that sends no `version` is last-writer-wins: concurrent ones all succeed (the row
 * is locked and each updates the version it then finds), none gets a spurious 409.
 */
describe('PATCH without version under concurrency', () => {
  let app: TestApp;
  let projectId: number;
  let siteId: number;
  let trialId: number;
  let plotId: number;
  let observationId: number;

  beforeAll(async () => {
    app = await startTestApp();
    projectId = (await app.post('/api/projects', { name: '并发', code: 'LWW1' })).body.id;
    siteId = (await app.post(`/api/projects/${projectId}/sites`, { name: 'S' })).body.id;
    await app.post('/api/variables', { code: 'yield', name: '产量', kind: 'number' });
    trialId = (await app.post(`/api/projects/${projectId}/trials`, { name: 't', crop: 'c', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: ['yield'] })).body.id;
    const plot = await app.post(`/api/trials/${trialId}/plots`, { siteId, label: 'P1', arm: 'T' });
    expect(plot.status).toBe(201);
    plotId = (Array.isArray(plot.body) ? plot.body[0] : plot.body).id;
    const obs = await app.post(`/api/trials/${trialId}/observations`, [{ plot: 'P1', variable: 'yield', value: 1 }]);
    expect(obs.status).toBe(201);
    observationId = obs.body[0].id;
  });
  afterAll(() => app?.close());

  async function hammer(path: string, bodies: Record<string, unknown>[], field: string) {
    const start = (await app.get(path)).body;
    const answers = await Promise.all(bodies.map((b) => app.patch(path, b)));
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 200));
    const end = (await app.get(path)).body;
    expect(end.version).toBe(start.version + bodies.length);
    expect(bodies.map((b) => b[field])).toContainEqual(end[field]);
    // Every answer carries the row as that writer left it: versions are all different.
    expect(new Set(answers.map((a) => a.body.version)).size).toBe(bodies.length);
  }

  const eight = <T>(f: (i: number) => T) => Array.from({ length: 8 }, (_, i) => f(i));

  it('eight on one observation: all 200, one value wins, version + 8', async () => {
    await hammer(`/api/observations/${observationId}`, eight((i) => ({ value: 10 + i })), 'value');
  });

  it('eight on one plot: all 200, one value wins, version + 8', async () => {
    await hammer(`/api/plots/${plotId}`, eight((i) => ({ notes: `note ${i}` })), 'notes');
  });

  it('eight on one site and one farmer', async () => {
    await hammer(`/api/sites/${siteId}`, eight((i) => ({ name: `S${i}` })), 'name');
    const farmer = await app.post(`/api/projects/${projectId}/farmers`, { name: '农户' });
    expect(farmer.status).toBe(201);
    await hammer(`/api/farmers/${farmer.body.id}`, eight((i) => ({ name: `农户${i}` })), 'name');
  });

  it('a stale version still gets its 409', async () => {
    const path = `/api/observations/${observationId}`;
    const { version } = (await app.get(path)).body;
    const answers = await Promise.all(eight((i) => app.patch(path, { value: 50 + i, version })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(7);
  });
});
