import { Router } from 'express';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { DatabaseKind } from '../../db/connect.js';

export function healthApi(db: Kysely<Database>, kind: DatabaseKind): Router {
  const r = Router();
  r.get('/health', async (_req, res) => {
    await sql`select 1`.execute(db);
    res.json({ status: 'ok', database: kind });
  });
  return r;
}
