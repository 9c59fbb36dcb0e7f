import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { TEST_ADMIN } from './context.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  base: string;
  /** An API token of the admin the process created from DEMOPLOT_ADMIN_*; `request` sends it. */
  token: string;
  /** Headers that carry the token, for requests made without `request` (load tests, uploads). */
  headers: Record<string, string>;
  /** JSON request to the process: status and parsed body. */
  request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/**
 * Starts `server/main.ts` as a real process on a free loopback port (as `npm start` does,
 * without the demonstration data), waits until it answers, and signs in as the admin it
 * created from DEMOPLOT_ADMIN_*. Used by the tests and by the benchmarks.
 */
export async function startServerProcess(env: Record<string, string>, opts: { startTimeoutMs?: number } = {}): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      DEMOPLOT_DEMO: '0',
      DEMOPLOT_ADMIN_EMAIL: TEST_ADMIN.email,
      DEMOPLOT_ADMIN_PASSWORD: TEST_ADMIN.password,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.startTimeoutMs ?? 40_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited: ${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start: ${output}`);
    }
    try {
      if ((await fetch(`${base}/api/health`)).ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const login = await fetch(`${base}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: env.DEMOPLOT_ADMIN_EMAIL ?? TEST_ADMIN.email, password: env.DEMOPLOT_ADMIN_PASSWORD ?? TEST_ADMIN.password }),
  });
  if (login.status !== 201) throw new Error(`no admin token: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  return {
    child,
    pid: child.pid!,
    base,
    token,
    headers: { authorization: `Bearer ${token}` },
    request: async (method, path, body) => {
      const res = await fetch(base + path, {
        method,
        headers: {
          accept: 'application/json',
          authorization: `Bearer ${token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
