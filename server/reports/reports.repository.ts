import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * The plot values of one site × arm × variable of a trial: parallel arrays ordered by plot
 * id. Numbers as stored; dates as days after each plot's planting date. An array that would
 * hold only nulls (only false) is null.
 */
export interface ReportValueCell {
  siteId: number;
  armId: number;
  variableId: number;
  plotIds: number[];
  blocks: (string | null)[] | null;
  values: (number | null)[] | null;
  texts: (string | null)[] | null;
  /** A date value on a plot without a planting date. */
  missingPlanting: boolean[] | null;
}

/**
 * Every plot's combined value of every trial variable, read from the maintained
 * site_arm_values: one row per site × arm × variable holding its plots' values as arrays
 * (a few hundred rows for a trial of 20,000 plots, instead of one per plot and variable),
 * each stored as its JSON text when written, so the database only hands texts over.
 * Each value is the exact number plot_values holds (dates as days after planting), so the
 * analysis sees what a per-plot read would give. Unordered across rows: the report building
 * sorts what it needs.
 */
export async function listReportValueCells(db: Kysely<Database>, trialId: number): Promise<ReportValueCell[]> {
  type Cell = [number, number, number, number[], ReportValueCell['blocks'], ReportValueCell['values'], ReportValueCell['texts'], ReportValueCell['missingPlanting']];
  // One small row each rather than one aggregated text: the driver then never gathers a
  // message of megabytes, which measured about twice as slow.
  const { rows } = await sql<{ reportJson: string }>`
    select c.report_json
    from site_arm_values c
    join trial_variables tv on tv.trial_id = c.trial_id and tv.variable_id = c.variable_id
    where c.trial_id = ${trialId}
  `.execute(db);
  // Each row parsed on its own: joined, one row of text (a category) would make the whole
  // text two-byte, which JSON.parse reads about three times slower.
  return rows.map((r) => {
    const [siteId, armId, variableId, plotIds, blocks, values, texts, missingPlanting] = JSON.parse(r.reportJson) as Cell;
    return { siteId, armId, variableId, plotIds, blocks, values, texts, missingPlanting };
  });
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
