import { sql, type Kysely } from 'kysely';

/**
 * The entry grid's order within one site and arm of a trial (label, then id), so a page of a
 * large trial's grid reads its plots from the index: the page starts at a known site, arm and
 * offset (from the plot counts per site and arm), never after sorting every plot of the trial.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index plots_grid_order on plots (trial_id, site_id, arm_id, label, id) where deleted_at is null`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists plots_grid_order`.execute(db);
}
