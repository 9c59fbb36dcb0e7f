import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export const ADMIN = { email: 'bench-admin@example.org', password: 'bench-admin-password-2026' };

export interface ServerProcess {
  child: ChildProcess;
  pid: number;
  base: string;
  /** Headers every request sends: a bearer token when the app asks for sign-in. */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts `server/main.ts` as its own process on a free loopback port (as `npm start` does,
 * without the demonstration data) and waits until /api/health answers. When the app has
 * accounts, a token for the bootstrap administrator is fetched and sent on every request.
 */
export async function startServer(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DEMOPLOT_DEMO: '0',
      DEMOPLOT_ADMIN_EMAIL: ADMIN.email,
      DEMOPLOT_ADMIN_PASSWORD: ADMIN.password,
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
  const deadline = Date.now() + 120_000;
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
  const headers: Record<string, string> = {};
  const token = await fetch(`${base}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password, name: 'bench' }),
  });
  if (token.ok) {
    const body = (await token.json()) as Record<string, unknown>;
    const value = body.token ?? body.accessToken;
    if (typeof value === 'string') headers.authorization = `Bearer ${value}`;
  }
  return {
    child,
    pid: child.pid!,
    base,
    headers,
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
