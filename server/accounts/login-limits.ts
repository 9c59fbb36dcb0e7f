import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import * as repo from './login-limits.repository.js';

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

export type Admission = { allowed: true; delayMs: number } | { allowed: false; retryAfter: number };

/**
 * Counts this attempt and says whether its password may be checked, and after what delay.
 * A refused attempt is not counted against the account.
 */
export async function admitAttempt(db: Kysely<Database>, email: string, address: string): Promise<Admission> {
  const k = keys(email, address);
  const reserve = (key: string) => repo.reserveAttempt(db, key, LOGIN_LIMITS.windowSeconds);
  const byAddress = await reserve(k.address);
  if (byAddress.count > LOGIN_LIMITS.perAddress) return { allowed: false, retryAfter: byAddress.remaining };
  const byPair = await reserve(k.pair);
  if (byPair.count > LOGIN_LIMITS.perEmail) return { allowed: false, retryAfter: byPair.remaining };
  const byAccount = await reserve(k.email);
  return { allowed: true, delayMs: delayMs(byAccount.count - 1) };
}

/** A successful sign-in clears the account's counts and takes its attempt off the address. */
export async function recordSuccess(db: Kysely<Database>, email: string, address: string): Promise<void> {
  const k = keys(email, address);
  await repo.deleteAttemptCounts(db, [k.email, k.pair]);
  await repo.uncountAttempt(db, k.address);
}

/** Forgets counts whose window has ended. */
export async function clearEndedWindows(db: Kysely<Database>): Promise<void> {
  await repo.deleteEndedWindows(db, LOGIN_LIMITS.windowSeconds);
}
