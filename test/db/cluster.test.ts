import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDbKind, type TestDatabase } from '../support/context.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/**
 * `WEB_CONCURRENCY=2` (two workers sharing the port) with `DATABASE_REPLICA_URL` (a second
 * connection string standing in for a replica with no lag): whichever worker answers, every
 * reader gets the same report and the same entity tag, and a write changes both everywhere.
 */
describe.skipIf(testDbKind() === 'pglite')('a cluster of workers reading reports from a replica', () => {
  // (skipped on PGlite: a single-process database, no workers and no replica)
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('serves consistent reports and entity tags from every worker, before and after a write', async () => {
    database = await createTestDatabase();
    await database.handle.close();
    server = await startServerProcess({ DATABASE_URL: database.url!, DATABASE_REPLICA_URL: database.url!, WEB_CONCURRENCY: '2' }, { startTimeoutMs: 60_000 });
    const s = server;
    const project = (await s.request('POST', '/api/projects', { name: '集群', code: 'CLU1' })).body;
    const site = (await s.request('POST', `/api/projects/${project.id}/sites`, { name: '甲' })).body;
    expect((await s.request('POST', '/api/variables', { code: 'clu_yield', name: '产量', kind: 'number', aggregation: 'sum' })).status).toBe(201);
    const trial = (
      await s.request('POST', `/api/projects/${project.id}/trials`, {
        name: 't',
        crop: 'c',
        design: 'crd',
        arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }],
        variables: ['clu_yield'],
      })
    ).body;
    const plots = [1, 2, 3, 4].map((n) => ({ siteId: site.id, label: `P${n}`, arm: n % 2 ? 'T' : 'C' }));
    expect((await s.request('POST', `/api/trials/${trial.id}/plots`, plots)).status).toBe(201);
    const first = plots.map((p, i) => ({ plot: p.label, variable: 'clu_yield', value: [110, 100, 114, 98][i], observedOn: '2017-07-01' }));
    expect((await s.request('POST', `/api/trials/${trial.id}/observations`, first)).status).toBe(201);

    const path = `${s.base}/api/trials/${trial.id}/report`;
    const read = async (headers: Record<string, string> = {}) => {
      // A fresh connection each time, so the kernel spreads them over both workers.
      const r = await fetch(path, { headers: { ...s.headers, connection: 'close', 'accept-encoding': 'gzip', ...headers } });
      return { status: r.status, etag: r.headers.get('etag'), body: r.status === 200 ? await r.text() : '' };
    };
    const round = async () => Promise.all(Array.from({ length: 12 }, () => read()));
    // fetch marks a conditional request `cache-control: no-cache`, which must be answered in
    // full; a browser revalidating its copy does not, so ask as it does.
    const revalidate = (etag: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request(path, { headers: { ...s.headers, connection: 'close', 'accept-encoding': 'gzip', 'if-none-match': etag } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end();
      });

    const before = await round();
    for (const r of before) expect(r.status).toBe(200);
    expect(new Set(before.map((r) => r.etag)).size).toBe(1);
    expect(new Set(before.map((r) => r.body)).size).toBe(1);
    const tag = before[0].etag!;
    for (const status of await Promise.all(Array.from({ length: 8 }, () => revalidate(tag)))) expect(status).toBe(304);

    const later = plots.filter((p) => p.arm === 'T').map((p) => ({ plot: p.label, variable: 'clu_yield', value: 10, observedOn: '2017-07-08' }));
    expect((await s.request('POST', `/api/trials/${trial.id}/observations`, later)).status).toBe(201);
    const after = await round();
    for (const r of after) expect(r.status).toBe(200);
    expect(new Set(after.map((r) => r.etag)).size).toBe(1);
    expect(after[0].etag).not.toBe(tag);
    expect(new Set(after.map((r) => r.body)).size).toBe(1);
    const report = JSON.parse(after[0].body);
    expect(report.comparisons[0].sites[0].meanTreatment).toBeCloseTo((110 + 114) / 2 + 10, 9);
    for (const status of await Promise.all(Array.from({ length: 8 }, () => revalidate(tag)))) expect(status).toBe(200);
  }, 180_000);
});
