import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { collectionRoutes, itemRoutes } from '../resource-routes.js';
import { getTrial } from '../trials/trials.service.js';
import { PlotInput, PlotList, PlotPatch } from './plots.schemas.js';
import * as service from './plots.service.js';

export function plotsApi(db: Kysely<Database>): Router {
  const r = Router();
  collectionRoutes(r, db, {
    path: '/trials/:id/plots',
    parentNotFound: 'TrialNotFound',
    dto: service.plotDto,
    list: (trialId) => service.listPlots(db, trialId!),
    create: { parent: (id) => getTrial(db, id), input: PlotInput, list: PlotList, apply: (trialId, inputs, batch) => service.createPlots(db, trialId!, inputs, batch) },
  });
  itemRoutes(r, {
    path: '/plots',
    notFound: 'PlotNotFound',
    dto: service.plotDto,
    get: (id) => service.getPlot(db, id),
    patch: { input: PlotPatch, apply: (id, patch) => service.patchPlot(db, id, patch) },
    remove: (id) => service.deletePlot(db, id),
    restore: (id) => service.restorePlot(db, id),
  });
  return r;
}
