import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { GridObservation } from './entry-grid.js';

/**
 * What the trial page reads, bounded by what it shows: plot counts per site and arm, one page
 * of plots (each with its observation count from `plot_values`), and for those plots each
 * cell's count with its latest observations. Never the trial's observations as a whole.
 */

/** Non-deleted observations of a plot, as kept in `plot_values`. */
const observationCount = sql<string>`(select coalesce(sum(pv.n), 0) from plot_values pv where pv.plot_id = p.id)`;

/** Plots per site and arm, in the grid's order (site, arm position). */
export async function plotCountsBySiteAndArm(db: Kysely<Database>, trialId: number) {
  const rows = await db
    .selectFrom('plots as p')
    .innerJoin('trialArms as a', 'a.id', 'p.armId')
    .where('p.trialId', '=', trialId)
    .where('p.deletedAt', 'is', null)
    .groupBy(['p.siteId', 'a.id', 'a.name', 'a.role', 'a.position'])
    .select(['p.siteId', 'a.id as armId', 'a.name as arm', 'a.role as armRole'])
    .select((eb) => eb.fn.countAll<string>().as('plots'))
    .orderBy('p.siteId')
    .orderBy('a.position')
    .execute();
  return rows.map((r) => ({ ...r, plots: Number(r.plots) }));
}

/** Every plot of a trial in the grid's order (site, arm position, label, id), each with its
 * observation count: the overview of a small trial lists them all. */
export function listGridPlots(db: Kysely<Database>, trialId: number) {
  return db
    .selectFrom('plots as p')
    .innerJoin('trialArms as a', 'a.id', 'p.armId')
    .select(['p.id', 'p.label', 'p.siteId', 'p.block', 'p.plantedOn', 'p.areaM2', 'p.row', 'p.column', 'a.name as arm', 'a.role as armRole'])
    .select(observationCount.as('observations'))
    .where('p.trialId', '=', trialId)
    .where('p.deletedAt', 'is', null)
    .orderBy('p.siteId')
    .orderBy('a.position')
    .orderBy('p.label')
    .orderBy('p.id')
    .execute();
}

/** A run of consecutive plots of one site and arm in the grid's order: `limit` of them after
 * the first `offset` (by label, then id). */
export interface GridSegment {
  siteId: number;
  armId: number;
  offset: number;
  limit: number;
}

/**
 * The plots of the given runs, in the order given (each run by label, then id): one page of a
 * large trial's grid in one query, each run read from the plots_grid_order index.
 */
export async function listGridPlotSegments(db: Kysely<Database>, trialId: number, segments: readonly GridSegment[]) {
  if (segments.length === 0) return [];
  const runs = sql.join(segments.map((g, i) => sql`(${i}::integer, ${g.siteId}::integer, ${g.armId}::integer, ${g.offset}::integer, ${g.limit}::integer)`));
  const { rows } = await sql<{ id: number; label: string; siteId: number; block: string | null; plantedOn: string | null; row: number | null; column: number | null; arm: string; armRole: 'treatment' | 'control' }>`
    select p.id, p.label, p.site_id, p.block, p.planted_on, p."row", p."column", a.name as arm, a.role as arm_role
    from (values ${runs}) as s (ord, site_id, arm_id, skip, take)
    cross join lateral (
      select q.* from plots q
      where q.trial_id = ${trialId} and q.site_id = s.site_id and q.arm_id = s.arm_id and q.deleted_at is null
      order by q.label, q.id
      offset s.skip limit s.take
    ) p
    join trial_arms a on a.id = p.arm_id
    order by s.ord, p.label, p.id`.execute(db);
  return rows;
}

/** Where a plot (by its label) stands in the grid: its id, its site, and how many plots of
 * that site come before it in the grid's order (site, arm position, label, id). */
export async function gridPlotPosition(db: Kysely<Database>, trialId: number, label: string) {
  const plot = await db
    .selectFrom('plots as p')
    .innerJoin('trialArms as a', 'a.id', 'p.armId')
    .select(['p.id', 'p.siteId', 'p.label', 'a.position'])
    .where('p.trialId', '=', trialId)
    .where('p.deletedAt', 'is', null)
    .where('p.label', '=', label)
    .orderBy('p.id')
    .executeTakeFirst();
  if (!plot) return null;
  const before = await db
    .selectFrom('plots as p')
    .innerJoin('trialArms as a', 'a.id', 'p.armId')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('p.trialId', '=', trialId)
    .where('p.deletedAt', 'is', null)
    .where('p.siteId', '=', plot.siteId)
    .where((eb) =>
      eb.or([
        eb('a.position', '<', plot.position),
        eb.and([
          eb('a.position', '=', plot.position),
          eb.or([eb('p.label', '<', plot.label), eb.and([eb('p.label', '=', plot.label), eb('p.id', '<', plot.id)])]),
        ]),
      ]),
    )
    .executeTakeFirstOrThrow();
  return { id: plot.id, siteId: plot.siteId, index: Number(before.n) };
}

