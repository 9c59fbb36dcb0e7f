import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDbKind, type TestDatabase } from '../support/context.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { xlsxBomb } from '../support/zip-bomb.js';
import { XLSX } from '../support/imports.js';

/** A line of /proc/<pid>/status in MB: VmHWM is the peak resident memory, VmRSS the current. */
function memoryMb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

/** Starts measuring the peak afresh (the database's start-up peak would hide the upload's). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

describe.runIf(process.platform === 'linux')('an XLSX zip bomb', () => {
  let server: ServerProcess;
  let dataDir: string | undefined;
  let database: TestDatabase | undefined;
  let trialId: number;

  beforeAll(async () => {
    let env: Record<string, string>;
    if (testDbKind() === 'pglite') {
      dataDir = mkdtempSync(join(tmpdir(), 'demoplot-bomb-'));
      env = { DEMOPLOT_DATA_DIR: dataDir };
    } else {
      database = await createTestDatabase();
      env = { DATABASE_URL: database.url! };
    }
    server = await startServerProcess(env, { startTimeoutMs: 120_000 });
    const project = await server.request('POST', '/api/projects', { name: '炸弹', code: 'BOMB1' });
    await server.request('POST', '/api/variables', { code: 'yield', name: '产量', kind: 'number' });
    const trial = await server.request('POST', `/api/projects/${project.body.id}/trials`, { name: 't', crop: 'c', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: ['yield'] });
    trialId = trial.body.id;
  }, 150_000);

  afterAll(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  });

  it('is refused with 413 while streaming, long before its 1 GB of strings reach memory', async () => {
    const bomb = await xlsxBomb(1024);
    expect(bomb.length).toBeLessThan(5 * 1024 * 1024);
    resetPeak(server.pid);
    const before = memoryMb(server.pid, 'VmRSS');
    const started = Date.now();
    const res = await fetch(`${server.base}/api/trials/${trialId}/imports`, { method: 'POST', headers: { ...server.headers, 'content-type': XLSX, 'accept-language': 'en' }, body: new Uint8Array(bomb) });
    const seconds = (Date.now() - started) / 1000;
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toMatch(/unpacks to more than 64 MB/);
    // Generous bounds: the machine may be busy, but inflating 1 GB and keeping it would not fit.
    expect(seconds).toBeLessThan(60);
    const peak = memoryMb(server.pid, 'VmHWM');
    console.log(`peak RSS before ${before} MB, after ${peak} MB, refused in ${seconds} s`);
    expect(peak - before).toBeLessThan(400);
    expect((await fetch(`${server.base}/api/health`)).status).toBe(200);
  }, 90_000);
});
