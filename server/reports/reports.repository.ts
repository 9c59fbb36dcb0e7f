import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/**
 * Every plot's combined value of every trial variable, in one query over the maintained
 * plot_values (never the raw observations). Date values come back as days after the plot's
 * planting date; `missingPlanting` marks a date value on a plot without one.
 */
export async function listReportPlotValues(db: Kysely<Database>, trialId: number) {
  const { rows } = await sql<{
    plotId: number;
    siteId: number;
    arm: string;
    block: string | null;
    variable: string;
    kind: string;
    value: string | null;
    text: string | null;
    missingPlanting: boolean;
  }>`
    select pl.id as plot_id, pl.site_id, a.name as arm, pl.block, v.code as variable, v.kind,
      case when v.kind = 'date' then pv.num_value - (pl.planted_on - date '1970-01-01') else pv.num_value end as value,
      pv.text_value as text,
      (v.kind = 'date' and pl.planted_on is null) as missing_planting
    from plots pl
    join plot_values pv on pv.plot_id = pl.id
    join trial_variables tv on tv.trial_id = pl.trial_id and tv.variable_id = pv.variable_id
    join variables v on v.id = pv.variable_id
    join trial_arms a on a.id = pl.arm_id
    where pl.trial_id = ${trialId} and pl.deleted_at is null
    order by pl.site_id, pl.id, v.code
  `.execute(db);
  return rows;
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