/** The plots of a trial with these ids (others are left out), in the grid's order. */
export function findGridPlots(db: Kysely<Database>, trialId: number, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('plots as p')
    .innerJoin('trialArms as a', 'a.id', 'p.armId')
    .select(['p.id', 'p.label', 'p.siteId', 'p.block', 'p.plantedOn', 'p.row', 'p.column', 'a.name as arm', 'a.role as armRole'])
    .where('p.trialId', '=', trialId)
    .where('p.deletedAt', 'is', null)
    .where('p.id', 'in', [...ids])
    .orderBy('p.siteId')
    .orderBy('a.position')
    .orderBy('p.label')
    .execute();
}

export interface CellHistory {
  /** Every non-deleted observation of the cell. */
  count: number;
  /** The latest of them (at most the limit asked for), oldest first. */
  observations: GridObservation[];
}

/**
 * For each plot × variable given that has observations: its count and its latest `limit`
 * observations (latest = last observed, undated ones counting as the earliest; then the last
 * entered), keyed by `${plotId}.${variableId}`. One query: the counts come from
 * `plot_values`, each cell's latest rows from the (plot_id, variable_id) index.
 */
export async function cellHistories(
  db: Kysely<Database>,
  plotIds: readonly number[],
  variableIds: readonly number[],
  limit: number,
): Promise<Map<string, CellHistory>> {
  const out = new Map<string, CellHistory>();
  if (plotIds.length === 0 || variableIds.length === 0) return out;
  const rows = await db
    .selectFrom('plotValues as pv')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('observations as o')
          .select(['o.id', 'o.valueNumber', 'o.valueDate', 'o.valueText', 'o.observedOn', 'o.reading', 'o.recordedBy', 'o.notes', 'o.version'])
          .whereRef('o.plotId', '=', 'pv.plotId')
          .whereRef('o.variableId', '=', 'pv.variableId')
          .where('o.deletedAt', 'is', null)
          .orderBy(sql`o.observed_on desc nulls last`)
          .orderBy('o.reading', 'desc')
          .orderBy('o.id', 'desc')
          .limit(limit)
          .as('h'),
      (join) => join.onTrue(),
    )
    .select(['pv.plotId', 'pv.variableId', 'pv.n'])
    .selectAll('h')
    .where('pv.plotId', 'in', [...plotIds])
    .where('pv.variableId', 'in', [...variableIds])
    .execute();
  for (const r of rows) {
    const key = `${r.plotId}.${r.variableId}`;
    let cell = out.get(key);
    if (!cell) out.set(key, (cell = { count: Number(r.n), observations: [] }));
    cell.observations.push({
      id: Number(r.id),
      plotId: r.plotId,
      variableId: r.variableId,
      valueNumber: r.valueNumber,
      valueDate: r.valueDate,
      valueText: r.valueText,
      observedOn: r.observedOn,
      reading: r.reading,
      recordedBy: r.recordedBy,
      notes: r.notes,
      version: r.version,
    });
  }
  for (const cell of out.values()) cell.observations.sort((a, b) => (a.observedOn ?? '').localeCompare(b.observedOn ?? '') || a.reading - b.reading || a.id - b.id);
  return out;
}

/** Every non-deleted observation of one plot × variable, oldest first (undated ones first,
 * then in the order entered): the full history behind a grid cell. */
export async function cellObservations(db: Kysely<Database>, plotId: number, variableId: number): Promise<GridObservation[]> {
  const rows = await db
    .selectFrom('observations as o')
    .select(['o.id', 'o.plotId', 'o.variableId', 'o.valueNumber', 'o.valueDate', 'o.valueText', 'o.observedOn', 'o.reading', 'o.recordedBy', 'o.notes', 'o.version'])
    .where('o.plotId', '=', plotId)
    .where('o.variableId', '=', variableId)
    .where('o.deletedAt', 'is', null)
    .orderBy(sql`o.observed_on asc nulls first`)
    .orderBy('o.reading')
    .orderBy('o.id')
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}
