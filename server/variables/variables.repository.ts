import type { Kysely, Insertable } from 'kysely';
import type { Database, VariableRow, VariableTable } from '../../db/database.js';

export function listVariables(db: Kysely<Database>): Promise<VariableRow[]> {
  return db.selectFrom('variables').selectAll().orderBy('id').execute();
}

export function findVariable(db: Kysely<Database>, id: number): Promise<VariableRow | undefined> {
  return db.selectFrom('variables').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listVariablesByCode(db: Kysely<Database>, codes: string[]): Promise<VariableRow[]> {
  if (codes.length === 0) return Promise.resolve([]);
  return db.selectFrom('variables').selectAll().where('code', 'in', codes).execute();
}

export function insertVariable(db: Kysely<Database>, row: Insertable<VariableTable>): Promise<VariableRow> {
  return db.insertInto('variables').values(row).returningAll().executeTakeFirstOrThrow();
}
