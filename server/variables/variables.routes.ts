import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { parseOrThrow } from '../validation.js';
import { VariableInput } from './variables.schemas.js';
import * as service from './variables.service.js';

export function variablesApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/variables', async (_req, res) => {
    res.json((await service.listVariables(db)).map(service.variableDto));
  });
  r.post('/variables', idempotent(db), async (req, res) => {
    const input = parseOrThrow(VariableInput, req.body);
    res.status(201).json(service.variableDto(await service.createVariable(db, input)));
  });
  r.get('/variables/:id', async (req, res) => {
    res.json(service.variableDto(await service.getVariable(db, paramId(req, 'VariableNotFound'))));
  });
  return r;
}
