import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import * as grid from './entry-grid.repository.js';
import * as repo from './observations.repository.js';

/**
 * What the trial page's entry grid reads, for a trial the caller has already loaded (and
 * checked): the reads are bounded by what the page shows (see entry-grid.repository.ts).
 */

/** Plots per site and arm, in the grid's order. */
export const plotCountsBySiteAndArm = (db: Kysely<Database>, trialId: number) => grid.plotCountsBySiteAndArm(db, trialId);

/** Plots of a trial (of one site if given) in the grid's order, a page of them when `limit` is given. */
export const listGridPlots = (db: Kysely<Database>, trialId: number, f?: { siteId?: number; offset?: number; limit?: number }) => grid.listGridPlots(db, trialId, f);

/** Where a plot (by its label) stands in the grid, or undefined. */
export const gridPlotPosition = (db: Kysely<Database>, trialId: number, label: string) => grid.gridPlotPosition(db, trialId, label);

/** The plots of a trial with these ids, in the grid's order. */
export const findGridPlots = (db: Kysely<Database>, trialId: number, ids: readonly number[]) => grid.findGridPlots(db, trialId, ids);

/** Each cell's count and latest `limit` observations, keyed by `${plotId}.${variableId}`. */
export const cellHistories = (db: Kysely<Database>, plotIds: readonly number[], variableIds: readonly number[], limit: number) =>
  grid.cellHistories(db, plotIds, variableIds, limit);

/** Every non-deleted observation of one plot × variable, oldest first. */
export const cellObservations = (db: Kysely<Database>, plotId: number, variableId: number) => grid.cellObservations(db, plotId, variableId);

/** The highest reading stored per plot label, variable code and day, for the given plots of a trial. */
export const lastReadings = (db: Kysely<Database>, trialId: number, plotLabels: string[]) => repo.lastReadings(db, trialId, plotLabels);
