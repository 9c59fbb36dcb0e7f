import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/** Counts one attempt on `key` atomically in windows of `windowSeconds`; answers the count
 * including it and the seconds left in its window. A window that has ended starts again at one. */
export async function reserveAttempt(db: Kysely<Database>, key: string, windowSeconds: number): Promise<{ count: number; remaining: number }> {
  const w = windowSeconds;
  const { rows } = await sql<{ failures: number; remaining: number }>`
    insert into login_failures as f (key, failures, window_started_at)
    values (${key}, 1, now())
    on conflict (key) do update set
      failures = case when f.window_started_at + make_interval(secs => ${w}) <= now() then 1 else f.failures + 1 end,
      window_started_at = case when f.window_started_at + make_interval(secs => ${w}) <= now() then now() else f.window_started_at end
    returning failures,
      greatest(1, ceil(extract(epoch from (window_started_at + make_interval(secs => ${w}) - now()))))::int as remaining
  `.execute(db);
  return { count: rows[0].failures, remaining: rows[0].remaining };
}

export async function deleteAttemptCounts(db: Kysely<Database>, keys: string[]): Promise<void> {
  await db.deleteFrom('loginFailures').where('key', 'in', keys).execute();
}

/** Takes one attempt off `key`'s count (never below zero). */
export async function uncountAttempt(db: Kysely<Database>, key: string): Promise<void> {
  await sql`update login_failures set failures = greatest(failures - 1, 0) where key = ${key}`.execute(db);
}

export async function deleteEndedWindows(db: Kysely<Database>, windowSeconds: number): Promise<void> {
  await sql`delete from login_failures where window_started_at + make_interval(secs => ${windowSeconds}) <= now()`.execute(db);
}
