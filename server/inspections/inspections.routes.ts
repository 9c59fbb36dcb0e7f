import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { idempotent } from '../idempotency/idempotency.js';
import { paramId } from '../http.js';
import { getProject } from '../projects/projects.service.js';
import { parseOrThrow } from '../validation.js';
import { CloseRectification, InspectionInput } from './inspections.schemas.js';
import * as service from './inspections.service.js';

export function inspectionsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/projects/:id/inspections', async (req, res) => {
    const projectId = paramId(req, 'ProjectNotFound');
    res.json(await service.listInspections(db, [projectId]));
  });
  r.post('/projects/:id/inspections', idempotent(db), async (req, res) => {
    const projectId = paramId(req, 'ProjectNotFound');
    await getProject(db, projectId);
    const input = parseOrThrow(InspectionInput, req.body);
    res.status(201).json(await service.createInspection(db, projectId, input));
  });
  r.post('/rectifications/:id/close', async (req, res) => {
    const id = paramId(req, 'RectificationNotFound');
    const input = parseOrThrow(CloseRectification, req.body);
    res.json(await service.closeRectification(db, id, input));
  });
  return r;
}
