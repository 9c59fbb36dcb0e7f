import type { Kysely } from 'kysely';
import type { Database, NewProjectRow, ProjectRow, ProjectUpdate } from '../../db/database.js';
import { lockRow, updateVersioned } from '../../db/versioned.js';

export function listProjects(db: Kysely<Database>): Promise<ProjectRow[]> {
  return db.selectFrom('projects').selectAll().orderBy('id').execute();
}

/** Some project, any: whether the database holds one yet. */
export function findAnyProject(db: Kysely<Database>): Promise<{ id: number } | undefined> {
  return db.selectFrom('projects').select('id').limit(1).executeTakeFirst();
}

export async function listDemoProjectIds(db: Kysely<Database>): Promise<number[]> {
  return (await db.selectFrom('projects').select('id').where('isDemo', '=', true).orderBy('id').execute()).map((p) => p.id);
}

export function findProject(db: Kysely<Database>, id: number): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findProjectByCode(db: Kysely<Database>, code: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('code', '=', code).executeTakeFirst();
}

export function insertProject(db: Kysely<Database>, row: NewProjectRow): Promise<ProjectRow> {
  return db.insertInto('projects').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Updates the project only while it still has `version`; undefined when someone else was first. */
export function updateProject(db: Kysely<Database>, id: number, version: number, patch: ProjectUpdate): Promise<ProjectRow | undefined> {
  return updateVersioned(db, 'projects', id, patch, version);
}

/** Locks the project's row until the transaction ends (`select … for update`). */
export const lockProject = (db: Kysely<Database>, id: number) => lockRow(db, 'projects', id);

/** Numbers a project without a code after its id: P1, P2 ... */
export function setCodeFromId(db: Kysely<Database>, id: number): Promise<ProjectRow> {
  return db.updateTable('projects').set({ code: `P${id}` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}
