import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { getProject } from '../projects/projects.service.js';
import { parseOrThrow } from '../validation.js';
import { TrialInput, TrialPatch } from './trials.schemas.js';
import * as service from './trials.service.js';

export function trialsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/projects/:id/trials', async (req, res) => {
    res.json((await service.listTrials(db, paramId(req, 'ProjectNotFound'))).map(service.trialDto));
  });
  r.post('/projects/:id/trials', idempotent(db), async (req, res) => {
    const projectId = paramId(req, 'ProjectNotFound');
    await getProject(db, projectId);
    const input = parseOrThrow(TrialInput, req.body);
    res.status(201).json(service.trialDto(await service.createTrial(db, projectId, input)));
  });
  r.get('/trials/:id', async (req, res) => {
    res.json(service.trialDto(await service.getTrial(db, paramId(req, 'TrialNotFound'))));
  });
  r.patch('/trials/:id', async (req, res) => {
    const id = paramId(req, 'TrialNotFound');
    const patch = parseOrThrow(TrialPatch, req.body);
    res.json(service.trialDto(await service.patchTrial(db, id, patch)));
  });
  r.delete('/trials/:id', async (req, res) => {
    await service.deleteTrial(db, paramId(req, 'TrialNotFound'));
    res.status(204).end();
  });
  r.post('/trials/:id/restore', async (req, res) => {
    res.json(service.trialDto(await service.restoreTrial(db, paramId(req, 'TrialNotFound'))));
  });
  r.post('/trials/:id/lock', async (req, res) => {
    res.json(service.trialDto(await service.lockTrial(db, paramId(req, 'TrialNotFound'), req.user!.id)));
  });
  r.post('/trials/:id/unlock', async (req, res) => {
    res.json(service.trialDto(await service.unlockTrial(db, paramId(req, 'TrialNotFound'))));
  });
  return r;
}
