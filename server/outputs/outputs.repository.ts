import type { Kysely } from 'kysely';
import type { Database, NewOutputRow, OutputRow } from '../../db/database.js';

export function listOutputs(db: Kysely<Database>, projectIds: number[]): Promise<OutputRow[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('outputs').selectAll().where('projectId', 'in', projectIds).orderBy('projectId').orderBy('id').execute();
}

export function insertOutput(db: Kysely<Database>, row: NewOutputRow): Promise<OutputRow> {
  return db.insertInto('outputs').values(row).returningAll().executeTakeFirstOrThrow();
}
