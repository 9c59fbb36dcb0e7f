import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import type { ErrorCode } from '../errors.js';
import { ENTITIES, history } from './audit.service.js';

const NOT_FOUND: Record<keyof typeof ENTITIES, ErrorCode> = {
  trials: 'TrialNotFound',
  plots: 'PlotNotFound',
  observations: 'ObservationNotFound',
  farmers: 'FarmerNotFound',
  'training-sessions': 'TrainingSessionNotFound',
};

/** `GET /api/<kind>/:id/history`: every recorded change of the record, deleted or not. */
export function historyApi(db: Kysely<Database>): Router {
  const r = Router();
  for (const [family, entity] of Object.entries(ENTITIES) as [keyof typeof ENTITIES, string][]) {
    r.get(`/${family}/:id/history`, async (req, res) => {
      res.json(await history(db, entity, paramId(req, NOT_FOUND[family])));
    });
  }
  return r;
}
