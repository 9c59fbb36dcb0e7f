import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { restoreObservation } from '../observations/observations.service.js';
import { restorePlot } from '../plots/plots.service.js';
import { lockTrial, unlockTrial } from '../trials/trials.service.js';

/** The page forms of undoing a delete and of signing a trial off (locking) or unlocking it. */
export function auditPages(db: Kysely<Database>): Router {
  const r = Router();
  r.post('/observations/:id/restore', async (req, res) => {
    const obs = await restoreObservation(db, paramId(req, 'ObservationNotFound'));
    res.redirect(303, `/trials/${obs.trialId}?restored=1&plot=${encodeURIComponent(obs.plot)}#plot-${obs.plotId}`);
  });
  r.post('/plots/:id/restore', async (req, res) => {
    const plot = await restorePlot(db, paramId(req, 'PlotNotFound'));
    res.redirect(303, `/trials/${plot.trialId}?plotRestored=1#plots`);
  });
  r.post('/trials/:id/lock', async (req, res) => {
    const trial = await lockTrial(db, paramId(req, 'TrialNotFound'), req.user!.id);
    res.redirect(303, `/trials/${trial.trial.id}`);
  });
  r.post('/trials/:id/unlock', async (req, res) => {
    const trial = await unlockTrial(db, paramId(req, 'TrialNotFound'));
    res.redirect(303, `/trials/${trial.trial.id}`);
  });
  return r;
}
