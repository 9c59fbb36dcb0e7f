import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * Who a session cookie or API token belongs to, remembered for at most a second so that a
 * burst of requests with one credential looks it up once. Keyed by the credential's hash
 * (never the secret), per database. Signing out, revoking a token and any change to an
 * account in this process forget its entries at once; a change made by another process is
 * seen within `CREDENTIAL_TTL_MS`.
 */
export const CREDENTIAL_TTL_MS = 1000;
const MAX_ENTRIES = 10_000;

interface Entry<T> {
  userId: number;
  value: T;
  until: number;
}

const caches = new WeakMap<Kysely<Database>, Map<string, Entry<unknown>>>();

function cacheOf(db: Kysely<Database>): Map<string, Entry<unknown>> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

/** The remembered owner of a credential hash, or undefined when unknown or older than a second. */
export function recalledCredential<T>(db: Kysely<Database>, hash: string): T | undefined {
  const cache = cacheOf(db);
  const entry = cache.get(hash);
  if (!entry) return undefined;
  if (entry.until <= Date.now()) {
    cache.delete(hash);
    return undefined;
  }
  return entry.value as T;
}

export function rememberCredential<T>(db: Kysely<Database>, hash: string, userId: number, value: T): void {
  const cache = cacheOf(db);
  if (cache.size >= MAX_ENTRIES) {
    const now = Date.now();
    for (const [k, e] of cache) if (e.until <= now) cache.delete(k);
    if (cache.size >= MAX_ENTRIES) cache.clear();
  }
  cache.set(hash, { userId, value, until: Date.now() + CREDENTIAL_TTL_MS });
}

export function forgetCredential(db: Kysely<Database>, hash: string): void {
  cacheOf(db).delete(hash);
}

/** Forgets every credential of an account (its role, projects, password or activity changed). */
export function forgetUserCredentials(db: Kysely<Database>, userId: number): void {
  const cache = cacheOf(db);
  for (const [k, e] of cache) if (e.userId === userId) cache.delete(k);
}
