import { startServerProcess, type ServerProcess } from '../test/support/server-process.js';

export type { ServerProcess };

/**
 * A server process for a benchmark: the tests' starter, run as in production and given
 * longer to start (a full-scale database migrates and warms up slowly on a busy machine).
 */
export function startServer(env: Record<string, string>): Promise<ServerProcess> {
  return startServerProcess({ NODE_ENV: 'production', ...env }, { startTimeoutMs: 120_000 });
}
