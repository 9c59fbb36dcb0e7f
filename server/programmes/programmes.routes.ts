import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { safeFileName, sheetWriter } from '../imports/sheet-writer.js';
import { projectDto } from '../projects/projects.service.js';
import { parseOrThrow } from '../validation.js';
import { ProgrammeExportQuery } from './programmes.schemas.js';
import * as service from './programmes.service.js';

/** A programme with its projects, its summary and its export; the list and create are in
 * server/resources.ts. */
export function programmesApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/programmes/:id', async (req, res) => {
    const id = paramId(req, 'ProgrammeNotFound');
    const programme = service.programmeDto(await service.getProgramme(db, id));
    const { projects, complete } = await service.programmeProjects(db, id);
    res.json({ ...programme, complete, projects: projects.map(projectDto) });
  });
  r.get('/programmes/:id/summary', async (req, res) => {
    res.json(await service.programmeSummary(db, paramId(req, 'ProgrammeNotFound')));
  });
  r.get('/programmes/:id/export', async (req, res) => {
    const id = paramId(req, 'ProgrammeNotFound');
    const q = parseOrThrow(ProgrammeExportQuery, req.query);
    const table = service.programmeTable(await service.programmeOverview(db, id), res.locals.lang === 'en' ? 'en' : 'zh');
    const writer = await sheetWriter(res, table.header, {
      format: q.format,
      fileName: `${safeFileName(table.name)}.${q.format}`,
      fallbackName: `programme-${id}-projects.${q.format}`,
      sheetName: 'projects',
    });
    for await (const row of table.rows) await writer.row(row);
    await writer.end();
  });
  return r;
}
