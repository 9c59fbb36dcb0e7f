import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { getProject } from '../projects/projects.service.js';
import { parseOneOrList, parseOrThrow } from '../validation.js';
import { FarmerInput, FarmerList, FarmerPatch } from './farmers.schemas.js';
import * as service from './farmers.service.js';

export function farmersApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/projects/:id/farmers', async (req, res) => {
    res.json((await service.listFarmers(db, paramId(req, 'ProjectNotFound'))).map(service.farmerDto));
  });
  r.post('/projects/:id/farmers', idempotent(db), async (req, res) => {
    const projectId = paramId(req, 'ProjectNotFound');
    await getProject(db, projectId);
    const { batch, inputs } = parseOneOrList(FarmerInput, FarmerList, req.body);
    const created = await service.createFarmers(db, projectId, inputs);
    res.status(201).json(batch ? created.map(service.farmerDto) : service.farmerDto(created[0]));
  });
  r.get('/farmers/:id', async (req, res) => {
    res.json(service.farmerDto(await service.getFarmer(db, paramId(req, 'FarmerNotFound'))));
  });
  r.patch('/farmers/:id', async (req, res) => {
    const id = paramId(req, 'FarmerNotFound');
    const patch = parseOrThrow(FarmerPatch, req.body);
    res.json(service.farmerDto(await service.patchFarmer(db, id, patch)));
  });
  r.delete('/farmers/:id', async (req, res) => {
    await service.deleteFarmer(db, paramId(req, 'FarmerNotFound'));
    res.status(204).end();
  });
  r.post('/farmers/:id/restore', async (req, res) => {
    res.json(service.farmerDto(await service.restoreFarmer(db, paramId(req, 'FarmerNotFound'))));
  });
  return r;
}
