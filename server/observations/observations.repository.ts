import type { Kysely, Insertable, Updateable } from 'kysely';
import type { Database, ObservationTable } from '../../db/database.js';
import { setDeleted } from '../../db/soft-delete.js';
import { updateVersioned } from '../../db/versioned.js';

function observationQuery(db: Kysely<Database>) {
  return db
    .selectFrom('observations as o')
    .innerJoin('plots as p', 'p.id', 'o.plotId')
    .innerJoin('variables as v', 'v.id', 'o.variableId')
    .innerJoin('trials as t', 't.id', 'p.trialId')
    .selectAll('o')
    .select(['p.trialId', 'p.label as plot', 'p.siteId', 'v.code as variable', 'v.kind'])
    .where('o.deletedAt', 'is', null)
    .where('p.deletedAt', 'is', null)
    .where('t.deletedAt', 'is', null);
}

export type ObservationView = Awaited<ReturnType<typeof findObservation>> & {};

export function listObservations(
  db: Kysely<Database>,
  trialId: number,
  f: { plot?: string; variable?: string; siteId?: number; after?: number; limit: number },
) {
  let q = observationQuery(db).where('p.trialId', '=', trialId);
  if (f.plot) q = q.where('p.label', '=', f.plot);
  if (f.variable) q = q.where('v.code', '=', f.variable);
  if (f.siteId) q = q.where('p.siteId', '=', f.siteId);
  if (f.after) q = q.where('o.id', '>', f.after);
  return q.orderBy('o.id').limit(f.limit).execute();
}

export function findObservation(db: Kysely<Database>, id: number) {
  return observationQuery(db).where('o.id', '=', id).executeTakeFirst();
}

const CHUNK = 1000;

/** Live observations holding any of these identities (plot, variable, observed-on, reading);
 * the caller matches them exactly. */
export async function listByIdentity(db: Kysely<Database>, keys: { plotId: number; variableId: number }[]) {
  if (!keys.length) return [];
  const plotIds = [...new Set(keys.map((k) => k.plotId))];
  const variableIds = [...new Set(keys.map((k) => k.variableId))];
  const out = [];
  for (let i = 0; i < plotIds.length; i += CHUNK) {
    out.push(
      ...(await db
        .selectFrom('observations')
        .select(['id', 'plotId', 'variableId', 'observedOn', 'reading', 'valueNumber', 'valueDate', 'valueText', 'notes', 'version'])
        .where('plotId', 'in', plotIds.slice(i, i + CHUNK))
        .where('variableId', 'in', variableIds)
        .where('deletedAt', 'is', null)
        .execute()),
    );
  }
  return out;
}

export async function listObservationsById(db: Kysely<Database>, ids: number[]) {
  const out = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    out.push(...(await observationQuery(db).where('o.id', 'in', ids.slice(i, i + CHUNK)).orderBy('o.id').execute()));
  }
  return out;
}

/** Inserts in chunks of a thousand rows per statement (never one INSERT per row). */
export async function insertObservations(db: Kysely<Database>, rows: Insertable<ObservationTable>[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const out = await db.insertInto('observations').values(rows.slice(i, i + CHUNK)).returning('id').execute();
    for (const r of out) ids.push(Number(r.id));
  }
  return ids;
}

/** Updates the observation, when `version` is given only while it still has that version;
 * answers whether it did. */
export async function updateObservation(db: Kysely<Database>, id: number, patch: Updateable<ObservationTable>, version?: number): Promise<boolean> {
  return (await updateVersioned(db, 'observations', id, patch, version)) !== undefined;
}

/** Soft delete (deleted: true) or its undo; answers whether the observation was in the other state. */
export const setObservationDeleted = (db: Kysely<Database>, id: number, deleted: boolean) => setDeleted(db, 'observations', id, deleted);

/** The highest reading stored per plot label, variable code and day, for the given plots of a trial. */
export function lastReadings(db: Kysely<Database>, trialId: number, plotLabels: string[]) {
  return db
    .selectFrom('observations as o')
    .innerJoin('plots as p', 'p.id', 'o.plotId')
    .innerJoin('variables as v', 'v.id', 'o.variableId')
    .select(['p.label', 'v.code', 'o.observedOn', (eb) => eb.fn.max('o.reading').as('last')])
    .where('o.deletedAt', 'is', null)
    .where('p.deletedAt', 'is', null)
    .where('p.trialId', '=', trialId)
    .where('p.label', 'in', plotLabels.length ? plotLabels : [''])
    .groupBy(['p.label', 'v.code', 'o.observedOn'])
    .execute();
}

/** The plot of a live (not deleted) observation, or undefined. */
export function findObservationPlot(db: Kysely<Database>, id: number): Promise<{ plotId: number } | undefined> {
  return db.selectFrom('observations').select('plotId').where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst();
}
