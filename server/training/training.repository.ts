import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

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
