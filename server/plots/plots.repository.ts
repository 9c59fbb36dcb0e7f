import type { Insertable, Kysely, Updateable } from 'kysely';
import type { Database, PlotTable } from '../../db/database.js';
import { setDeleted } from '../../db/soft-delete.js';
import { updateVersioned } from '../../db/versioned.js';

/** Plots with their site's name and their arm's name and role. */
function plotQuery(db: Kysely<Database>) {
  return db
    .selectFrom('plots as p')
    .innerJoin('sites as s', 's.id', 'p.siteId')
    .innerJoin('trialArms as a', 'a.id', 'p.armId')
    .innerJoin('trials as t', 't.id', 'p.trialId')
    .selectAll('p')
    .select(['s.name as siteName', 'a.name as arm', 'a.role as armRole'])
    .where('p.deletedAt', 'is', null)
    .where('t.deletedAt', 'is', null);
}

export type PlotView = Awaited<ReturnType<typeof listPlots>>[number];

export function listPlots(db: Kysely<Database>, trialId: number) {
  return plotQuery(db).where('p.trialId', '=', trialId).orderBy('p.siteId').orderBy('a.position').orderBy('p.label').execute();
}

export function findPlot(db: Kysely<Database>, id: number) {
  return plotQuery(db).where('p.id', '=', id).executeTakeFirst();
}

/** Updates the plot, when `version` is given only while it still has that version;
 * answers whether it did. */
export async function updatePlot(db: Kysely<Database>, id: number, patch: Updateable<PlotTable>, version?: number): Promise<boolean> {
  return (await updateVersioned(db, 'plots', id, patch, version)) !== undefined;
}

/** Soft delete (deleted: true) or its undo; answers whether the plot was in the other state. */
export const setPlotDeleted = (db: Kysely<Database>, id: number, deleted: boolean) => setDeleted(db, 'plots', id, deleted);

/** Inserts the plots and answers their ids, in the order given. */
export async function insertPlots(db: Kysely<Database>, rows: Insertable<PlotTable>[]): Promise<number[]> {
  return (await db.insertInto('plots').values(rows).returning('id').execute()).map((r) => r.id);
}
