import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/** A logged row with its decimal numbers as exact text ("5427.10"), which JSON numbers
 * would lose on the way to JavaScript; whole numbers stay numbers. */
const exactRow = (column: 'before' | 'after') => sql<Record<string, unknown> | null>`(
  select jsonb_object_agg(e.key, case when jsonb_typeof(e.value) = 'number' and e.value::text ~ '[.eE]' then to_jsonb(e.value::text) else e.value end)
  from jsonb_each(${sql.ref(`a.${column}`)}) e
)`;

/** The audit entries of one record, oldest first, with the name of whoever made each. */
export function listEntries(db: Kysely<Database>, entity: string, entityId: number) {
  return db
    .selectFrom('auditLog as a')
    .leftJoin('users as u', 'u.id', 'a.actorId')
    .select(['a.id', 'a.at', 'a.action', 'a.tableName', 'a.reason', 'a.actorId', 'u.name as actorName', 'u.email as actorEmail'])
    .select([exactRow('before').as('before'), exactRow('after').as('after')])
    .where('a.entity', '=', entity)
    .where('a.entityId', '=', entityId)
    .orderBy('a.id')
    .execute();
}
