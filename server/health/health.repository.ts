import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/** One `select 1`: the database answers. The whole cost of GET /api/health, a benchmark baseline. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
