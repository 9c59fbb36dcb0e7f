import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { parseOrThrow } from '../validation.js';
import { SiteInput, SitePatch } from './sites.schemas.js';
import * as service from './sites.service.js';
import { getProject } from '../projects/projects.service.js';

export function sitesApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/projects/:id/sites', async (req, res) => {
    res.json((await service.listSites(db, paramId(req, 'ProjectNotFound'))).map(service.siteDto));
  });
  r.post('/projects/:id/sites', idempotent(db), async (req, res) => {
    const projectId = paramId(req, 'ProjectNotFound');
    await getProject(db, projectId);
    const input = parseOrThrow(SiteInput, req.body);
    res.status(201).json(service.siteDto(await service.createSite(db, projectId, input)));
  });
  r.get('/sites/:id', async (req, res) => {
    res.json(service.siteDto(await service.getSite(db, paramId(req, 'SiteNotFound'))));
  });
  r.patch('/sites/:id', async (req, res) => {
    const id = paramId(req, 'SiteNotFound');
    const patch = parseOrThrow(SitePatch, req.body);
    res.json(service.siteDto(await service.patchSite(db, id, patch)));
  });
  return r;
}
