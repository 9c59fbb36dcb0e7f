import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import * as repo from './audit.repository.js';

/** Audit entities by the route family that shows their history. */
export const ENTITIES = {
  trials: 'trial',
  plots: 'plot',
  observations: 'observation',
  farmers: 'farmer',
  'training-sessions': 'training_session',
} as const;

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A stored row (snake_case JSON) with the API's camelCase keys. */
function camelRow(row: Record<string, unknown> | null) {
  return row && Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v]));
}

export async function history(db: Kysely<Database>, entity: string, id: number) {
  const rows = await repo.listEntries(db, entity, id);
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at,
    action: r.action,
    /** `observations`, or for a trial also `trial_arms` and `trial_variables`, for a session `training_attendees`. */
    table: r.tableName,
    actor: r.actorId === null ? null : { id: r.actorId, name: r.actorName, email: r.actorEmail },
    reason: r.reason,
    before: camelRow(r.before),
    after: camelRow(r.after),
  }));
}
export type HistoryEntry = Awaited<ReturnType<typeof history>>[number];
