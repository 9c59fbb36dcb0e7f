import type { Kysely } from 'kysely';
import type { Database, NewProgrammeRow, ProgrammeRow, ProjectRow } from '../../db/database.js';

export function listProgrammes(db: Kysely<Database>): Promise<ProgrammeRow[]> {
  return db.selectFrom('programmes').selectAll().orderBy('year', 'desc').orderBy('id').execute();
}

export function findProgramme(db: Kysely<Database>, id: number): Promise<ProgrammeRow | undefined> {
  return db.selectFrom('programmes').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findProgrammeByName(db: Kysely<Database>, name: string): Promise<ProgrammeRow | undefined> {
  return db.selectFrom('programmes').selectAll().where('name', '=', name).executeTakeFirst();
}

export function insertProgramme(db: Kysely<Database>, row: NewProgrammeRow): Promise<ProgrammeRow> {
  return db.insertInto('programmes').values(row).returningAll().executeTakeFirstOrThrow();
}

export function listProgrammeProjects(db: Kysely<Database>, programmeId: number): Promise<ProjectRow[]> {
  return db.selectFrom('projects').selectAll().where('programmeId', '=', programmeId).orderBy('id').execute();
}
