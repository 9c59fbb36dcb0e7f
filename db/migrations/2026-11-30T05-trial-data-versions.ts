import { sql, type Kysely } from 'kysely';

/**
 * A version number per trial that goes up, in the writing transaction, whenever anything its
 * report reads changes: its observations, plots, arms or variable list, the trial itself, the
 * name of a site its plots stand on, or a variable it records. A report computed in one
 * snapshot together with the version can be reused until the version moves, by any process
 * on the same database.
 *
 * Statement-level triggers bump each touched trial once per statement. They are named to fire
 * before the per-plot values triggers, so a writer takes the trial's version row first and
 * concurrent writers to one trial queue there instead of deadlocking on plot values.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table trial_data_versions (
      trial_id integer primary key references trials(id) on delete cascade,
      version bigint not null default 1
    );
    insert into trial_data_versions (trial_id) select id from trials;

    create function bump_trial_data_versions(p_trials integer[]) returns void
    language sql as $fn$
      insert into trial_data_versions as d (trial_id)
        select distinct t from unnest(p_trials) as t where t is not null order by t
      on conflict (trial_id) do update set version = d.version + 1
    $fn$;

    create function observations_bump_trial_data_versions() returns trigger
    language plpgsql as $fn$
    begin
      if TG_OP in ('INSERT', 'UPDATE') then
        perform bump_trial_data_versions(array(select distinct p.trial_id from new_rows n join plots p on p.id = n.plot_id));
      end if;
      if TG_OP in ('DELETE', 'UPDATE') then
        perform bump_trial_data_versions(array(select distinct p.trial_id from old_rows o join plots p on p.id = o.plot_id));
      end if;
      return null;
    end
    $fn$;

    -- plots, trial_arms and trial_variables all carry trial_id; trials carry their own id.
    create function rows_bump_trial_data_versions() returns trigger
    language plpgsql as $fn$
    declare
      column_name text := case when TG_TABLE_NAME = 'trials' then 'id' else 'trial_id' end;
      trials integer[];
    begin
      if TG_OP in ('INSERT', 'UPDATE') then
        execute format('select array(select distinct %I from new_rows)', column_name) into trials;
        perform bump_trial_data_versions(trials);
      end if;
      if TG_OP in ('DELETE', 'UPDATE') then
        execute format('select array(select distinct %I from old_rows)', column_name) into trials;
        perform bump_trial_data_versions(trials);
      end if;
      return null;
    end
    $fn$;

    create function sites_bump_trial_data_versions() returns trigger
    language plpgsql as $fn$
    begin
      perform bump_trial_data_versions(array(select distinct p.trial_id from plots p where p.site_id in (select id from new_rows)));
      return null;
    end
    $fn$;

    create function variables_bump_trial_data_versions() returns trigger
    language plpgsql as $fn$
    begin
      perform bump_trial_data_versions(array(select distinct tv.trial_id from trial_variables tv where tv.variable_id in (select id from new_rows)));
      return null;
    end
    $fn$;

    create trigger observations_data_version_insert after insert on observations
      referencing new table as new_rows for each statement execute function observations_bump_trial_data_versions();
    create trigger observations_data_version_update after update on observations
      referencing old table as old_rows new table as new_rows for each statement execute function observations_bump_trial_data_versions();
    create trigger observations_data_version_delete after delete on observations
      referencing old table as old_rows for each statement execute function observations_bump_trial_data_versions();

    create trigger plots_data_version_insert after insert on plots
      referencing new table as new_rows for each statement execute function rows_bump_trial_data_versions();
    create trigger plots_data_version_update after update on plots
      referencing old table as old_rows new table as new_rows for each statement execute function rows_bump_trial_data_versions();
    create trigger plots_data_version_delete after delete on plots
      referencing old table as old_rows for each statement execute function rows_bump_trial_data_versions();

    create trigger trial_arms_data_version_insert after insert on trial_arms
      referencing new table as new_rows for each statement execute function rows_bump_trial_data_versions();
    create trigger trial_arms_data_version_update after update on trial_arms
      referencing old table as old_rows new table as new_rows for each statement execute function rows_bump_trial_data_versions();
    create trigger trial_arms_data_version_delete after delete on trial_arms
      referencing old table as old_rows for each statement execute function rows_bump_trial_data_versions();

    create trigger trial_variables_data_version_insert after insert on trial_variables
      referencing new table as new_rows for each statement execute function rows_bump_trial_data_versions();
    create trigger trial_variables_data_version_update after update on trial_variables
      referencing old table as old_rows new table as new_rows for each statement execute function rows_bump_trial_data_versions();
    create trigger trial_variables_data_version_delete after delete on trial_variables
      referencing old table as old_rows for each statement execute function rows_bump_trial_data_versions();

    create trigger trials_data_version_insert after insert on trials
      referencing new table as new_rows for each statement execute function rows_bump_trial_data_versions();
    create trigger trials_data_version_update after update on trials
      referencing old table as old_rows new table as new_rows for each statement execute function rows_bump_trial_data_versions();

    create trigger sites_data_version_update after update on sites
      referencing new table as new_rows for each statement execute function sites_bump_trial_data_versions();
    create trigger variables_data_version_update after update on variables
      referencing new table as new_rows for each statement execute function variables_bump_trial_data_versions();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger observations_data_version_insert on observations;
    drop trigger observations_data_version_update on observations;
    drop trigger observations_data_version_delete on observations;
    drop trigger plots_data_version_insert on plots;
    drop trigger plots_data_version_update on plots;
    drop trigger plots_data_version_delete on plots;
    drop trigger trial_arms_data_version_insert on trial_arms;
    drop trigger trial_arms_data_version_update on trial_arms;
    drop trigger trial_arms_data_version_delete on trial_arms;
    drop trigger trial_variables_data_version_insert on trial_variables;
    drop trigger trial_variables_data_version_update on trial_variables;
    drop trigger trial_variables_data_version_delete on trial_variables;
    drop trigger trials_data_version_insert on trials;
    drop trigger trials_data_version_update on trials;
    drop trigger sites_data_version_update on sites;
    drop trigger variables_data_version_update on variables;
    drop function observations_bump_trial_data_versions();
    drop function rows_bump_trial_data_versions();
    drop function sites_bump_trial_data_versions();
    drop function variables_bump_trial_data_versions();
    drop function bump_trial_data_versions(integer[]);
    drop table trial_data_versions;
  `.execute(db);
}
