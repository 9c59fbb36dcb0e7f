import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { itemRoutes } from '../resource-routes.js';
import { getTrial } from '../trials/trials.service.js';
import { parseOneOrList, parseOrThrow } from '../validation.js';
import { ObservationInput, ObservationList, ObservationPatch, ObservationQuery } from './observations.schemas.js';
import * as service from './observations.service.js';

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
  itemRoutes(r, {
    path: '/observations',
    notFound: 'ObservationNotFound',
    dto: service.observationDto,
    get: (id) => service.getObservation(db, id),
    patch: { input: ObservationPatch, apply: (id, patch) => service.patchObservation(db, id, patch) },
    remove: (id) => service.deleteObservation(db, id),
    restore: (id) => service.restoreObservation(db, id),
  });
  return r;
}
