import type { Kysely, Insertable, Updateable } from 'kysely';
import type { Database, SiteRow, SiteTable } from '../../db/database.js';
import { updateVersioned } from '../../db/versioned.js';

export function listSites(db: Kysely<Database>, projectId: number): Promise<SiteRow[]> {
  return db.selectFrom('sites').selectAll().where('projectId', '=', projectId).orderBy('id').execute();
}

export function findSite(db: Kysely<Database>, id: number): Promise<SiteRow | undefined> {
  return db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findSiteByName(db: Kysely<Database>, projectId: number, name: string): Promise<SiteRow | undefined> {
  return db.selectFrom('sites').selectAll().where('projectId', '=', projectId).where('name', '=', name).executeTakeFirst();
}

export function insertSite(db: Kysely<Database>, row: Insertable<SiteTable>): Promise<SiteRow> {
  return db.insertInto('sites').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Updates the site only while it still has `version`; undefined when someone else was first. */
export function updateSite(db: Kysely<Database>, id: number, version: number, patch: Updateable<SiteTable>): Promise<SiteRow | undefined> {
  return updateVersioned(db, 'sites', id, patch, version);
}
