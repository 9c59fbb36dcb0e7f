import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { collectionRoutes, itemRoutes } from '../resource-routes.js';
import { paramId } from '../http.js';
import { getProject } from '../projects/projects.service.js';
import { TrialInput, TrialPatch } from './trials.schemas.js';
import * as service from './trials.service.js';

export function trialsApi(db: Kysely<Database>): Router {
  const r = Router();
  collectionRoutes(r, db, {
    path: '/projects/:id/trials',
    parentNotFound: 'ProjectNotFound',
    dto: service.trialDto,
    list: (projectId) => service.listTrials(db, projectId!),
    create: { parent: (id) => getProject(db, id), input: TrialInput, apply: async (projectId, [input]) => [await service.createTrial(db, projectId!, input)] },
  });
  itemRoutes(r, {
    path: '/trials',
    notFound: 'TrialNotFound',
    dto: service.trialDto,
    get: (id) => service.getTrial(db, id),
    patch: { input: TrialPatch, apply: (id, patch) => service.patchTrial(db, id, patch) },
    remove: (id) => service.deleteTrial(db, id),
    restore: (id) => service.restoreTrial(db, id),
  });
  r.post('/trials/:id/lock', async (req, res) => {
    res.json(service.trialDto(await service.lockTrial(db, paramId(req, 'TrialNotFound'), req.user!.id)));
  });
  r.post('/trials/:id/unlock', async (req, res) => {
    res.json(service.trialDto(await service.unlockTrial(db, paramId(req, 'TrialNotFound'))));
  });
  return r;
}
