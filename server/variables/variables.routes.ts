import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { collectionRoutes, itemRoutes } from '../resource-routes.js';
import { VariableInput } from './variables.schemas.js';
import * as service from './variables.service.js';

export function variablesApi(db: Kysely<Database>): Router {
  const r = Router();
  collectionRoutes(r, db, {
    path: '/variables',
    dto: service.variableDto,
    list: () => service.listVariables(db),
    create: { input: VariableInput, apply: async (_none, [input]) => [await service.createVariable(db, input)] },
  });
  itemRoutes(r, { path: '/variables', notFound: 'VariableNotFound', dto: service.variableDto, get: (id) => service.getVariable(db, id) });
  return r;
}
