import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { getTrial } from '../trials/trials.service.js';
import { parseOneOrList, parseOrThrow } from '../validation.js';
import { ObservationInput, ObservationList, ObservationQuery } from './observations.schemas.js';
import * as service from './observations.service.js';

/** A trial's observations: a filtered, paged list, and a create that answers 200 when every
 * item was already there. One observation's routes are in server/resources.ts. */
export function observationsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/trials/:id/observations', async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    const filter = parseOrThrow(ObservationQuery, req.query);
    const rows = await service.listObservations(db, trialId, filter);
    if (rows.length === filter.limit) res.set('X-Next-After', String(rows.at(-1)!.id));
    res.json(rows.map(service.observationDto));
  });
  r.post('/trials/:id/observations', idempotent(db), async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    await getTrial(db, trialId);
    const { batch, inputs } = parseOneOrList(ObservationInput, ObservationList, req.body);
    const out = (await service.createObservations(db, trialId, inputs, batch)).map((o) => ({ ...service.observationDto(o), result: o.result }));
    // 201 when anything was stored; 200 when every item was already there.
    res.status(out.some((o) => o.result === 'created') ? 201 : 200).json(batch ? out : out[0]);
  });
  return r;
}
