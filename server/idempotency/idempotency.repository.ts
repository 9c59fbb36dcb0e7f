import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';


/** Claims the key for a request about to run; answers false when it is already held. */
export async function claimKey(db: Kysely<Database>, scope: string, key: string, requestHash: string): Promise<boolean> {
  const out = await db
    .insertInto('idempotencyKeys')
    .values({ scope, key, requestHash, expiresAt: sql<Date>`now() + interval '24 hours'` })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return out !== undefined;
}

export function findKey(db: Kysely<Database>, scope: string, key: string) {
  return db.selectFrom('idempotencyKeys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
}

/** Stores the response the key's first request answered. */
export async function completeKey(db: Kysely<Database>, scope: string, key: string, r: { status: number; headers: Record<string, string>; body: string }) {
  await db
    .updateTable('idempotencyKeys')
    .set({ responseStatus: r.status, responseHeaders: JSON.stringify(r.headers), responseBody: r.body })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

/** Frees a key whose request was refused, so the client may send it again. */
export async function releaseKey(db: Kysely<Database>, scope: string, key: string) {
  await db.deleteFrom('idempotencyKeys').where('scope', '=', scope).where('key', '=', key).where('responseStatus', 'is', null).execute();
}

/** Forgets keys past their time. */
export async function deleteExpiredKeys(db: Kysely<Database>) {
  await db.deleteFrom('idempotencyKeys').where('expiresAt', '<', sql<Date>`now()`).execute();
}
