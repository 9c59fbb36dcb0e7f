import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import * as service from './trials.service.js';

/** Signing a trial off and reopening it; its standard routes are in server/resources.ts. */
export function trialsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.post('/trials/:id/lock', async (req, res) => {
    res.json(service.trialDto(await service.lockTrial(db, paramId(req, 'TrialNotFound'), req.user!.id)));
  });
  r.post('/trials/:id/unlock', async (req, res) => {
    res.json(service.trialDto(await service.unlockTrial(db, paramId(req, 'TrialNotFound'))));
  });
  return r;
}
