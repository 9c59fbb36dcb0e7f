import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { parseOrThrow } from '../validation.js';
import { LayoutInput, RerandomiseInput } from './layouts.schemas.js';
import * as service from './layouts.service.js';

/** Designed layouts: a preview, then a commit that creates the plots. */
export function layoutsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/trials/:id/layouts', async (req, res) => {
    res.json(await service.listLayouts(db, paramId(req, 'TrialNotFound')));
  });
  r.post('/trials/:id/layouts', async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    res.status(201).json(await service.createLayout(db, trialId, parseOrThrow(LayoutInput, req.body ?? {})));
  });
  r.get('/layouts/:id', async (req, res) => {
    res.json(await service.getLayout(db, paramId(req, 'LayoutNotFound')));
  });
  r.post('/layouts/:id/commit', async (req, res) => {
    const { created, layout } = await service.commitLayout(db, paramId(req, 'LayoutNotFound'));
    res.status(created ? 201 : 200).json(layout);
  });
  r.post('/layouts/:id/rerandomise', async (req, res) => {
    const { seed } = parseOrThrow(RerandomiseInput, req.body ?? {});
    res.json(await service.rerandomiseLayout(db, paramId(req, 'LayoutNotFound'), seed));
  });
  return r;
}
