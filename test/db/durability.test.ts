import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_ADMIN, testDbKind, type TestDatabase } from '../support/context.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `server/main.ts` as a real process and waits until it answers. */
async function startProcess(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', DEMOPLOT_DEMO: '0', DEMOPLOT_ADMIN_EMAIL: TEST_ADMIN.email, DEMOPLOT_ADMIN_PASSWORD: TEST_ADMIN.password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 40_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${output}`);
}

async function killHard(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

describe('a committed write survives kill -9 of the process', () => {
  let dataDir: string | undefined;
  let database: TestDatabase | undefined;
  afterAll(async () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  it('keeps the project and observations written before the crash', async () => {
    let env: Record<string, string>;
    if (testDbKind() === 'pglite') {
      dataDir = mkdtempSync(join(tmpdir(), 'demoplot-durability-'));
      env = { DEMOPLOT_DATA_DIR: dataDir };
    } else {
      database = await createTestDatabase();
      await database.handle.close();
      env = { DATABASE_URL: database.url! };
    }
    const port = await freePort();
    const first = await startProcess(env, port);
    const base = `http://127.0.0.1:${port}/api`;
    const { token } = await (await fetch(`${base}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(TEST_ADMIN) })).json();
    const auth = { authorization: `Bearer ${token}` };
    const post = (path: string, body: unknown) =>
      fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) });
    const project = await (await post('/projects', { name: '耐久性', code: 'CRASH1' })).json();
    const site = await (await post(`/projects/${project.id}/sites`, { name: 'S' })).json();
    await post('/variables', { code: 'crash_yield', name: '产量', kind: 'number' });
    const trial = await (await post(`/projects/${project.id}/trials`, { name: 't', crop: 'c', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: ['crash_yield'] })).json();
    await post(`/trials/${trial.id}/plots`, { siteId: site.id, label: 'P1', arm: 'T' });
    const obs = await post(`/trials/${trial.id}/observations`, [{ plot: 'P1', variable: 'crash_yield', value: '5427.10' }]);
    expect(obs.status).toBe(201);
    await killHard(first);

    const second = await startProcess(env, port);
    try {
      const projects = await (await fetch(`${base}/projects`, { headers: auth })).json();
      expect(projects.map((p: any) => p.code)).toContain('CRASH1');
      const observations = await (await fetch(`${base}/trials/${trial.id}/observations`, { headers: auth })).json();
      expect(observations.map((o: any) => o.valueText)).toEqual(['5427.10']);
    } finally {
      await killHard(second);
    }
  }, 120_000);
});
