import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDbKind, type TestDatabase } from '../support/context.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/**
 * Several processes serve one PostgreSQL database: none keeps state of its own that another
 * could miss, so a write through one is in the next report of every other, cached or not.
 */
describe.skipIf(testDbKind() === 'pglite')('two server processes on one PostgreSQL database', () => {
  // (skipped on PGlite: it is a single-process database, one process owns its folder)
  let database: TestDatabase | undefined;
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await database?.drop();
  });

  it('answer the same report, and both see a write made through either', async () => {
    database = await createTestDatabase();
    await database.handle.close();
    const env = { DATABASE_URL: database.url! };
    const [a, b] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
    servers.push(a, b);

    const project = (await a.request('POST', '/api/projects', { name: '两进程', code: 'TWO1' })).body;
    const sites = [];
    for (const name of ['甲', '乙']) sites.push((await a.request('POST', `/api/projects/${project.id}/sites`, { name })).body);
    expect((await a.request('POST', '/api/variables', { code: 'two_yield', name: '产量', kind: 'number', aggregation: 'sum' })).status).toBe(201);
    const trial = (
      await a.request('POST', `/api/projects/${project.id}/trials`, {
        name: 't',
        crop: 'c',
        design: 'crd',
        arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }],
        variables: ['two_yield'],
      })
    ).body;
    const plots = sites.flatMap((s, i) => [1, 2, 3, 4].map((n) => ({ siteId: s.id, label: `S${i}P${n}`, arm: n % 2 ? 'T' : 'C' })));
    expect((await a.request('POST', `/api/trials/${trial.id}/plots`, plots)).status).toBe(201);
    const values = [110, 100, 112, 99, 108, 101, 115, 98];
    const first = plots.map((p, i) => ({ plot: p.label, variable: 'two_yield', value: values[i], observedOn: '2017-07-01' }));
    expect((await a.request('POST', `/api/trials/${trial.id}/observations`, first)).status).toBe(201);

    const path = `/api/trials/${trial.id}/report`;
    const [fromA, fromB] = await Promise.all([a.request('GET', path), b.request('GET', path)]);
    expect(fromA.status).toBe(200);
    expect(fromB.body).toEqual(fromA.body);
    const before = fromB.body.comparisons[0].sites[0].meanTreatment;

    // Written through b, read from a (which has the report cached) and from b.
    // A later harvest (another day), summed with the first.
    const more = plots.filter((p) => p.arm === 'T').map((p) => ({ plot: p.label, variable: 'two_yield', value: 10, observedOn: '2017-07-08' }));
    expect((await b.request('POST', `/api/trials/${trial.id}/observations`, more)).status).toBe(201);
    const [afterA, afterB] = await Promise.all([a.request('GET', path), b.request('GET', path)]);
    expect(afterA.body).toEqual(afterB.body);
    expect(afterA.body.comparisons[0].sites[0].meanTreatment).toBeCloseTo(before + 10, 9);
  }, 120_000);
});
