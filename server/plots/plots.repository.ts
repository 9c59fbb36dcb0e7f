import type { Kysely, Updateable } from 'kysely';
import type { Database, PlotTable } from '../../db/database.js';

/** Plots with their site's name and their arm's name and role. */
function plotQuery(db: Kysely<Database>) {
  return db
    .selectFrom('plots as p')
    .innerJoin('sites as s', 's.id', 'p.siteId')
    .innerJoin('trialArms as a', 'a.id', 'p.armId')
    .selectAll('p')
    .select(['s.name as siteName', 'a.name as arm', 'a.role as armRole'])
    .where('p.deletedAt', 'is', null);
}

export type PlotView = Awaited<ReturnType<typeof listPlots>>[number];

export function listPlots(db: Kysely<Database>, trialId: number) {
  return plotQuery(db).where('p.trialId', '=', trialId).orderBy('p.siteId').orderBy('a.position').orderBy('p.label').execute();
}

export function findPlot(db: Kysely<Database>, id: number) {
  return plotQuery(db).where('p.id', '=', id).executeTakeFirst();
}

export function updatePlot(db: Kysely<Database>, id: number, patch: Updateable<PlotTable>) {
  return db
    .updateTable('plots')
    .set((eb) => ({ ...patch, version: eb('version', '+', 1), updatedAt: new Date() }))
    .where('id', '=', id)
    .execute();
}
