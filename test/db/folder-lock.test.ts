import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderInUse, lockFolder } from '../../db/folder-lock.js';
import { testDbKind } from '../support/context.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/** Runs `server/main.ts` until it exits: its exit code and everything it printed. */
function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, DEMOPLOT_DEMO: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe.runIf(testDbKind() === 'pglite')('one process owns a PGlite folder', () => {
  const dirs: string[] = [];
  let first: ServerProcess | undefined;
  const folder = () => {
    const d = mkdtempSync(join(tmpdir(), 'demoplot-lock-'));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    await first?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses a second process on the same folder, naming the folder and the owner', async () => {
    const dataDir = folder();
    first = await startServerProcess({ DEMOPLOT_DATA_DIR: dataDir }, { startTimeoutMs: 120_000 });
    const second = await runToExit({ DEMOPLOT_DATA_DIR: dataDir, PORT: '0' });
    expect(second.code).not.toBe(0);
    expect(second.output).toContain(dataDir);
    expect(second.output).toContain(`process ${first.pid}`);
    // The owner goes on serving.
    expect((await first.request('GET', '/api/projects')).status).toBe(200);
  }, 240_000);

  it('exits non-zero before opening any data when the port is taken', async () => {
    const dataDir = join(folder(), 'never-opened');
    const port = new URL(first!.base).port;
    const run = await runToExit({ DEMOPLOT_DATA_DIR: dataDir, PORT: port });
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
    expect(run.output).not.toMatch(/listening/);
    expect(existsSync(dataDir)).toBe(false);
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  }, 120_000);

  it('takes over a lock left by a process that no longer runs, and refuses a lock held in this process', () => {
    const dataDir = folder();
    const release = lockFolder(dataDir);
    expect(() => lockFolder(dataDir)).toThrow(FolderInUse);
    release();
    // A crashed owner: a pid that cannot be running.
    rmSync(`${dataDir}.lock`, { force: true });
    writeFileSync(`${dataDir}.lock`, `2147483646 ${hostname()}\n`);
    const again = lockFolder(dataDir);
    again();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
