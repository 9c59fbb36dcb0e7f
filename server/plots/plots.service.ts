import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { ValidationError, type PendingIssue, mustFind } from '../errors.js';
import { assertVersion, lockWhenUnversioned, versionConflict } from '../http.js';
import { listSites } from '../sites/sites.repository.js';
import { getTrial, type TrialDetail } from '../trials/trials.service.js';
import * as repo from './plots.repository.js';
import type { PlotInput, PlotPatch } from './plots.schemas.js';
import { softDeletion } from '../soft-deletion.js';

export function plotDto(p: repo.PlotView) {
  return {
    id: p.id,
    trialId: p.trialId,
    siteId: p.siteId,
    siteName: p.siteName,
    label: p.label,
    arm: p.arm,
    armRole: p.armRole,
    block: p.block,
    areaM2: p.areaM2 === null ? null : Number(p.areaM2),
    plantedOn: p.plantedOn,
    row: p.row,
    column: p.column,
    notes: p.notes,
    version: p.version,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}
export type PlotDto = ReturnType<typeof plotDto>;

export async function listPlots(db: Kysely<Database>, trialId: number) {
  await getTrial(db, trialId);
  return repo.listPlots(db, trialId);
}

/** The plots of a trial the caller has already loaded, without checking the trial again. */
export const listTrialPlots = (db: Kysely<Database>, trialId: number) => repo.listPlots(db, trialId);

export async function getPlot(db: Kysely<Database>, id: number) {
  return mustFind(await repo.findPlot(db, id), 'PlotNotFound', id);
}

/** Checks each plot against the trial (its arms, its project's sites, labels in use and,
 * with `places`, places in the field held by another plot) and returns every problem at
 * once, numbered by row when a list was sent. The plots being rewritten (`ignore`) do not
 * count as labels or places in use. (Plot files and layouts check places their own way.) */
export async function checkPlots(tx: Kysely<Database>, trial: TrialDetail, inputs: PlotInput[], batch: boolean, ignore?: number | ReadonlySet<number>, places = false) {
  const sites = new Set((await listSites(tx, trial.trial.projectId)).map((s) => s.id));
  const ignored = (id: number) => (typeof ignore === 'number' ? id === ignore : ignore?.has(id) ?? false);
  const others = (await repo.listPlots(tx, trial.trial.id)).filter((p) => !ignored(p.id));
  const existing = new Set(others.map((p) => p.label));
  // A place in the field (site, row, column) holds one plot: named here, before the
  // database's unique index would refuse it without saying which row or place.
  const place = (p: { siteId: number; row?: number | null; column?: number | null }) => (p.row != null && p.column != null ? `${p.siteId}/${p.row}/${p.column}` : null);
  const placed = new Map(others.filter((p) => place(p)).map((p) => [place(p)!, p.label]));
  const arms = new Map(trial.arms.map((a) => [a.name, a]));
  const armNames = trial.arms.map((a) => a.name).join(', ');
  const seen = new Set<string>();
  const issues: PendingIssue[] = [];
  inputs.forEach((p, i) => {
    const row = batch ? { row: i + 1 } : {};
    if (!sites.has(p.siteId)) issues.push({ ...row, path: 'siteId', key: 'v.siteOtherProject', params: { value: p.siteId } });
    if (!arms.has(p.arm)) issues.push({ ...row, path: 'arm', key: 'v.unknownArm', params: { value: p.arm, values: armNames } });
    if (existing.has(p.label)) issues.push({ ...row, path: 'label', key: 'v.duplicateLabel', params: { value: p.label } });
    else if (seen.has(p.label)) issues.push({ ...row, path: 'label', key: 'v.duplicateInBatch', params: { value: p.label } });
    seen.add(p.label);
    const at = places ? place(p) : null;
    if (at) {
      const holder = placed.get(at);
      if (holder !== undefined) issues.push({ ...row, path: 'row', key: 'layout.placeTaken', params: { row: p.row!, column: p.column!, value: holder } });
      else placed.set(at, p.label);
    }
  });
  if (issues.length) throw new ValidationError(issues);
  return arms;
}

export async function createPlots(db: Kysely<Database>, trialId: number, inputs: PlotInput[], batch: boolean) {
  return db.transaction().execute(async (tx) => {
    const trial = await getTrial(tx, trialId);
    const arms = await checkPlots(tx, trial, inputs, batch, undefined, true);
    const ids = await repo.insertPlots(
      tx,
      inputs.map((p) => ({
        trialId,
        siteId: p.siteId,
        armId: arms.get(p.arm)!.id,
        label: p.label,
        block: p.block,
        areaM2: p.areaM2 ?? null,
        plantedOn: p.plantedOn ?? null,
        row: p.row ?? null,
        column: p.column ?? null,
        notes: p.notes,
      })),
    );
    const created = await repo.listPlots(tx, trialId);
    const wanted = new Set(ids);
    return created.filter((p) => wanted.has(p.id));
  });
}

export async function patchPlot(db: Kysely<Database>, id: number, patch: PlotPatch) {
  return db.transaction().execute(async (tx) => {
    await lockWhenUnversioned(tx, 'plots', id, patch.version);
    const current = await getPlot(tx, id);
    assertVersion(patch.version, current, plotDto(current));
    const trial = await getTrial(tx, current.trialId);
    const merged: PlotInput = {
      siteId: patch.siteId ?? current.siteId,
      label: patch.label ?? current.label,
      arm: patch.arm ?? current.arm,
      block: patch.block !== undefined ? patch.block : current.block,
      notes: patch.notes !== undefined ? patch.notes : current.notes,
      row: patch.row !== undefined ? patch.row : current.row,
      column: patch.column !== undefined ? patch.column : current.column,
    };
    const arms = await checkPlots(tx, trial, [merged], false, id, true);
    // A planting date moved after a date already observed on the plot (flowering before
    // planting) is refused, as that observation would be if entered now.
    if (patch.plantedOn && patch.plantedOn !== current.plantedOn) {
      const earlier = await repo.findDateValueBefore(tx, id, patch.plantedOn);
      if (earlier) {
        throw new ValidationError([
          { path: 'plantedOn', key: 'v.plantedAfterObserved', params: { value: patch.plantedOn, date: String(earlier.valueDate), plot: current.label }, names: { variable: earlier } },
        ]);
      }
    }
    const { version: _v, arm, ...rest } = patch;
    const done = await repo.updatePlot(tx, id, { ...rest, ...(arm ? { armId: arms.get(arm)!.id } : {}) }, current.version);
    if (!done) throw versionConflict(plotDto(await getPlot(tx, id)));
    return getPlot(tx, id);
  });
}

const plotDeletion = softDeletion(repo.setPlotDeleted, 'PlotNotFound', getPlot, { loadFirst: true });

export const deletePlot = plotDeletion.remove;

/** Undoes a delete; 409 when the plot is not deleted or its label has been taken since. */
export const restorePlot = plotDeletion.restore;
