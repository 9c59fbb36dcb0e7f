import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { search, SEARCH_KINDS, SEARCH_LIMIT } from './search.service.js';

/** `GET /api/search?q=`: per kind up to SEARCH_LIMIT hits and whether there are more. */
export function searchApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/search', async (req, res) => {
    const result = await search(db, typeof req.query.q === 'string' ? req.query.q : '');
    const body: Record<string, unknown> = { query: result.query };
    for (const kind of SEARCH_KINDS) {
      const list = result[kind] as unknown[];
      body[kind] = list.slice(0, SEARCH_LIMIT);
      body[`${kind}More`] = list.length > SEARCH_LIMIT;
    }
    res.json(body);
  });
  return r;
}
