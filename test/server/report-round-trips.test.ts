import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KyselyPlugin } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../server/app.js';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

/** Counts the statements an app sends through its Kysely instance. */
function statementCounter() {
  const counter = { count: 0, plugin: undefined as unknown as KyselyPlugin };
  counter.plugin = {
    transformQuery(args) {
      counter.count++;
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
  return counter;
}

describe('a cached report request', () => {
  let app: TestApp;
  let server: Server;
  let baseUrl: string;
  let trialId: number;
  const counter = statementCounter();

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
    // A second app on the same database whose every statement is counted.
    const counted = createApp(app.config, { ...app.database.handle, db: app.db.withPlugin(counter.plugin) });
    server = await new Promise((resolve) => {
      const s = counted.listen(0, '127.0.0.1', () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await app?.close();
  });

  const report = async (token: string) => {
    const res = await fetch(`${baseUrl}/api/trials/${trialId}/report`, { headers: { accept: 'application/json', authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  };

  it('makes one database round trip: the trial, its project and data version in one query', async () => {
    // The clock stands still, so the second-long memory of the token cannot lapse on a slow machine.
    vi.useFakeTimers({ toFake: ['Date'] });
    const agronomist = await app.createUser({ role: 'agronomist', projects: [(await app.get(`/api/trials/${trialId}`)).body.projectId] });
    expect((await report(agronomist.token)).status).toBe(200);
    counter.count = 0;
    const cached = await report(agronomist.token);
    expect(cached.status).toBe(200);
    expect(cached.body.comparisons[0].sites[0].meanTreatment).toBe(110);
    expect(counter.count).toBe(1);
  });

  it('still refuses at once an account that lost its membership, and a revoked token', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const projectId = (await app.get(`/api/trials/${trialId}`)).body.projectId;
    const viewer = await app.createUser({ role: 'viewer', projects: [projectId] });
    expect((await report(viewer.token)).status).toBe(200);
    // Both changes go through the counted app, whose memory of the token they must clear.
    const patched = await fetch(`${baseUrl}/api/users/${viewer.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${app.admin.token}` },
      body: JSON.stringify({ projects: [] }),
    });
    expect(patched.status).toBe(200);
    expect((await report(viewer.token)).status).toBe(403);

    const lead = await app.createUser({ role: 'lead', projects: [projectId] });
    expect((await report(lead.token)).status).toBe(200);
    const tokens = await (await fetch(`${baseUrl}/api/tokens`, { headers: { authorization: `Bearer ${lead.token}` } })).json();
    for (const t of tokens) {
      const revoked = await fetch(`${baseUrl}/api/tokens/${t.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${lead.token}` } });
      expect(revoked.status).toBe(204);
    }
    expect((await report(lead.token)).status).toBe(401);
  });
});
