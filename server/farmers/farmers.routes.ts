import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { collectionRoutes, itemRoutes } from '../resource-routes.js';
import { getProject } from '../projects/projects.service.js';
import { FarmerInput, FarmerList, FarmerPatch } from './farmers.schemas.js';
import * as service from './farmers.service.js';

export function farmersApi(db: Kysely<Database>): Router {
  const r = Router();
  collectionRoutes(r, db, {
    path: '/projects/:id/farmers',
    parentNotFound: 'ProjectNotFound',
    dto: service.farmerDto,
    list: (projectId) => service.listFarmers(db, projectId!),
    create: { parent: (id) => getProject(db, id), input: FarmerInput, list: FarmerList, apply: (projectId, inputs) => service.createFarmers(db, projectId!, inputs) },
  });
  itemRoutes(r, {
    path: '/farmers',
    notFound: 'FarmerNotFound',
    dto: service.farmerDto,
    get: (id) => service.getFarmer(db, id),
    patch: { input: FarmerPatch, apply: (id, patch) => service.patchFarmer(db, id, patch) },
    remove: (id) => service.deleteFarmer(db, id),
    restore: (id) => service.restoreFarmer(db, id),
  });
  return r;
}
