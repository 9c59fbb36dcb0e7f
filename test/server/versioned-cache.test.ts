import { describe, expect, it } from 'vitest';
import { versionedCache } from '../../server/versioned-cache.js';

/** The cache behind the report, the plot counts and the trial page: kept per data version. */
describe('versionedCache', () => {
  const counter = () => {
    let reads = 0;
    return {
      read: (value: string) => () => {
        reads += 1;
        return Promise.resolve(value);
      },
      get reads() {
        return reads;
      },
    };
  };

  it('reuses an entry while the version asked for is not newer, and reads again once it is', async () => {
    const cache = versionedCache<number, string>({ capacity: 10 });
    const c = counter();
    expect(await cache.get(1, 5, c.read('v5'))).toBe('v5');
    expect(await cache.get(1, 5, c.read('again'))).toBe('v5');
    // A reader that read an older version (another process lagging) still gets the newer entry.
    expect(await cache.get(1, 4, c.read('older'))).toBe('v5');
    expect(c.reads).toBe(1);
    expect(await cache.get(1, 6, c.read('v6'))).toBe('v6');
    expect(c.reads).toBe(2);
    expect(await cache.get(1, 6, c.read('no'))).toBe('v6');
  });

  it('shares one read between concurrent readers of the same version', async () => {
    const cache = versionedCache<string, number>({ capacity: 10 });
    let reads = 0;
    let release!: (n: number) => void;
    const slow = () => {
      reads += 1;
      return new Promise<number>((r) => (release = r));
    };
    const a = cache.get('t', 1, slow);
    const b = cache.get('t', 1, slow);
    release(42);
    expect(await Promise.all([a, b])).toEqual([42, 42]);
    expect(reads).toBe(1);
  });

  it('drops a failed read, so the next reader tries again', async () => {
    const cache = versionedCache<number, string>({ capacity: 10 });
    await expect(cache.get(1, 1, () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(cache.size).toBe(0);
    expect(await cache.get(1, 1, () => Promise.resolve('up'))).toBe('up');
  });

  it('keeps an entry under the newer version its read found', async () => {
    const cache = versionedCache<number, { version: number }>({ capacity: 10, versionOf: (v) => v.version });
    await cache.get(1, 3, () => Promise.resolve({ version: 7 }));
    const c = counter();
    expect(await cache.get(1, 7, () => c.read('x')().then(() => ({ version: 0 })))).toEqual({ version: 7 });
    expect(c.reads).toBe(0);
  });

  it('drops the least recently used entry beyond its capacity', async () => {
    const cache = versionedCache<string, string>({ capacity: 2 });
    await cache.get('a', 1, () => Promise.resolve('a'));
    await cache.get('b', 1, () => Promise.resolve('b'));
    await cache.get('a', 1, () => Promise.resolve('a again')); // a is now the most recent
    await cache.get('c', 1, () => Promise.resolve('c'));
    expect(cache.size).toBe(2);
    const c = counter();
    expect(await cache.get('a', 1, c.read('a read'))).toBe('a');
    expect(await cache.get('b', 1, c.read('b read'))).toBe('b read');
    expect(c.reads).toBe(1);
  });

  it('drops the least recently used entries once they weigh more than the most allowed', async () => {
    const cache = versionedCache<string, string>({ capacity: 100, weigh: (v) => v.length, maxWeight: 10 });
    await cache.get('a', 1, () => Promise.resolve('aaaa'));
    await cache.get('b', 1, () => Promise.resolve('bbbb'));
    expect(cache.size).toBe(2);
    await cache.get('c', 1, () => Promise.resolve('cccc'));
    // 12 > 10: the oldest goes.
    expect(cache.size).toBe(2);
    const c = counter();
    expect(await cache.get('b', 1, c.read('b read'))).toBe('bbbb');
    expect(await cache.get('a', 1, c.read('a read'))).toBe('a read');
    // One entry heavier than the whole allowance is answered but not kept.
    expect(await cache.get('big', 1, () => Promise.resolve('x'.repeat(11)))).toBe('x'.repeat(11));
    expect(await cache.get('big', 1, c.read('big read'))).toBe('big read');
  });
});
