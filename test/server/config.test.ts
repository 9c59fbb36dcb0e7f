import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { CONFIG_VARIABLES, loadConfig } from '../../server/config.js';

/**
 * A bad value in any environment variable stops the start with the variable's name. The
 * table lists one bad value per variable the app reads, so a new variable without a check
 * (or without an entry here) fails the first test.
 */
const admin = { DEMOPLOT_ADMIN_EMAIL: 'admin@example.org', DEMOPLOT_ADMIN_PASSWORD: 'tussock-barley-harrow-73' };
const bad: Record<string, { env: Record<string, string> } | { free: string }> = {
  PORT: { env: { PORT: '70000' } },
  HOST: { free: 'any host name or address is passed to listen(), which reports its own error' },
  DATABASE_URL: { env: { DATABASE_URL: 'http://db.example.org/demoplot' } },
  DATABASE_REPLICA_URL: { env: { DATABASE_REPLICA_URL: 'not a url' } },
  DEMOPLOT_DATA_DIR: { free: 'any folder name; an empty value means the default' },
  DEMOPLOT_DEMO: { env: { DEMOPLOT_DEMO: 'maybe' } },
  WEB_CONCURRENCY: { env: { WEB_CONCURRENCY: '0' } },
  DATABASE_POOL_SIZE: { env: { DATABASE_POOL_SIZE: 'many' } },
  NODE_ENV: { env: { NODE_ENV: 'prod' } },
  DEMOPLOT_ADMIN_EMAIL: { env: { ...admin, DEMOPLOT_ADMIN_EMAIL: 'admin-at-example.org' } },
  DEMOPLOT_ADMIN_PASSWORD: { env: { ...admin, DEMOPLOT_ADMIN_PASSWORD: 'short' } },
  DEMOPLOT_PUBLIC_URL: { env: { DEMOPLOT_PUBLIC_URL: 'ftp://labels.example.org' } },
  DEMOPLOT_MAX_UPLOAD_MB: { env: { DEMOPLOT_MAX_UPLOAD_MB: '0' } },
  DEMOPLOT_MAX_IMPORT_ROWS: { env: { DEMOPLOT_MAX_IMPORT_ROWS: 'all' } },
  DEMOPLOT_TRUST_PROXY: { env: { DEMOPLOT_TRUST_PROXY: '10.0.0.0/99, nginx' } },
  DEMOPLOT_DEMO_ACCOUNTS: { env: { DEMOPLOT_DEMO_ACCOUNTS: 'please' } },
  DEMOPLOT_TIMEZONE: { env: { DEMOPLOT_TIMEZONE: 'Asia/Aksu' } },
};

describe('configuration', () => {
  it('has a bad-value case for every variable it reads', () => {
    expect(Object.keys(bad).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it.each(CONFIG_VARIABLES.filter((v) => bad[v] && 'env' in bad[v]))('refuses a bad %s, naming it', (name) => {
    const { env } = bad[name] as { env: Record<string, string> };
    expect(() => loadConfig(env)).toThrow(new RegExp(`invalid configuration:[\\s\\S]*\\b${name}\\b`));
  });

  it('starts from an empty environment with the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, host: '0.0.0.0', dataDir: './data', demo: true, webConcurrency: 1, poolSize: 10, production: false });
    expect(c.databaseUrl).toBeUndefined();
  });

  it('never echoes a refused admin password', () => {
    expect(() => loadConfig({ ...admin, DEMOPLOT_ADMIN_PASSWORD: 'sekrit' })).toThrow(/DEMOPLOT_ADMIN_PASSWORD/);
    try {
      loadConfig({ ...admin, DEMOPLOT_ADMIN_PASSWORD: 'sekrit' });
    } catch (e) {
      expect((e as Error).message).not.toContain('sekrit');
    }
  });

  it('stops a real start with a non-zero exit and the variable named', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, PORT: 'eighty', DEMOPLOT_DATA_DIR: 'memory://' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).not.toBe(0);
    expect(output).toMatch(/PORT/);
    expect(output).not.toMatch(/listening/);
  }, 60_000);
});
