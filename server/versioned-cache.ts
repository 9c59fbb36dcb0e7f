/**
 * A bounded cache of things read from a trial's data, each kept under the trial's data
 * version (trial_data_versions) it was read at. A write to the trial moves the version, in
 * the writing transaction and for every process on the same database, so an entry is reused
 * while the version a reader has just read is not newer than the entry's, and read again
 * once it is. Something read after the version was read is at least that new, so it is kept
 * under that version (or the newer one `versionOf` finds in it).
 *
 * Concurrent readers of an entry being read share that one read; a failed read is dropped so
 * the next reader tries again. The least recently used entries are dropped first, when there
 * are more than `capacity` of them or, with `weigh`, when they weigh more than `maxWeight`.
 */
export interface VersionedCache<K, V> {
  /** The entry of `key` if it was read at `version` or later, else `read()` kept under `version`. */
  get(key: K, version: number, read: () => Promise<V>): Promise<V>;
  /** Forgets every entry. */
  clear(): void;
  readonly size: number;
}

export function versionedCache<K, V>(opts: {
  capacity: number;
  /** The version the value was really read at, when the read finds it out (at least the one asked for). */
  versionOf?: (value: V) => number;
  /** What an entry weighs (bytes, say), and the most all entries may weigh together. */
  weigh?: (value: V) => number;
  maxWeight?: number;
}): VersionedCache<K, V> {
  interface Entry {
    version: number;
    pending: Promise<V>;
    weight: number;
  }
  const entries = new Map<K, Entry>();
  let weight = 0;

  const drop = (key: K) => {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    weight -= e.weight;
  };
  const trim = () => {
    for (const key of entries.keys()) {
      if (entries.size <= opts.capacity && (opts.maxWeight === undefined || weight <= opts.maxWeight)) break;
      drop(key);
    }
  };

  return {
    get(key, version, read) {
      const hit = entries.get(key);
      if (hit && hit.version >= version) {
        // Most recently used last.
        entries.delete(key);
        entries.set(key, hit);
        return hit.pending;
      }
      drop(key);
      const entry: Entry = { version, pending: read(), weight: 0 };
      entries.set(key, entry);
      trim();
      entry.pending.then(
        (value) => {
          if (entries.get(key) !== entry) return;
          if (opts.versionOf) entry.version = Math.max(entry.version, opts.versionOf(value));
          if (opts.weigh) {
            entry.weight = opts.weigh(value);
            weight += entry.weight;
            trim();
          }
        },
        () => {
          if (entries.get(key) === entry) entries.delete(key);
        },
      );
      return entry.pending;
    },
    clear() {
      entries.clear();
      weight = 0;
    },
    get size() {
      return entries.size;
    },
  };
}
