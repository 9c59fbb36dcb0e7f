import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { getProject } from '../projects/projects.service.js';
import { parseOneOrList, parseOrThrow } from '../validation.js';
import { TrainingSessionInput, TrainingSessionList, TrainingSessionPatch } from './training.schemas.js';
import * as service from './training.service.js';

export function trainingApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/projects/:id/training-sessions', async (req, res) => {
    res.json(await service.listSessions(db, paramId(req, 'ProjectNotFound')));
  });
  r.post('/projects/:id/training-sessions', idempotent(db), async (req, res) => {
    const projectId = paramId(req, 'ProjectNotFound');
    await getProject(db, projectId);
    const { batch, inputs } = parseOneOrList(TrainingSessionInput, TrainingSessionList, req.body);
    const created = await service.createSessions(db, projectId, inputs, batch);
    res.status(201).json(batch ? created : created[0]);
  });
  r.get('/training-sessions/:id', async (req, res) => {
    res.json(await service.getSession(db, paramId(req, 'TrainingSessionNotFound')));
  });
  r.patch('/training-sessions/:id', async (req, res) => {
    const id = paramId(req, 'TrainingSessionNotFound');
    const patch = parseOrThrow(TrainingSessionPatch, req.body);
    res.json(await service.patchSession(db, id, patch));
  });
  r.delete('/training-sessions/:id', async (req, res) => {
    await service.deleteSession(db, paramId(req, 'TrainingSessionNotFound'));
    res.status(204).end();
  });
  r.post('/training-sessions/:id/restore', async (req, res) => {
    res.json(await service.restoreSession(db, paramId(req, 'TrainingSessionNotFound')));
  });
  return r;
}
