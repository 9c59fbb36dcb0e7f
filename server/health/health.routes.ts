import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { DatabaseKind } from '../../db/connect.js';
import { pingDatabase } from './health.repository.js';

export function healthApi(db: Kysely<Database>, kind: DatabaseKind): Router {
  const r = Router();
  r.get('/health', async (_req, res) => {
    await pingDatabase(db);
    res.json({ status: 'ok', database: kind });
  });
  return r;
}
