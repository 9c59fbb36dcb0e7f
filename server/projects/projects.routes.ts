import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { collectionRoutes, itemRoutes } from '../resource-routes.js';
import { ProjectInput, ProjectPatch } from './projects.schemas.js';
import * as service from './projects.service.js';

export function projectsApi(db: Kysely<Database>): Router {
  const r = Router();
  collectionRoutes(r, db, {
    path: '/projects',
    dto: service.projectDto,
    list: () => service.listProjects(db),
    create: { input: ProjectInput, apply: async (_none, [input]) => [await service.createProject(db, input)] },
  });
  itemRoutes(r, {
    path: '/projects',
    notFound: 'ProjectNotFound',
    dto: service.projectDto,
    get: (id) => service.getProject(db, id),
    patch: { input: ProjectPatch, apply: (id, patch) => service.patchProject(db, id, patch) },
  });
  return r;
}
