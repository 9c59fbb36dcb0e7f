import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { currentUser } from '../accounts/access.js';
import { AppError, ValidationError } from '../errors.js';
import { findObservationPlot } from '../observations/observations.repository.js';
import { getPlot } from '../plots/plots.service.js';
import { processPhoto } from './images.js';
import * as repo from './photos.repository.js';
import type { PhotoFields } from './photos.schemas.js';

type PhotoMeta = NonNullable<Awaited<ReturnType<typeof repo.findPhoto>>>;

/** A photo as the API shows it: where to fetch it and its thumbnail, never its bytes. */
export function photoDto(p: PhotoMeta) {
  return {
    id: p.id,
    plotId: p.plotId,
    observationId: p.observationId,
    takenOn: p.takenOn,
    caption: p.caption,
    contentType: p.contentType,
    width: p.width,
    height: p.height,
    byteSize: p.byteSize,
    keepsLocation: p.keepsLocation,
    createdAt: p.createdAt,
    url: `/photos/${p.id}`,
    thumbnailUrl: `/photos/${p.id}/thumbnail`,
  };
}
export type PhotoDto = ReturnType<typeof photoDto>;

/**
 * Stores a photo of a plot (or of one of its observations). A repeated upload with the same
 * Idempotency-Key answers the photo stored the first time (`created: false`) and stores
 * nothing. Throws 415 when the file is not an image and 400 naming the field when the
 * observation is not one of the plot's.
 */
export async function addPhoto(
  db: Kysely<Database>,
  plotId: number,
  file: Buffer,
  fields: PhotoFields,
  idempotencyKey: string | undefined,
): Promise<{ photo: PhotoDto; created: boolean }> {
  const plot = await getPlot(db, plotId);
  if (plot.deletedAt) throw AppError.notFound('PlotNotFound', plotId);
  if (idempotencyKey) {
    const earlier = await repo.findPhotoByKey(db, plotId, idempotencyKey);
    if (earlier) return { photo: photoDto(earlier), created: false };
  }
  if (fields.observationId !== undefined) {
    const obs = await findObservationPlot(db, fields.observationId);
    if (!obs || obs.plotId !== plotId) {
      throw new ValidationError([{ path: 'observationId', key: 'photo.v.observationNotOfPlot', params: { id: String(fields.observationId) } }]);
    }
  }
  const keep = fields.keepLocation === '1' || fields.keepLocation === 'true';
  const image = await processPhoto(file, keep);
  if (!image) throw new AppError(415, 'PhotoNotImage', 'error.PhotoNotImage');
  try {
    const row = await repo.insertPhoto(db, {
      plotId,
      observationId: fields.observationId ?? null,
      takenOn: fields.takenOn ?? null,
      caption: fields.caption ?? null,
      contentType: image.contentType,
      width: image.width,
      height: image.height,
      byteSize: image.bytes.length,
      keepsLocation: keep,
      bytes: image.bytes,
      thumbnail: image.thumbnail,
      idempotencyKey: idempotencyKey ?? null,
      createdBy: currentUser()?.id ?? null,
    });
    return { photo: photoDto(row), created: true };
  } catch (err) {
    // The same key sent twice at once: the other request stored it.
    const earlier = idempotencyKey ? await repo.findPhotoByKey(db, plotId, idempotencyKey) : undefined;
    if (earlier) return { photo: photoDto(earlier), created: false };
    throw err;
  }
}

/** The photos of several plots (already loaded), for pages that show them beside the data. */
export const listPhotosOfPlots = (db: Kysely<Database>, plotIds: readonly number[]) => repo.listPhotosOfPlots(db, plotIds);

export async function listPhotos(db: Kysely<Database>, plotId: number): Promise<PhotoDto[]> {
  await getPlot(db, plotId);
  return (await repo.listPlotPhotos(db, plotId)).map(photoDto);
}

/** The image or its thumbnail; 404 for a deleted photo. */
export async function photoFile(db: Kysely<Database>, id: number, which: 'bytes' | 'thumbnail') {
  const row = await repo.findPhotoBytes(db, id, which);
  if (!row) throw AppError.notFound('PhotoNotFound', id);
  const data = (row as { bytes?: Uint8Array; thumbnail?: Uint8Array })[which]!;
  return { contentType: which === 'bytes' ? row.contentType : 'image/jpeg', data: Buffer.from(data) };
}

/** Soft delete (the audit trail records who and when); restoring undoes it. */
export async function setDeleted(db: Kysely<Database>, id: number, deleted: boolean): Promise<PhotoDto> {
  const row = await repo.setPhotoDeleted(db, id, deleted);
  if (row) return photoDto(row);
  const now = await repo.findPhoto(db, id);
  if (!now || deleted) throw AppError.notFound('PhotoNotFound', id);
  return photoDto(now);
}
