import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError, type ErrorCode } from './errors.js';

type SetDeleted = (db: Kysely<Database>, id: number, deleted: boolean) => Promise<boolean>;

/**
 * Delete and restore of one kind of soft-deleted record, answered alike by every feature:
 * delete is the record's 404 (`notFound`) when there is nothing to delete; restore is 409
 * `NotDeleted` when the record is not deleted, and answers it as `load` reads it, in the
 * same transaction. With `loadFirst`, delete reads the record first in one transaction.
 * @example const { remove, restore } = softDeletion(repo.setPlotDeleted, 'PlotNotFound', getPlot)
 */
export function softDeletion<T>(setDeleted: SetDeleted, notFound: ErrorCode, load: (db: Kysely<Database>, id: number) => Promise<T>, opts: { loadFirst?: boolean } = {}) {
  const remove = async (db: Kysely<Database>, id: number): Promise<void> => {
    if (!opts.loadFirst) {
      if (!(await setDeleted(db, id, true))) throw AppError.notFound(notFound, id);
      return;
    }
    await db.transaction().execute(async (tx) => {
      await load(tx, id);
      if (!(await setDeleted(tx, id, true))) throw AppError.notFound(notFound, id);
    });
  };
  const restore = (db: Kysely<Database>, id: number): Promise<T> =>
    db.transaction().execute(async (tx) => {
      if (!(await setDeleted(tx, id, false))) throw new AppError(409, 'NotDeleted');
      return load(tx, id);
    });
  return { remove, restore };
}
