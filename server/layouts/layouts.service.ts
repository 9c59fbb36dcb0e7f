import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { checkLayoutSpec, generateLayout, MAX_SEED, plotCount, plotLabel, unknownPlaceholders, type LayoutSpec } from '../../analysis/layout-design.js';
import { actors } from '../../db/actor.js';
import type { Database, LayoutPlot, LayoutRow } from '../../db/database.js';
import { AppError, ValidationError, type PendingIssue, mustFind } from '../errors.js';
import { listSites } from '../sites/sites.repository.js';
import { checkPlots, plotDto } from '../plots/plots.service.js';
import { listPlots, updatePlot } from '../plots/plots.repository.js';
import { getTrial, type TrialDetail } from '../trials/trials.service.js';
import * as repo from './layouts.repository.js';
import type { LayoutInput } from './layouts.schemas.js';
import { insertPlots } from '../plots/plots.repository.js';

/**
 * Designed layouts: a preview made from a seed, replaced by the next preview of the same site
 * until it is committed, when its plots are created in one transaction. Re-randomising draws
 * the arms again with a new seed; the places and labels stay, since they follow the field's
 * order, so on a committed layout only the plots' arms change, and only while none of its
 * plots has an observation.
 */

/** Fills the placeholders named in messages (`{site}` …) with themselves. */
export const PLACEHOLDER_PARAMS = { site: '{site}', block: '{block}', n: '{n}', row: '{row}', column: '{column}' };

type Plot = Awaited<ReturnType<typeof listPlots>>[number];

export function layoutDto(l: LayoutRow, trial: TrialDetail, plots?: Plot[]) {
  const role = new Map(trial.arms.map((a) => [a.name, a.role]));
  const committed = l.committedAt !== null;
  return {
    id: l.id,
    trialId: l.trialId,
    siteId: l.siteId,
    design: l.design,
    blocks: l.blocks,
    plotsPerArm: l.plotsPerArm,
    rows: l.fieldRows,
    columns: l.fieldColumns,
    serpentine: l.serpentine,
    labelPattern: l.labelPattern,
    plotArea: l.plotArea === null ? null : Number(l.plotArea),
    plantedOn: l.plantedOn,
    seed: l.seed,
    north: l.north,
    entrance: l.entrance,
    status: committed ? ('committed' as const) : ('preview' as const),
    committedAt: l.committedAt,
    createdAt: l.createdAt,
    plots:
      committed && plots
        ? (l.plotIds ?? []).flatMap((id, i) => {
            // A plot deleted since the commit is left out.
            const p = plots.find((x) => x.id === id);
            return p ? [{ n: l.plots[i].n, ...plotDto(p) }] : [];
          })
        : l.plots.map((p) => ({ ...p, armRole: role.get(p.arm) ?? null })),
  };
}
export type LayoutDto = ReturnType<typeof layoutDto>;

/** The arms a design lays out: all the trial's, or for `paired` its treatment and control. */
function layoutArms(trial: TrialDetail, design: LayoutInput['design']): string[] {
  if (design !== 'paired') return trial.arms.map((a) => a.name);
  const t = trial.arms.filter((a) => a.role === 'treatment');
  const c = trial.arms.filter((a) => a.role === 'control');
  return t.length === 1 && c.length === 1 ? [t[0].name, c[0].name] : trial.arms.map((a) => a.name);
}

function specOf(l: Pick<LayoutRow, 'design' | 'blocks' | 'plotsPerArm' | 'fieldRows' | 'fieldColumns' | 'serpentine'>, arms: string[]): LayoutSpec {
  return {
    design: l.design,
    arms,
    blocks: l.blocks ?? undefined,
    plotsPerArm: l.plotsPerArm ?? undefined,
    rows: l.fieldRows,
    columns: l.fieldColumns,
    serpentine: l.serpentine,
  };
}

function designed(spec: LayoutSpec, seed: number, pattern: string, site: string): LayoutPlot[] {
  const total = plotCount(spec);
  return generateLayout(spec, seed).map((c) => ({ ...c, label: plotLabel(pattern, { site, ...c }, total) }));
}

