import { sql } from 'kysely';
import type { DatabaseHandle } from './connect.js';

/** The advisory lock key that instances starting on one PostgreSQL database queue on. */
const STARTUP_LOCK = 720_170_001;

/**
 * Runs `fn` (migrations, demonstration data, the first admin) while holding a PostgreSQL
 * advisory lock on a connection of its own, so instances started together do it one after
 * another: the second finds the work done. PGlite has one owner and one connection: no lock.
 */
export async function withStartupLock<T>(handle: DatabaseHandle, fn: () => Promise<T>): Promise<T> {
  if (handle.kind === 'pglite') return fn();
  return handle.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${STARTUP_LOCK})`.execute(connection);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${STARTUP_LOCK})`.execute(connection);
    }
  });
}
