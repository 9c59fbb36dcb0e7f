import type { Kysely } from 'kysely';
import type { Database } from './database.js';

/** Tables whose rows are soft-deleted (deleted_at) and carry a version. */
export type SoftDeletable = 'plots' | 'observations' | 'trials' | 'farmers' | 'trainingSessions';

/**
 * Soft delete (`deleted: true`) or its undo for one row, bumping its version; answers
 * whether the row was in the other state (false: no such row, or already so). Nothing is
 * erased, so a delete can always be restored.
 */
export async function setDeleted(db: Kysely<Database>, table: SoftDeletable, id: number, deleted: boolean): Promise<boolean> {
  // The tables share these columns; kysely cannot see that through a union of names.
  const t = table as 'plots';
  const res = await db
    .updateTable(t)
    .set((eb) => ({ deletedAt: deleted ? new Date() : null, version: eb('version', '+', 1), updatedAt: new Date() }))
    .where('id', '=', id)
    .where('deletedAt', deleted ? 'is' : 'is not', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
