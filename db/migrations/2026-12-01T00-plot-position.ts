import { sql, type Kysely } from 'kysely';

/**
 * A plot's position in the field: its row and column on the site's grid (1-based), as a
 * layout generator or a Field Book field file gives them. Both optional; a position is
 * held by one plot of a trial's site at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table plots add column "row" integer check ("row" between 1 and 10000);
    alter table plots add column "column" integer check ("column" between 1 and 10000);
    alter table plots add constraint plots_position_pair check (("row" is null) = ("column" is null));
    create unique index plots_position_unique on plots (trial_id, site_id, "row", "column")
      where deleted_at is null and "row" is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists plots_position_unique;
    alter table plots drop constraint if exists plots_position_pair;
    alter table plots drop column if exists "row";
    alter table plots drop column if exists "column";
  `.execute(db);
}
