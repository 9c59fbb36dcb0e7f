import { sql, type Kysely } from 'kysely';

/**
 * Designed layouts: a randomised placement of a trial's arms on a site's field grid, kept with
 * its seed. A layout is a preview until committed, when it creates its plots (`plot_ids`).
 * `north` and `entrance` say which side of the drawn map faces north and where the field is
 * entered. Changes to a locked trial's layouts are refused like its plots' (DP423).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table layouts (
      id serial primary key,
      trial_id integer not null references trials(id),
      site_id integer not null references sites(id),
      design text not null check (design in ('crd', 'rcbd', 'paired')),
      blocks integer check (blocks between 1 and 1000),
      plots_per_arm integer check (plots_per_arm between 1 and 1000),
      field_rows integer not null check (field_rows between 1 and 10000),
      field_columns integer not null check (field_columns between 1 and 10000),
      serpentine boolean not null default false,
      label_pattern text not null,
      plot_area numeric check (plot_area > 0),
      planted_on date,
      seed integer not null check (seed >= 0),
      north text check (north in ('up', 'down', 'left', 'right')),
      entrance text check (entrance in ('up', 'down', 'left', 'right')),
      plots jsonb not null,
      plot_ids jsonb,
      committed_at timestamptz,
      created_by integer references users(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index layouts_trial_site on layouts (trial_id, site_id, id);
    create trigger layouts_check_lock_insert after insert on layouts referencing new table as new_rows
      for each statement execute function refuse_locked_trial_changes('trial_id');
    create trigger layouts_check_lock_update after update on layouts referencing old table as old_rows new table as new_rows
      for each statement execute function refuse_locked_trial_changes('trial_id');
    create trigger layouts_check_lock_delete after delete on layouts referencing old table as old_rows
      for each statement execute function refuse_locked_trial_changes('trial_id');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists layouts`.execute(db);
}
