import { Router, type Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { publicBase } from '../layouts/plot-labels.js';
import { languageOf, type Lang } from '../i18n/i18n.js';
import { langOf } from '../web/labels.js';
import { parseOrThrow } from '../validation.js';
import * as service from './exports.service.js';
import { ExportQuery } from './imports.schemas.js';
import { safeFileName, sheetWriter, type WriterOptions } from './sheet-writer.js';

/** Writes a table as the response; headers are sent only once the table could be built. */
async function send(res: Response, table: service.Table, opts: Omit<WriterOptions, 'fileName' | 'fallbackName'> & { ext: string; fallback: string }) {
  const writer = await sheetWriter(res, table.header, {
    ...opts,
    fileName: `${safeFileName(table.name)}.${opts.ext}`,
    fallbackName: `${opts.fallback}.${opts.ext}`,
  });
  for await (const row of table.rows) await writer.row(row);
  await writer.end();
}

/** Observation, report and training exports (CSV or XLSX) and Field Book's field and trait files. */
export function exportRoutes(db: Kysely<Database>): Router {
  const r = Router();
  const lang = (res: Response): Lang => languageOf(langOf(res)).sheetLang;
  r.get('/trials/:id/observations/export', async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    const q = parseOrThrow(ExportQuery, req.query);
    const table = await service.observationsTable(db, trialId, q.shape, lang(res));
    await send(res, table, { format: q.format, ext: q.format, fallback: `trial-${trialId}-observations-${q.shape}` });
  });
  r.get('/trials/:id/report/export', async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    const q = parseOrThrow(ExportQuery, req.query);
    const table = await service.reportTable(db, trialId, lang(res));
    await send(res, table, { format: q.format, ext: q.format, fallback: `trial-${trialId}-report`, sheetName: 'report' });
  });
  r.get('/projects/:id/training-sessions/export', async (req, res) => {
    const projectId = paramId(req, 'ProjectNotFound');
    const q = parseOrThrow(ExportQuery, req.query);
    const table = await service.trainingTable(db, projectId, lang(res));
    await send(res, table, { format: q.format, ext: q.format, fallback: `project-${projectId}-training`, sheetName: 'training' });
  });
  // Field Book reads plain UTF-8: no BOM, which would become part of the first column's name.
  r.get('/trials/:id/fieldbook/field.csv', async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    await send(res, await service.fieldBookFieldTable(db, trialId, publicBase(req)), { format: 'csv', bom: false, ext: 'csv', fallback: `trial-${trialId}-field` });
  });
  r.get('/trials/:id/fieldbook/traits.trt', async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    await send(res, await service.fieldBookTraitsTable(db, trialId), {
      format: 'csv',
      bom: false,
      quoteAll: true,
      ext: 'trt',
      fallback: `trial-${trialId}-traits`,
      contentType: 'text/csv; charset=utf-8',
    });
  });
  return r;
}
