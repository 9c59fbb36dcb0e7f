import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { getTrial } from '../trials/trials.service.js';
import { parseOneOrList, parseOrThrow } from '../validation.js';
import { PlotInput, PlotList, PlotPatch } from './plots.schemas.js';
import * as service from './plots.service.js';

export function plotsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/trials/:id/plots', async (req, res) => {
    res.json((await service.listPlots(db, paramId(req, 'TrialNotFound'))).map(service.plotDto));
  });
  r.post('/trials/:id/plots', idempotent(db), async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    await getTrial(db, trialId);
    const { batch, inputs } = parseOneOrList(PlotInput, PlotList, req.body);
    const created = await service.createPlots(db, trialId, inputs, batch);
    res.status(201).json(batch ? created.map(service.plotDto) : service.plotDto(created[0]));
  });
  r.get('/plots/:id', async (req, res) => {
    res.json(service.plotDto(await service.getPlot(db, paramId(req, 'PlotNotFound'))));
  });
  r.patch('/plots/:id', async (req, res) => {
    const id = paramId(req, 'PlotNotFound');
    const patch = parseOrThrow(PlotPatch, req.body);
    res.json(service.plotDto(await service.patchPlot(db, id, patch)));
  });
  r.delete('/plots/:id', async (req, res) => {
    await service.deletePlot(db, paramId(req, 'PlotNotFound'));
    res.status(204).end();
  });
  r.post('/plots/:id/restore', async (req, res) => {
    res.json(service.plotDto(await service.restorePlot(db, paramId(req, 'PlotNotFound'))));
  });
  return r;
}
