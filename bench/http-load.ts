import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** Answers that were not 2xx, and connection errors or timeouts. */
  failures: number;
}

/**
 * Loads one URL with `connections` concurrent keep-alive connections for `seconds`, after one
 * unmeasured request (a report's first computation is measured on its own, not as the wait of
 * the first 32 requests).
 */
export async function loadUrl(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<LoadResult> {
  await (await fetch(url, { headers, signal: AbortSignal.timeout(60_000) }).catch(() => undefined))?.arrayBuffer();
  const r = await autocannon({ url, connections, duration: seconds, headers: { accept: 'application/json', ...headers } });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    failures: r.non2xx + r.errors + r.timeouts,
  };
}
