import { sql, type Kysely } from 'kysely';

/**
 * The trial's data version also moves with what its page shows besides the report's data:
 * a photo of one of its plots (added, captioned or deleted), its project (the page's
 * breadcrumbs) and the name of the person who signed it off. The trial page keeps its
 * rendered grid and its heading per data version, like the report, so each of these must
 * make the next reader read them again. All are rare writes; each bumps only the trials it
 * touches, once per statement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Photos carry plot_id as observations do: the observations' function serves them.
    create trigger photos_data_version_insert after insert on photos
      referencing new table as new_rows for each statement execute function observations_bump_trial_data_versions();
    create trigger photos_data_version_update after update on photos
      referencing old table as old_rows new table as new_rows for each statement execute function observations_bump_trial_data_versions();
    create trigger photos_data_version_delete after delete on photos
      referencing old table as old_rows for each statement execute function observations_bump_trial_data_versions();

    create function projects_bump_trial_data_versions() returns trigger
    language plpgsql as $fn$
    begin
      perform bump_trial_data_versions(array(select t.id from trials t where t.project_id in (select id from new_rows)));
      return null;
    end
    $fn$;
    create trigger projects_data_version_update after update on projects
      referencing new table as new_rows for each statement execute function projects_bump_trial_data_versions();

    -- Only a change of name: users are updated at other times (password, role) that no trial shows.
    create function users_bump_trial_data_versions() returns trigger
    language plpgsql as $fn$
    begin
      perform bump_trial_data_versions(array(
        select t.id from trials t
        where t.locked_by in (select n.id from new_rows n join old_rows o on o.id = n.id where n.name is distinct from o.name)));
      return null;
    end
    $fn$;
    create trigger users_data_version_update after update on users
      referencing old table as old_rows new table as new_rows for each statement execute function users_bump_trial_data_versions();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger photos_data_version_insert on photos;
    drop trigger photos_data_version_update on photos;
    drop trigger photos_data_version_delete on photos;
    drop trigger projects_data_version_update on projects;
    drop function projects_bump_trial_data_versions();
    drop trigger users_data_version_update on users;
    drop function users_bump_trial_data_versions();
  `.execute(db);
}
