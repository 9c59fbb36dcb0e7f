import { Router, type Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { getProject } from '../projects/projects.service.js';
import { getTrial } from '../trials/trials.service.js';
import { parseOrThrow } from '../validation.js';
import { exportRoutes } from './exports.routes.js';
import { ProjectImportQuery, RemapBody, TrialImportQuery } from './imports.schemas.js';
import * as service from './imports.service.js';
import { receiveUpload } from './upload.js';

/** Query values may also come as multipart fields (the upload form sends them that way). */
function options(req: Request, fields: Record<string, string>) {
  const q = req.query as Record<string, unknown>;
  return { kind: q.kind ?? (fields.kind || undefined), shape: q.shape ?? (fields.shape || undefined), mapping: q.mapping ?? (fields.mapping || undefined) };
}

/**
 * Spreadsheet import and export. An upload is checked into a preview (201), which is then
 * committed (or not); the file is the request body as sent (CSV, XLSX, or a multipart
 * field `file`), never parsed as JSON.
 */
export function importsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.post('/trials/:id/imports', async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    const trial = await getTrial(db, trialId);
    const upload = await receiveUpload(req, req.headers, req.app.locals.limits);
    let q;
    try {
      q = parseOrThrow(TrialImportQuery, options(req, upload.fields));
    } catch (err) {
      upload.spool.detachLive();
      await upload.done.catch(() => undefined);
      await upload.spool.remove();
      throw err;
    }
    const id = await service.createPreview(db, { kind: q.kind, projectId: trial.trial.projectId, trialId }, upload, { shape: q.shape, mapping: q.mapping });
    res.status(201).location(`/api/imports/${id}`).json(await service.importView(db, id, res.locals.lang));
  });
  r.post('/projects/:id/imports', async (req, res) => {
    const projectId = paramId(req, 'ProjectNotFound');
    await getProject(db, projectId);
    const upload = await receiveUpload(req, req.headers, req.app.locals.limits);
    try {
      parseOrThrow(ProjectImportQuery, { kind: options(req, upload.fields).kind });
    } catch (err) {
      upload.spool.detachLive();
      await upload.done.catch(() => undefined);
      await upload.spool.remove();
      throw err;
    }
    const id = await service.createPreview(db, { kind: 'training', projectId, trialId: null }, upload);
    res.status(201).location(`/api/imports/${id}`).json(await service.importView(db, id, res.locals.lang));
  });
  r.get('/imports/:id', async (req, res) => {
    res.json(await service.importView(db, String(req.params.id), res.locals.lang));
  });
  r.post('/imports/:id/mapping', async (req, res) => {
    const body = parseOrThrow(RemapBody, req.body);
    const id = await service.remapPreview(db, String(req.params.id), body.mapping, req.app.locals.limits);
    res.status(201).location(`/api/imports/${id}`).json(await service.importView(db, id, res.locals.lang));
  });
  r.post('/imports/:id/commit', idempotent(db), async (req, res) => {
    res.json(await service.commitImport(db, String(req.params.id), res.locals.lang));
  });
  r.use(exportRoutes(db));
  return r;
}
