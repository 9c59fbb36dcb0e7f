import type { Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from './database.js';
import type { SoftDeletable } from './soft-delete.js';

/** Tables whose rows carry a `version` and are changed by PATCH. */
export type VersionedTable = SoftDeletable | 'projects' | 'sites' | 'users';

const SOFT_DELETABLE: ReadonlySet<VersionedTable> = new Set<SoftDeletable>(['plots', 'observations', 'trials', 'farmers', 'trainingSessions']);

/**
 * Updates one row and bumps its version (and `updated_at`); with `version`, only while the
 * row still has it, and a soft-deleted row never. Answers the updated row, or undefined when
 * someone else was first (or there is no such row): the caller answers 409 or 404.
 * @example await updateVersioned(db, 'sites', 7, { name: '温室 2' }, 3) // => the row at version 4
 */
export async function updateVersioned<T extends VersionedTable>(
  db: Kysely<Database>,
  table: T,
  id: number,
  patch: Updateable<Database[T]>,
  version?: number,
): Promise<Selectable<Database[T]> | undefined> {
  // The tables share these columns; kysely cannot see that through a union of names.
  let q = db
    .updateTable(table as 'plots')
    .set((eb) => ({ ...(patch as Updateable<Database['plots']>), version: eb('version', '+', 1), updatedAt: new Date() }))
    .where('id', '=', id);
  if (SOFT_DELETABLE.has(table)) q = q.where('deletedAt', 'is', null);
  if (version !== undefined) q = q.where('version', '=', version);
  return (await q.returningAll().executeTakeFirst()) as Selectable<Database[T]> | undefined;
}

/** Locks one row until the transaction ends (`select … for update`). */
export async function lockRow(tx: Kysely<Database>, table: VersionedTable, id: number): Promise<void> {
  await tx
    .selectFrom(table as 'plots')
    .select('id')
    .where('id', '=', id)
    .forUpdate()
    .execute();
}
