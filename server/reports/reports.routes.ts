import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import * as service from './reports.service.js';

export function reportsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/trials/:id/report', async (req, res) => {
    res.json(await service.trialReport(db, paramId(req, 'TrialNotFound')));
  });
  r.get('/projects/:id/training-summary', async (req, res) => {
    res.json(await service.trainingSummary(db, paramId(req, 'ProjectNotFound')));
  });
  return r;
}
