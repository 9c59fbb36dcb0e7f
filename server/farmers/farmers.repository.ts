import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database, FarmerRow, FarmerTable } from '../../db/database.js';
import { setDeleted } from '../../db/soft-delete.js';
import { updateVersioned } from '../../db/versioned.js';

/** A project's farmers that are not deleted, by number. */
export function listFarmers(db: Kysely<Database>, projectId: number): Promise<FarmerRow[]> {
  return db.selectFrom('farmers').selectAll().where('projectId', '=', projectId).where('deletedAt', 'is', null).orderBy('id').execute();
}

export function findFarmer(db: Kysely<Database>, id: number): Promise<FarmerRow | undefined> {
  return db.selectFrom('farmers').selectAll().where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst();
}

/** These farmers of a project (others, and deleted ones, are left out) with their gender: a roster's check. */
export function listRosterFarmers(db: Kysely<Database>, projectId: number, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('farmers').select(['id', 'gender']).where('projectId', '=', projectId).where('deletedAt', 'is', null).where('id', 'in', [...ids]).execute();
}

export function insertFarmers(db: Kysely<Database>, rows: Insertable<FarmerTable>[]): Promise<FarmerRow[]> {
  return db.insertInto('farmers').values(rows).returningAll().execute();
}

/** Updates the farmer only while it still has `version`; undefined when someone else was first. */
export const updateFarmer = (db: Kysely<Database>, id: number, version: number, patch: Updateable<FarmerTable>) => updateVersioned(db, 'farmers', id, patch, version);

/** Soft delete (deleted: true) or its undo; answers whether the farmer was in the other state. */
export const setFarmerDeleted = (db: Kysely<Database>, id: number, deleted: boolean) => setDeleted(db, 'farmers', id, deleted);

/** How many live training sessions have this farmer on their roster. */
export async function countRosterSessions(db: Kysely<Database>, farmerId: number): Promise<number> {
  const r = await db
    .selectFrom('trainingAttendees as a')
    .innerJoin('trainingSessions as t', 't.id', 'a.sessionId')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('a.farmerId', '=', farmerId)
    .where('t.deletedAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
