import autocannon from 'autocannon';
import { createRequire } from 'node:module';

/**
 * autocannon 9 appends every response body to a string, chunk by chunk, whether or not
 * anything reads it (for `expectBody`, `verifyBody` and `onResponse`, which the bench does not
 * use). For the report's 89 KB gzipped answer that decoding took 9 of every 10 seconds of the
 * load generator's core, so the figures measured the generator's queue, not the server (the
 * server's own process sat 40 % idle). The bench keeps only the byte counts.
 */
const PipelinedRequestsQueue = createRequire(import.meta.url)('autocannon/lib/pipelinedRequestsQueue.js') as { prototype: { addBody(data: unknown): void } };
PipelinedRequestsQueue.prototype.addBody = () => {};

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Answers that were not 2xx, and connection errors or timeouts. */
  failures: number;
  /** CPU the load generator itself used, as a share of one core (near 1 means the figures
   * may be the generator's limit rather than the server's). */
  generatorCpu: number;
}

/**
 * Loads one URL with `connections` concurrent keep-alive connections for `seconds`, after one
 * unmeasured request (a report's first computation is measured on its own, not as the wait of
 * the first 32 requests).
 */
export async function loadUrl(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<LoadResult> {
  await (await fetch(url, { headers, signal: AbortSignal.timeout(60_000) }).catch(() => undefined))?.arrayBuffer();
  const cpu = process.cpuUsage();
  const t = performance.now();
  const r = await autocannon({ url, connections, duration: seconds, headers: { accept: 'application/json', ...headers } });
  const used = process.cpuUsage(cpu);
  return {
    generatorCpu: (used.user + used.system) / 1000 / (performance.now() - t),
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    failures: r.non2xx + r.errors + r.timeouts,
  };
}
