import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { idempotent } from '../idempotency/idempotency.js';
import { paramId } from '../http.js';
import { parseOrThrow } from '../validation.js';
import { OutputInput } from './outputs.schemas.js';
import * as service from './outputs.service.js';

export function outputsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/projects/:id/outputs', async (req, res) => {
    res.json(await service.listOutputs(db, [paramId(req, 'ProjectNotFound')]));
  });
  r.post('/projects/:id/outputs', idempotent(db), async (req, res) => {
    const projectId = paramId(req, 'ProjectNotFound');
    const input = parseOrThrow(OutputInput, req.body);
    res.status(201).json(await service.createOutput(db, projectId, input));
  });
  return r;
}
