import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * Sign-in throttling, counted in the database so every app process sees the same counts.
 * Each attempt is counted (reserved) atomically *before* its password is checked, so
 * parallel guesses cannot slip past a limit while others are being checked. Three counts,
 * in fixed windows:
 * - per client address (the real client, see DEMOPLOT_TRUST_PROXY): at most `perAddress`
 *   attempts, then 429 until the window ends;
 * - per account from one address: at most `perEmail` checks, then 429 for that address
 *   only, so a guesser elsewhere cannot lock the account's owner out;
 * - per account from anywhere: no refusal, a growing delay before the password is checked
 *   (`delayMs`), never more than `maxDelayMs`, so the right password always works within
 *   that delay while guessing from many addresses slows down.
 * A successful sign-in clears the account's counts and takes its attempt off the address.
 */
export const LOGIN_LIMITS = {
  windowSeconds: 15 * 60,
  perEmail: 5,
  perAddress: 50,
  /** Attempts on an account (from anywhere) before each next one is delayed. */
  freeAttempts: 5,
  firstDelayMs: 250,
  maxDelayMs: 5_000,
};

const keys = (email: string, address: string) => {
  const e = email.toLowerCase();
  return { email: `email:${e}`, address: `ip:${address}`, pair: `pair:${address}|${e}` };
};

/** Attempts already made on an account in the window -> the wait before this one is checked. */
export function delayMs(previousAttempts: number): number {
  if (previousAttempts < LOGIN_LIMITS.freeAttempts) return 0;
  return Math.min(LOGIN_LIMITS.firstDelayMs * 2 ** (previousAttempts - LOGIN_LIMITS.freeAttempts), LOGIN_LIMITS.maxDelayMs);
}

/** Counts one attempt on `key` atomically; answers the count including it and the seconds
 * left in its window. A window that has ended starts again at one. */
async function reserve(db: Kysely<Database>, key: string): Promise<{ count: number; remaining: number }> {
  const w = LOGIN_LIMITS.windowSeconds;
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

export type Admission = { allowed: true; delayMs: number } | { allowed: false; retryAfter: number };

/**
 * Counts this attempt and says whether its password may be checked, and after what delay.
 * A refused attempt is not counted against the account.
 */
export async function admitAttempt(db: Kysely<Database>, email: string, address: string): Promise<Admission> {
  const k = keys(email, address);
  const byAddress = await reserve(db, k.address);
  if (byAddress.count > LOGIN_LIMITS.perAddress) return { allowed: false, retryAfter: byAddress.remaining };
  const byPair = await reserve(db, k.pair);
  if (byPair.count > LOGIN_LIMITS.perEmail) return { allowed: false, retryAfter: byPair.remaining };
  const byAccount = await reserve(db, k.email);
  return { allowed: true, delayMs: delayMs(byAccount.count - 1) };
}

/** A successful sign-in clears the account's counts and takes its attempt off the address. */
export async function recordSuccess(db: Kysely<Database>, email: string, address: string): Promise<void> {
  const k = keys(email, address);
  await db.deleteFrom('loginFailures').where('key', 'in', [k.email, k.pair]).execute();
  await sql`update login_failures set failures = greatest(failures - 1, 0) where key = ${k.address}`.execute(db);
}

/** Forgets counts whose window has ended. */
export async function clearEndedWindows(db: Kysely<Database>): Promise<void> {
  await sql`delete from login_failures where window_started_at + make_interval(secs => ${LOGIN_LIMITS.windowSeconds}) <= now()`.execute(db);
}
