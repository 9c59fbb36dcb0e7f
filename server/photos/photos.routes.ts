import busboy from 'busboy';
import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError, ValidationError } from '../errors.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { parseOrThrow } from '../validation.js';
import { MAX_PHOTO_BYTES } from './images.js';
import { PhotoFields } from './photos.schemas.js';
import * as service from './photos.service.js';

interface Upload {
  file?: Buffer;
  fields: Record<string, string>;
}

/** Reads a multipart photo upload into memory: the `file` field (at most 10 MB: 413
 * beyond) and the text fields. Anything but multipart/form-data is 415. */
function readUpload(req: Request): Promise<Upload> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(new AppError(415, 'PhotoNotMultipart', 'error.PhotoNotMultipart'));
  }
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file: Buffer | undefined;
    let failed: AppError | undefined;
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 20, fieldSize: 4096 } });
    } catch {
      return reject(new AppError(415, 'PhotoNotMultipart', 'error.PhotoNotMultipart'));
    }
    bb.on('file', (name, stream) => {
      if (name !== 'file') return stream.resume();
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        failed = new AppError(413, 'PhotoTooLarge', 'error.PhotoTooLarge', { mb: String(MAX_PHOTO_BYTES / 1024 / 1024) });
      });
      stream.on('end', () => {
        if (!failed) file = Buffer.concat(chunks);
      });
    });
    bb.on('field', (name, value) => {
      fields[name] = value;
    });
    bb.on('error', () => reject(new AppError(400, 'PhotoUnreadable', 'error.PhotoUnreadable')));
    bb.on('close', () => (failed ? reject(failed) : resolve({ file, fields })));
    req.pipe(bb);
  });
}

/** The key a client sent to make a create safe to repeat. Besides the shared middleware (24
 * hours), the photo keeps it, so a photo queued offline for longer is still stored once. */
function idempotencyKey(req: Request): string | undefined {
  const key = req.get('idempotency-key')?.trim();
  if (key === undefined || key === '') return undefined;
  if (key.length > 200) throw new ValidationError([{ path: 'Idempotency-Key', key: 'v.tooLong', params: { maximum: '200' } }]);
  return key;
}

/** The photo API (under /api): upload, list, soft delete and restore. */
export function photosApi(db: Kysely<Database>): Router {
  const r = Router();
  r.post('/plots/:id/photos', idempotent(db), async (req, res) => {
    const plotId = paramId(req, 'PlotNotFound');
    const key = idempotencyKey(req);
    const upload = await readUpload(req);
    const fields = parseOrThrow(PhotoFields, upload.fields);
    if (!upload.file || upload.file.length === 0) throw new ValidationError([{ path: 'file', key: 'photo.v.noFile' }]);
    const { photo } = await service.addPhoto(db, plotId, upload.file, fields, key);
    res.status(201).json(photo);
  });
  r.get('/plots/:id/photos', async (req, res) => {
    res.json(await service.listPhotos(db, paramId(req, 'PlotNotFound')));
  });
  r.delete('/photos/:id', async (req, res) => {
    await service.setDeleted(db, paramId(req, 'PhotoNotFound'), true);
    res.status(204).end();
  });
  r.post('/photos/:id/restore', async (req, res) => {
    res.json(await service.setDeleted(db, paramId(req, 'PhotoNotFound'), false));
  });
  return r;
}

/** The images themselves, outside /api so an <img> can show them with the session cookie. */
export function photoFiles(db: Kysely<Database>): Router {
  const r = Router();
  for (const [path, which] of [
    ['/photos/:id', 'bytes'],
    ['/photos/:id/thumbnail', 'thumbnail'],
  ] as const) {
    r.get(path, async (req, res) => {
      const { contentType, data } = await service.photoFile(db, paramId(req, 'PhotoNotFound'), which);
      res.set('Cache-Control', 'private, max-age=86400, immutable');
      res.set('X-Content-Type-Options', 'nosniff');
      res.type(contentType).send(data);
    });
  }
  return r;
}
