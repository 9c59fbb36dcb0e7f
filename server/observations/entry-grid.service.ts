import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import * as grid from './entry-grid.repository.js';
import * as repo from './observations.repository.js';

/**
 * What the trial page's entry grid reads, for a trial the caller has already loaded (and
 * checked): the reads are bounded by what the page shows (see entry-grid.repository.ts).
 */

export type SiteArmCount = Awaited<ReturnType<typeof grid.plotCountsBySiteAndArm>>[number];

/**
 * Plots per site and arm, in the grid's order. Counting reads every plot of the trial: the
 * trial page keeps the counts with the rest of its frame, per trial data version (plots, arms
 * and sites all move the version: trial_data_versions).
 */
export const plotCountsBySiteAndArm = (db: Kysely<Database>, trialId: number): Promise<readonly SiteArmCount[]> => grid.plotCountsBySiteAndArm(db, trialId);

/** Every plot of a trial in the grid's order, with its observation count (a small trial's overview). */
export const listGridPlots = (db: Kysely<Database>, trialId: number) => grid.listGridPlots(db, trialId);

/**
 * One page of plots in the grid's order: `limit` plots after the first `offset` of the plots
 * counted in `counts` (the trial's, or one site's), read run by run (site and arm) from the
 * index, so a late page costs what the first does.
 */
export function listGridPage(db: Kysely<Database>, trialId: number, counts: readonly SiteArmCount[], offset: number, limit: number) {
  return grid.listGridPlotSegments(db, trialId, gridSegments(counts, offset, limit));
}

/** The site-and-arm runs that hold plots `offset` to `offset + limit - 1` of the grid, given
 * the plots per site and arm in the grid's order. */
export function gridSegments(counts: readonly { siteId: number; armId: number; plots: number }[], offset: number, limit: number): grid.GridSegment[] {
  const out: grid.GridSegment[] = [];
  let skip = Math.max(0, offset);
  let left = limit;
  for (const c of counts) {
    if (left <= 0) break;
    if (skip >= c.plots) {
      skip -= c.plots;
      continue;
    }
    const take = Math.min(c.plots - skip, left);
    out.push({ siteId: c.siteId, armId: c.armId, offset: skip, limit: take });
    left -= take;
    skip = 0;
  }
  return out;
}

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
