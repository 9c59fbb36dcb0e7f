import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database, LayoutTable } from '../../db/database.js';

export function findLayout(db: Kysely<Database>, id: number) {
  return db.selectFrom('layouts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The layout row, locked until the transaction ends (so two commits do not both run). */
export function findLayoutForUpdate(db: Kysely<Database>, id: number) {
  return db.selectFrom('layouts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function listLayouts(db: Kysely<Database>, trialId: number) {
  return db.selectFrom('layouts').selectAll().where('trialId', '=', trialId).orderBy('id').execute();
}

/** The newest committed layout of a trial's site, for its north and entrance. */
export function findCommittedLayout(db: Kysely<Database>, trialId: number, siteId: number) {
  return db
    .selectFrom('layouts')
    .selectAll()
    .where('trialId', '=', trialId)
    .where('siteId', '=', siteId)
    .where('committedAt', 'is not', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export function insertLayout(db: Kysely<Database>, row: Insertable<LayoutTable>) {
  return db.insertInto('layouts').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateLayout(db: Kysely<Database>, id: number, patch: Updateable<LayoutTable>) {
  return db.updateTable('layouts').set({ ...patch, updatedAt: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Drops the uncommitted previews of a trial's site: a new preview replaces them. */
export function deletePreviews(db: Kysely<Database>, trialId: number, siteId: number) {
  return db.deleteFrom('layouts').where('trialId', '=', trialId).where('siteId', '=', siteId).where('committedAt', 'is', null).execute();
}

/** Live plots of a trial's site that hold a place in the field. */
export function placedPlots(db: Kysely<Database>, trialId: number, siteId: number) {
  return db
    .selectFrom('plots')
    .select(['id', 'label', 'row', 'column'])
    .where('trialId', '=', trialId)
    .where('siteId', '=', siteId)
    .where('deletedAt', 'is', null)
    .where('row', 'is not', null)
    .execute();
}

/** How many live observations the plots have. */
export async function countObservations(db: Kysely<Database>, plotIds: number[]): Promise<number> {
  if (!plotIds.length) return 0;
  const r = await db
    .selectFrom('observations')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('plotId', 'in', plotIds)
    .where('deletedAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