/** Labels already used in the trial and places already taken on the site, as field issues. */
async function clashes(tx: Kysely<Database>, trialId: number, siteId: number, plots: LayoutPlot[]): Promise<PendingIssue[]> {
  const issues: PendingIssue[] = [];
  const labels = new Set((await listPlots(tx, trialId)).map((p) => p.label));
  const usedLabel = plots.find((p) => labels.has(p.label));
  if (usedLabel) issues.push({ path: 'labelPattern', key: 'layout.labelInUse', params: { value: usedLabel.label } });
  const taken = new Map((await repo.placedPlots(tx, trialId, siteId)).map((p) => [`${p.row},${p.column}`, p.label]));
  const onTaken = plots.find((p) => taken.has(`${p.row},${p.column}`));
  if (onTaken) issues.push({ path: 'rows', key: 'layout.placeTaken', params: { row: onTaken.row, column: onTaken.column, value: taken.get(`${onTaken.row},${onTaken.column}`) } });
  return issues;
}

export async function createLayout(db: Kysely<Database>, trialId: number, input: LayoutInput) {
  return db.transaction().execute(async (tx) => {
    const trial = await getTrial(tx, trialId);
    const site = (await listSites(tx, trial.trial.projectId)).find((s) => s.id === input.siteId);
    const issues: PendingIssue[] = [];
    if (!site) issues.push({ path: 'siteId', key: 'v.siteOtherProject', params: { value: input.siteId } });
    if (input.design !== trial.trial.design) issues.push({ path: 'design', key: 'layout.designMismatch', params: { value: input.design, design: trial.trial.design } });
    const unknown = unknownPlaceholders(input.labelPattern);
    if (unknown.length) issues.push({ path: 'labelPattern', key: 'layout.unknownPlaceholder', params: { ...PLACEHOLDER_PARAMS, value: unknown.map((u) => `{${u}}`).join(' ') } });
    const row = {
      design: input.design,
      blocks: input.design === 'crd' ? null : (input.blocks ?? null),
      plotsPerArm: input.design === 'crd' ? (input.plotsPerArm ?? null) : null,
      fieldRows: input.rows,
      fieldColumns: input.columns,
      serpentine: input.serpentine,
    };
    const spec = specOf(row, layoutArms(trial, input.design));
    const problem = checkLayoutSpec(spec);
    if (problem?.problem === 'required') issues.push({ path: problem.field, key: 'v.required' });
    else if (problem?.problem === 'fieldTooSmall') issues.push({ path: 'rows', key: 'layout.fieldTooSmall', params: { plots: problem.plots, places: problem.places } });
    else if (problem) issues.push({ path: 'design', key: `layout.${problem.problem}` });
    if (issues.length) throw new ValidationError(issues);

    const seed = input.seed ?? randomInt(0, MAX_SEED + 1);
    const plots = designed(spec, seed, input.labelPattern, site!.name);
    const seen = new Set<string>();
    const twice = plots.find((p) => (seen.has(p.label) ? true : (seen.add(p.label), false)));
    if (twice) throw new ValidationError([{ path: 'labelPattern', key: 'layout.labelsNotUnique', params: { ...PLACEHOLDER_PARAMS, value: twice.label } }]);
    const clash = await clashes(tx, trialId, site!.id, plots);
    if (clash.length) throw new ValidationError(clash);

    await repo.deletePreviews(tx, trialId, site!.id);
    const layout = await repo.insertLayout(tx, {
      trialId,
      siteId: site!.id,
      ...row,
      labelPattern: input.labelPattern,
      plotArea: input.plotArea ?? null,
      plantedOn: input.plantedOn ?? null,
      seed,
      north: input.north ?? null,
      entrance: input.entrance ?? null,
      plots: JSON.stringify(plots),
      createdBy: actors.getStore()?.userId ?? null,
    });
    return layoutDto(layout, trial);
  });
}

export async function getLayout(db: Kysely<Database>, id: number) {
  const layout = mustFind(await repo.findLayout(db, id), 'LayoutNotFound', id);
  const trial = await getTrial(db, layout.trialId);
  return layoutDto(layout, trial, layout.committedAt ? await listPlots(db, layout.trialId) : undefined);
}

