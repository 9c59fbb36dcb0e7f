import type { Kysely, Transaction } from 'kysely';
import type { Database, PhotoTable } from '../../db/database.js';
import type { Insertable } from 'kysely';

type Db = Kysely<Database> | Transaction<Database>;

/** Every column but the image bytes. */
const META = ['id', 'plotId', 'observationId', 'takenOn', 'caption', 'contentType', 'width', 'height', 'byteSize', 'keepsLocation', 'createdBy', 'createdAt', 'deletedAt'] as const;

export function insertPhoto(db: Db, row: Insertable<PhotoTable>) {
  return db.insertInto('photos').values(row).returning(META).executeTakeFirstOrThrow();
}

export function findPhotoByKey(db: Db, plotId: number, key: string) {
  return db.selectFrom('photos').select(META).where('plotId', '=', plotId).where('idempotencyKey', '=', key).executeTakeFirst();
}

export function findPhoto(db: Db, id: number) {
  return db.selectFrom('photos').select(META).where('id', '=', id).executeTakeFirst();
}

export function findPhotoBytes(db: Db, id: number, which: 'bytes' | 'thumbnail') {
  return db.selectFrom('photos').select(['contentType', which === 'bytes' ? 'bytes' : 'thumbnail']).where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst();
}

/** A plot's photos, oldest first, without deleted ones. */
export function listPlotPhotos(db: Db, plotId: number) {
  return db.selectFrom('photos').select(META).where('plotId', '=', plotId).where('deletedAt', 'is', null).orderBy('id').execute();
}

/** The photos of several plots, for pages that show them beside the data. */
export function listPhotosOfPlots(db: Db, plotIds: readonly number[]) {
  if (plotIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('photos').select(META).where('plotId', 'in', plotIds).where('deletedAt', 'is', null).orderBy('id').execute();
}

export function setPhotoDeleted(db: Db, id: number, deleted: boolean) {
  return db
    .updateTable('photos')
    .set({ deletedAt: deleted ? new Date() : null, updatedAt: new Date() })
    .where('id', '=', id)
    .where('deletedAt', deleted ? 'is' : 'is not', null)
    .returning(META)
    .executeTakeFirst();
}
