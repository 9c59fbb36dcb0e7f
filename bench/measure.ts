import { readFileSync, writeFileSync } from 'node:fs';

/** The q-quantile (0..1) of the samples, nearest rank. */
export function quantile(samples: number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export interface Timing {
  median: number;
  p95: number;
  runs: number;
}

/** Runs `f` `warmup` times unmeasured, then `runs` times; milliseconds. */
export async function timeRuns(f: () => Promise<unknown>, runs: number, warmup = 2, before?: () => unknown): Promise<Timing> {
  for (let i = 0; i < warmup; i++) {
    await before?.();
    await f();
  }
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    await before?.();
    const t = performance.now();
    await f();
    ms.push(performance.now() - t);
  }
  return { median: quantile(ms, 0.5), p95: quantile(ms, 0.95), runs };
}

/** A process's resident memory now and at its peak (VmRSS, VmHWM), in MB. */
export function processMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Sets a process's VmHWM back to its current RSS (Linux `clear_refs` 5), so a later peak is its own. */
export function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    /* not Linux, or not allowed: the peak then covers the process's whole life */
  }
}

/** Samples a process's RSS every `everyMs` until stopped; answers the highest seen and VmHWM. */
export function watchMemory(pid: number, everyMs = 25) {
  let highest = 0;
  const sample = () => {
    try {
      highest = Math.max(highest, processMemory(pid).rss);
    } catch {
      /* the process has gone */
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop(): { highestRss: number; peak: number } {
      clearInterval(timer);
      sample();
      return { highestRss: highest, peak: processMemory(pid).peak };
    },
  };
}