/** The committed layout of a trial's site, if there is one. */
export const findCommittedLayout = (db: Kysely<Database>, trialId: number, siteId: number) => repo.findCommittedLayout(db, trialId, siteId);

export async function listLayouts(db: Kysely<Database>, trialId: number) {
  const trial = await getTrial(db, trialId);
  const rows = await repo.listLayouts(db, trialId);
  const plots = rows.some((l) => l.committedAt) ? await listPlots(db, trialId) : undefined;
  return rows.map((l) => layoutDto(l, trial, plots));
}

/**
 * Creates the layout's plots, all or none. Committing a committed layout writes nothing and
 * answers the plots it created (`created: false`).
 */
export async function commitLayout(db: Kysely<Database>, id: number): Promise<{ created: boolean; layout: LayoutDto }> {
  return db.transaction().execute(async (tx) => {
    const layout = mustFind(await repo.findLayoutForUpdate(tx, id), 'LayoutNotFound', id);
    const trial = await getTrial(tx, layout.trialId);
    if (layout.committedAt) return { created: false, layout: layoutDto(layout, trial, await listPlots(tx, layout.trialId)) };
    const clash = await clashes(tx, layout.trialId, layout.siteId, layout.plots);
    if (clash.length) throw new ValidationError(clash);
    const inputs = layout.plots.map((p) => ({ siteId: layout.siteId, label: p.label, arm: p.arm, block: null, notes: null }));
    const arms = await checkPlots(tx, trial, inputs, true);
    const ids = await insertPlots(
      tx,
      layout.plots.map((p) => ({
        trialId: layout.trialId,
        siteId: layout.siteId,
        armId: arms.get(p.arm)!.id,
        label: p.label,
        block: p.block === null ? null : String(p.block),
        areaM2: layout.plotArea,
        plantedOn: layout.plantedOn,
        row: p.row,
        column: p.column,
        notes: null,
      })),
    );
    const committed = await repo.updateLayout(tx, id, { committedAt: new Date(), plotIds: JSON.stringify(ids) });
    return { created: true, layout: layoutDto(committed, trial, await listPlots(tx, layout.trialId)) };
  });
}

/**
 * Draws the arms again with a new seed (given, or drawn). A preview simply changes; a
 * committed layout rewrites its plots' arms in one transaction, refused with 409 once any of
 * them has an observation.
 */
export async function rerandomiseLayout(db: Kysely<Database>, id: number, seed?: number) {
  return db.transaction().execute(async (tx) => {
    const layout = mustFind(await repo.findLayoutForUpdate(tx, id), 'LayoutNotFound', id);
    const trial = await getTrial(tx, layout.trialId);
    const ids = layout.plotIds ?? [];
    if (layout.committedAt && (await repo.countObservations(tx, ids)) > 0) throw new AppError(409, 'LayoutHasObservations', 'error.LayoutHasObservations', { id });
    const spec = specOf(layout, layoutArms(trial, layout.design));
    if (checkLayoutSpec(spec)) throw new AppError(409, 'LayoutArmsChanged', 'error.LayoutArmsChanged', { id });
    const newSeed = seed ?? randomInt(0, MAX_SEED + 1);
    const cells = generateLayout(spec, newSeed);
    const plots = layout.plots.map((p, i) => ({ ...p, arm: cells[i].arm }));
    if (layout.committedAt) {
      const armId = new Map(trial.arms.map((a) => [a.name, a.id]));
      const live = new Set((await listPlots(tx, layout.trialId)).map((p) => p.id));
      for (let i = 0; i < ids.length; i++) {
        if (live.has(ids[i])) await updatePlot(tx, ids[i], { armId: armId.get(plots[i].arm)! });
      }
    }
    const updated = await repo.updateLayout(tx, id, { seed: newSeed, plots: JSON.stringify(plots) });
    return layoutDto(updated, trial, layout.committedAt ? await listPlots(tx, layout.trialId) : undefined);
  });
}
