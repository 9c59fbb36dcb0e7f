import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database, TrainingSessionTable } from '../../db/database.js';
import { setDeleted } from '../../db/soft-delete.js';
import { updateVersioned } from '../../db/versioned.js';

function sessionQuery(db: Kysely<Database>) {
  return db
    .selectFrom('trainingSessions as t')
    .leftJoin('sites as s', 's.id', 't.siteId')
    .selectAll('t')
    .select('s.name as siteName')
    .where('t.deletedAt', 'is', null);
}

export type SessionView = Awaited<ReturnType<typeof findSession>> & {};

export function listSessions(db: Kysely<Database>, projectId: number) {
  return sessionQuery(db).where('t.projectId', '=', projectId).orderBy('t.heldOn').orderBy('t.id').execute();
}

export function findSession(db: Kysely<Database>, id: number) {
  return sessionQuery(db).where('t.id', '=', id).executeTakeFirst();
}

/** Roster farmer ids per session, for the given sessions. */
export async function rosters(db: Kysely<Database>, sessionIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  if (!sessionIds.length) return out;
  const rows = await db
    .selectFrom('trainingAttendees')
    .select(['sessionId', 'farmerId'])
    .where('sessionId', 'in', sessionIds)
    .orderBy('sessionId')
    .orderBy('farmerId')
    .execute();
  for (const r of rows) {
    const list = out.get(r.sessionId) ?? [];
    list.push(r.farmerId);
    out.set(r.sessionId, list);
  }
  return out;
}

/** Rosters of every session of a project, in one query. */
export async function projectRosters(db: Kysely<Database>, projectId: number): Promise<Map<number, number[]>> {
  const rows = await db
    .selectFrom('trainingAttendees as a')
    .innerJoin('trainingSessions as t', 't.id', 'a.sessionId')
    .select(['a.sessionId', 'a.farmerId'])
    .where('t.projectId', '=', projectId)
    .where('t.deletedAt', 'is', null)
    .orderBy('a.sessionId')
    .orderBy('a.farmerId')
    .execute();
  const out = new Map<number, number[]>();
  for (const r of rows) {
    const list = out.get(r.sessionId) ?? [];
    list.push(r.farmerId);
    out.set(r.sessionId, list);
  }
  return out;
}

export function insertSession(db: Kysely<Database>, row: Insertable<TrainingSessionTable>) {
  return db.insertInto('trainingSessions').values(row).returning('id').executeTakeFirstOrThrow();
}

/** Updates the session, with `version` only while it still has it; undefined when someone else was first. */
export const updateSession = (db: Kysely<Database>, id: number, version: number | undefined, patch: Updateable<TrainingSessionTable>) =>
  updateVersioned(db, 'trainingSessions', id, patch, version);

/** Soft delete (deleted: true) or its undo; answers whether the session was in the other state. */
export const setSessionDeleted = (db: Kysely<Database>, id: number, deleted: boolean) => setDeleted(db, 'trainingSessions', id, deleted);

/** Replaces a session's roster with these farmers (none: no roster). */
export async function replaceRoster(db: Kysely<Database>, sessionId: number, farmerIds: readonly number[]) {
  await db.deleteFrom('trainingAttendees').where('sessionId', '=', sessionId).execute();
  if (farmerIds.length) await db.insertInto('trainingAttendees').values(farmerIds.map((farmerId) => ({ sessionId, farmerId }))).execute();
}
