import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

describe('the report API and its entity tag', () => {
  let app: TestApp;
  let trialId: number;
  beforeAll(async () => {
    app = await startTestApp();
    const { project, sites } = await makeProject(app, ['甲']);
    await ensureVariables(app, [YIELD]);
    const trial = await app.post(`/api/projects/${project.id}/trials`, {
      name: 't',
      crop: 'c',
      design: 'crd',
      arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }],
      variables: [YIELD.code],
    });
    trialId = trial.body.id;
    await app.post(`/api/trials/${trialId}/plots`, [
      { siteId: sites[0].id, label: 'P1', arm: 'T' },
      { siteId: sites[0].id, label: 'P2', arm: 'C' },
    ]);
    await app.post(`/api/trials/${trialId}/observations`, [{ plot: 'P1', variable: YIELD.code, value: 110 }, { plot: 'P2', variable: YIELD.code, value: 100 }]);
  });
  afterAll(() => app?.close());

  const get = (headers: Record<string, string> = {}) => fetch(`${app.baseUrl}/api/trials/${trialId}/report`, { headers: { accept: 'application/json', authorization: `Bearer ${app.admin.token}`, ...headers } });

  // fetch marks a conditional request `cache-control: no-cache`, which a server must answer
  // in full; a browser revalidating its cached copy does not, so ask as it does.
  const conditionalStatus = (etag: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request(`${app.baseUrl}/api/trials/${trialId}/report`, { headers: { accept: 'application/json', authorization: `Bearer ${app.admin.token}`, 'if-none-match': etag } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.end();
    });

  it('answers 304 while the data is unchanged and the new report after a write', async () => {
    const first = await get({ 'accept-encoding': 'identity' });
    const etag = first.headers.get('etag')!;
    expect(first.status).toBe(200);
    expect(first.headers.get('content-encoding')).toBeNull();
    expect((await first.json()).comparisons[0].sites[0].meanTreatment).toBe(110);
    expect(await conditionalStatus(etag)).toBe(304);

    // A second reading of the same day (the first is 110): summed, the plot's yield becomes 115.
    expect((await app.post(`/api/trials/${trialId}/observations`, [{ plot: 'P1', variable: YIELD.code, value: 5, reading: 2 }])).status).toBe(201);
    expect(await conditionalStatus(etag)).toBe(200);
    const after = await get({ 'accept-encoding': 'identity' });
    expect(after.headers.get('etag')).not.toBe(etag);
    expect((await after.json()).comparisons[0].sites[0].meanTreatment).toBe(115);
  });

  it('sends the same report gzipped to a client that accepts gzip, under a tag of its own', async () => {
    const plain = await get({ 'accept-encoding': 'identity' });
    const zipped = await get({ 'accept-encoding': 'gzip' });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(zipped.headers.get('etag')).not.toBe(plain.headers.get('etag'));
    expect(await zipped.json()).toEqual(await plain.json());
  });
});
