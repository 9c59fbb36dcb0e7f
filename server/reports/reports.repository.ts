import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/** One plot's combined value of one trial variable, as the report query sends it. */
export interface ReportPlotValueRow {
  plotId: number;
  siteId: number;
  armId: number;
  block: string | null;
  variableId: number;
  /** Numbers as stored; dates as days after the plot's planting date. */
  value: number | null;
  text: string | null;
  /** A date value on a plot without a planting date. */
  missingPlanting: boolean;
}

/**
 * Every plot's combined value of every trial variable, read from the maintained
 * site_arm_values: one row per site × arm × variable holding its plots' values as arrays
 * (a few hundred rows for a trial of 20,000 plots, instead of one per plot and variable),
 * each stored as its JSON text when written, so the database only joins texts together. Each value is the exact number plot_values holds (dates as
 * days after planting), so the analysis sees what a per-plot read would give. Unordered
 * across rows: the report building sorts what it needs.
 */
export async function listReportPlotValues(db: Kysely<Database>, trialId: number): Promise<ReportPlotValueRow[]> {
  type Column<T> = T[] | null;
  type Cell = [number, number, number, number[], Column<string | null>, Column<number | null>, Column<string | null>, Column<boolean>];
  const { rows } = await sql<{ cells: string }>`
    select coalesce('[' || string_agg(c.report_json, ',') || ']', '[]') as cells
    from site_arm_values c
    join trial_variables tv on tv.trial_id = c.trial_id and tv.variable_id = c.variable_id
    where c.trial_id = ${trialId}
  `.execute(db);
  const cells: Cell[] = JSON.parse(rows[0].cells);
  const out: ReportPlotValueRow[] = [];
  for (const [siteId, armId, variableId, plotIds, blocks, values, texts, missing] of cells) {
    for (let i = 0; i < plotIds.length; i++) {
      out.push({
        plotId: plotIds[i],
        siteId,
        armId,
        block: blocks ? blocks[i] : null,
        variableId,
        value: values ? values[i] : null,
        text: texts ? texts[i] : null,
        missingPlanting: missing ? missing[i] : false,
      });
    }
  }
  return out;
}

/** The trial's data version: it goes up with every write its report depends on. */
export async function findTrialDataVersion(db: Kysely<Database>, trialId: number): Promise<number | undefined> {
  const row = await db.selectFrom('trialDataVersions').select('version').where('trialId', '=', trialId).executeTakeFirst();
  return row?.version;
}

/** The sites that hold plots of the trial, in the order they were created. */
export function listTrialSites(db: Kysely<Database>, trialId: number) {
  return db
    .selectFrom('sites as s')
    .select(['s.id', 's.name', 's.nameEn'])
    .where((eb) =>
      eb.exists(eb.selectFrom('plots as p').select('p.id').whereRef('p.siteId', '=', 's.id').where('p.trialId', '=', trialId).where('p.deletedAt', 'is', null)),
    )
    .orderBy('s.id')
    .execute();
}
