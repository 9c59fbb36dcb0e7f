import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { collectionRoutes, itemRoutes } from '../resource-routes.js';
import { getProject } from '../projects/projects.service.js';
import { SiteInput, SitePatch } from './sites.schemas.js';
import * as service from './sites.service.js';

export function sitesApi(db: Kysely<Database>): Router {
  const r = Router();
  collectionRoutes(r, db, {
    path: '/projects/:id/sites',
    parentNotFound: 'ProjectNotFound',
    dto: service.siteDto,
    list: (projectId) => service.listSites(db, projectId!),
    create: { parent: (id) => getProject(db, id), input: SiteInput, apply: async (projectId, [input]) => [await service.createSite(db, projectId!, input)] },
  });
  itemRoutes(r, {
    path: '/sites',
    notFound: 'SiteNotFound',
    dto: service.siteDto,
    get: (id) => service.getSite(db, id),
    patch: { input: SitePatch, apply: (id, patch) => service.patchSite(db, id, patch) },
  });
  return r;
}
