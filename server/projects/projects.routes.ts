import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { parseOrThrow } from '../validation.js';
import { ProjectInput, ProjectPatch } from './projects.schemas.js';
import * as service from './projects.service.js';

export function projectsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/projects', async (_req, res) => {
    res.json((await service.listProjects(db)).map(service.projectDto));
  });
  r.post('/projects', idempotent(db), async (req, res) => {
    const input = parseOrThrow(ProjectInput, req.body);
    res.status(201).json(service.projectDto(await service.createProject(db, input)));
  });
  r.get('/projects/:id', async (req, res) => {
    res.json(service.projectDto(await service.getProject(db, paramId(req, 'ProjectNotFound'))));
  });
  r.patch('/projects/:id', async (req, res) => {
    const id = paramId(req, 'ProjectNotFound');
    const patch = parseOrThrow(ProjectPatch, req.body);
    res.json(service.projectDto(await service.patchProject(db, id, patch)));
  });
  return r;
}
