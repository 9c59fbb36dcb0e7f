import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * Failed logins are counted in the database (so every app process sees the same counts) per
 * email and per client address, in fixed windows. Past the limit, further attempts are
 * refused without checking the password until the window ends.
 */
export const LOGIN_LIMITS = {
  windowSeconds: 15 * 60,
  perEmail: 5,
  perAddress: 50,
};

const keys = (email: string, address: string) => ({ email: `email:${email.toLowerCase()}`, address: `ip:${address}` });

/** Seconds until another attempt is allowed, or 0 when one is allowed now. */
export async function secondsUntilAllowed(db: Kysely<Database>, email: string, address: string): Promise<number> {
  const k = keys(email, address);
  const { rows } = await sql<{ key: string; failures: number; remaining: number }>`
    select key, failures,
      ceil(extract(epoch from (window_started_at + make_interval(secs => ${LOGIN_LIMITS.windowSeconds}) - now())))::int as remaining
    from login_failures where key in (${k.email}, ${k.address})
  `.execute(db);
  let wait = 0;
  for (const r of rows) {
    const limit = r.key === k.email ? LOGIN_LIMITS.perEmail : LOGIN_LIMITS.perAddress;
    if (r.remaining > 0 && r.failures >= limit) wait = Math.max(wait, r.remaining);
  }
  return wait;
}

/** Counts one failure against both keys; a window that has ended starts again at one. */
export async function recordFailure(db: Kysely<Database>, email: string, address: string): Promise<void> {
  const k = keys(email, address);
  await sql`
    insert into login_failures as f (key, failures, window_started_at)
    values (${k.email}, 1, now()), (${k.address}, 1, now())
    on conflict (key) do update set
      failures = case when f.window_started_at + make_interval(secs => ${LOGIN_LIMITS.windowSeconds}) <= now() then 1 else f.failures + 1 end,
      window_started_at = case when f.window_started_at + make_interval(secs => ${LOGIN_LIMITS.windowSeconds}) <= now() then now() else f.window_started_at end
  `.execute(db);
}

/** A successful login clears the email's count (the address's stays). */
export async function clearFailures(db: Kysely<Database>, email: string): Promise<void> {
  await db.deleteFrom('loginFailures').where('key', '=', keys(email, '').email).execute();
}

/** Forgets counts whose window has ended. */
export async function clearEndedWindows(db: Kysely<Database>): Promise<void> {
  await sql`delete from login_failures where window_started_at + make_interval(secs => ${LOGIN_LIMITS.windowSeconds}) <= now()`.execute(db);
}
