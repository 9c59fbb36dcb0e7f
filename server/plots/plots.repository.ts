import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
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

/** Takes these plots off their field positions (row and column), a thousand per statement,
 * so that plots moving onto each other's places can be written one by one. */
export async function clearPlotPositions(db: Kysely<Database>, ids: readonly number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await db.updateTable('plots').set({ row: null, column: null }).where('id', 'in', ids.slice(i, i + 1000)).where('row', 'is not', null).execute();
  }
}

/** The fields of a plot a bulk update may write (the label identifies the plot, it is not written). */
export interface PlotFields {
  label?: string;
  siteId?: number;
  armId?: number;
  block?: string | null;
  areaM2?: string | number | null;
  plantedOn?: string | null;
  row?: number | null;
  column?: number | null;
  notes?: string | null;
}

const PLOT_COLUMN: Record<Exclude<keyof PlotFields, 'label'>, [string, string]> = {
  siteId: ['site_id', 'integer'],
  armId: ['arm_id', 'integer'],
  block: ['block', 'text'],
  areaM2: ['area_m2', 'numeric'],
  plantedOn: ['planted_on', 'date'],
  row: ['"row"', 'integer'],
  column: ['"column"', 'integer'],
  notes: ['notes', 'text'],
};

/**
 * Updates plots, a thousand per UPDATE … FROM a JSON record set (rows writing the same
 * fields together); each row's fields, and only those, are written, and each plot's version
 * moves on as a single update's would.
 */
export async function updatePlotFields(db: Kysely<Database>, rows: { id: number; fields: PlotFields }[]): Promise<void> {
  const groups = new Map<string, { id: number; fields: PlotFields }[]>();
  for (const r of rows) {
    const key = Object.keys(r.fields).filter((k) => k !== 'label').sort().join(',');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const [key, group] of groups) {
    const fields = (key ? key.split(',') : []) as (keyof typeof PLOT_COLUMN)[];
    const set = fields.map((f) => `${PLOT_COLUMN[f][0]} = r.${PLOT_COLUMN[f][0]}`);
    const types = fields.map((f) => `${PLOT_COLUMN[f][0]} ${PLOT_COLUMN[f][1]}`);
    for (let i = 0; i < group.length; i += 1000) {
      const records = group.slice(i, i + 1000).map((r) => {
        const rec: Record<string, unknown> = { id: r.id };
        for (const f of fields) rec[PLOT_COLUMN[f][0].replaceAll('"', '')] = r.fields[f] ?? null;
        return rec;
      });
      await sql`
        update plots as p set ${sql.raw([...set, 'version = p.version + 1', 'updated_at = now()'].join(', '))}
        from json_to_recordset(${JSON.stringify(records)}::json) as r(id integer${sql.raw(types.map((t) => `, ${t}`).join(''))})
        where p.id = r.id and p.deleted_at is null
      `.execute(db);
    }
  }
}

/** The plot's earliest live date observation before `date`, if any, with its variable's names. */
export function findDateValueBefore(db: Kysely<Database>, plotId: number, date: string) {
  return db
    .selectFrom('observations as o')
    .innerJoin('variables as v', 'v.id', 'o.variableId')
    .select(['o.valueDate', 'v.name', 'v.nameEn'])
    .where('o.plotId', '=', plotId)
    .where('o.deletedAt', 'is', null)
    .where('o.valueDate', '<', date)
    .orderBy('o.valueDate')
    .limit(1)
    .executeTakeFirst();
}
