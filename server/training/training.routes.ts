import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { collectionRoutes, itemRoutes } from '../resource-routes.js';
import { getProject } from '../projects/projects.service.js';
import { TrainingSessionInput, TrainingSessionList, TrainingSessionPatch } from './training.schemas.js';
import * as service from './training.service.js';

/** Sessions are answered as the service gives them (with their roster). */
const asIs = <T>(s: T) => s;

export function trainingApi(db: Kysely<Database>): Router {
  const r = Router();
  collectionRoutes(r, db, {
    path: '/projects/:id/training-sessions',
    parentNotFound: 'ProjectNotFound',
    dto: asIs,
    list: (projectId) => service.listSessions(db, projectId!),
    create: {
      parent: (id) => getProject(db, id),
      input: TrainingSessionInput,
      list: TrainingSessionList,
      apply: (projectId, inputs, batch) => service.createSessions(db, projectId!, inputs, batch),
    },
  });
  itemRoutes(r, {
    path: '/training-sessions',
    notFound: 'TrainingSessionNotFound',
    dto: asIs,
    get: (id) => service.getSession(db, id),
    patch: { input: TrainingSessionPatch, apply: (id, patch) => service.patchSession(db, id, patch) },
    remove: (id) => service.deleteSession(db, id),
    restore: (id) => service.restoreSession(db, id),
  });
  return r;
}
