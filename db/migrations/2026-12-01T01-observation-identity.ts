import { sql, type Kysely } from 'kysely';

/**
 * One identity per observation: (plot, variable, observed-on, reading). `reading` numbers
 * repeated readings of a variable on a plot on one day (two harvests without dates, Field
 * Book's `number`, five plants measured per plot), from 1. Existing repeats of one day are
 * numbered 1, 2 … in id order; nothing is deleted. A missing observed-on is one value of the
 * key. Deleted observations keep their numbers (so a restore cannot collide) but only live
 * ones hold the key. Staged import rows carry the reading too. Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table observations add column reading integer not null default 1 check (reading >= 1);
    alter table observations disable trigger user;
    update observations o set reading = n.k
      from (
        select id, row_number() over (partition by plot_id, variable_id, observed_on order by id) as k
        from observations
      ) n
      where o.id = n.id and n.k > 1;
    alter table observations enable trigger user;
    create unique index observations_identity on observations
      (plot_id, variable_id, coalesce(observed_on, 'infinity'::date), reading)
      where deleted_at is null;
    alter table import_rows add column reading integer;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists observations_identity;
    alter table observations drop column if exists reading;
    alter table import_rows drop column if exists reading;
  `.execute(db);
}
