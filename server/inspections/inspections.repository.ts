import type { Kysely } from 'kysely';
import type { Database, InspectionRow, NewInspectionRow, RectificationRow } from '../../db/database.js';

export function listInspections(db: Kysely<Database>, projectIds: number[]): Promise<InspectionRow[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('inspections').selectAll().where('projectId', 'in', projectIds).orderBy('inspectedOn').orderBy('id').execute();
}

export function listRectifications(db: Kysely<Database>, inspectionIds: number[]): Promise<RectificationRow[]> {
  if (inspectionIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('rectifications').selectAll().where('inspectionId', 'in', inspectionIds).orderBy('inspectionId').orderBy('position').execute();
}

export function insertInspection(db: Kysely<Database>, row: NewInspectionRow): Promise<InspectionRow> {
  return db.insertInto('inspections').values(row).returningAll().executeTakeFirstOrThrow();
}

export function insertRectifications(db: Kysely<Database>, rows: { inspectionId: number; position: number; item: string; dueOn: string | null }[]): Promise<RectificationRow[]> {
  if (rows.length === 0) return Promise.resolve([]);
  return db.insertInto('rectifications').values(rows).returningAll().execute();
}

export function findRectification(db: Kysely<Database>, id: number): Promise<(RectificationRow & { projectId: number }) | undefined> {
  return db
    .selectFrom('rectifications as r')
    .innerJoin('inspections as i', 'i.id', 'r.inspectionId')
    .selectAll('r')
    .select('i.projectId')
    .where('r.id', '=', id)
    .executeTakeFirst();
}

/** Closes the item only while it is still open; undefined when it was already closed. */
export function closeRectification(db: Kysely<Database>, id: number, closedOn: string, note: string): Promise<RectificationRow | undefined> {
  return db
    .updateTable('rectifications')
    .set((eb) => ({ closedOn, closeNote: note, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('closedOn', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** A project's rectification items still open, oldest inspection first, in their order. */
export function listOpenRectifications(db: Kysely<Database>, projectId: number) {
  return db
    .selectFrom('rectifications as r')
    .innerJoin('inspections as i', 'i.id', 'r.inspectionId')
    .select(['r.id', 'r.item', 'r.dueOn', 'i.inspectedOn'])
    .where('i.projectId', '=', projectId)
    .where('r.closedOn', 'is', null)
    .orderBy('i.inspectedOn')
    .orderBy('r.position')
    .execute();
}

export function findInspection(db: Kysely<Database>, id: number): Promise<InspectionRow | undefined> {
  return db.selectFrom('inspections').selectAll().where('id', '=', id).executeTakeFirst();
}
