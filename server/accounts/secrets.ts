import { hash, verify } from '@node-rs/argon2';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are hashed with argon2id (memory-hard: 19 MiB, 2 passes, the OWASP baseline).
 * Session cookies, API tokens and CSRF tokens are 32 random bytes; only their SHA-256 is
 * stored, which is enough for values with that much entropy.
 */
const ARGON2 = { algorithm: 2 /* Algorithm.Argon2id: a const enum, not importable as a value */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** A hash of a password nobody has, verified when the email is unknown so both cases take
 * the same time. */
let decoy: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    decoy ??= hashPassword(randomBytes(16).toString('hex'));
    await verify(await decoy, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}

/** A random URL-safe secret with a readable prefix, e.g. `dp_3q2…`. */
export function randomSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
