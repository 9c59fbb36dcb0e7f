import { sql, type Kysely } from 'kysely';

/**
 * Staged rows checked against their import once per statement instead of once per row. The
 * foreign keys of `import_rows` and `import_issues` to `imports` ran one lookup per staged row:
 * staging 100,000 rows by COPY took twice as long with them as without (3.6–3.9 s against
 * 1.6–1.7 s on a loaded machine). The same rule is now kept by triggers: after each insert
 * statement, every import its rows name must exist (taken with FOR KEY SHARE, as a foreign
 * key takes it, so it cannot be deleted under them; otherwise SQLSTATE 23503 as before); a
 * row moved to another import is checked row by row; deleting an import deletes its staged
 * rows and problems (what ON DELETE CASCADE did).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table import_rows drop constraint import_rows_import_id_fkey;
    alter table import_issues drop constraint import_issues_import_id_fkey;

    create function staged_rows_name_an_import() returns trigger
    language plpgsql as $fn$
    declare
      v_missing uuid;
    begin
      perform 1 from imports where id in (select distinct import_id from new_rows) for key share;
      select n.import_id into v_missing
        from (select distinct import_id from new_rows) n
        where not exists (select 1 from imports i where i.id = n.import_id)
        limit 1;
      if found then
        raise exception 'insert or update on table "%" violates its reference to imports', TG_TABLE_NAME
          using errcode = 'foreign_key_violation', detail = format('Key (import_id)=(%s) is not present in table "imports".', v_missing);
      end if;
      return null;
    end
    $fn$;

    -- An update that moves a staged row to another import (the application never does):
    -- checked row by row, and only for such rows.
    create function staged_row_names_an_import() returns trigger
    language plpgsql as $fn$
    begin
      perform 1 from imports where id = new.import_id for key share;
      if not found then
        raise exception 'insert or update on table "%" violates its reference to imports', TG_TABLE_NAME
          using errcode = 'foreign_key_violation', detail = format('Key (import_id)=(%s) is not present in table "imports".', new.import_id);
      end if;
      return null;
    end
    $fn$;

    create function imports_delete_staging() returns trigger
    language plpgsql as $fn$
    begin
      delete from import_rows where import_id in (select id from old_rows);
      delete from import_issues where import_id in (select id from old_rows);
      return null;
    end
    $fn$;

    create trigger import_rows_import_insert after insert on import_rows
      referencing new table as new_rows for each statement execute function staged_rows_name_an_import();
    create trigger import_rows_import_update after update of import_id on import_rows
      for each row when (new.import_id is distinct from old.import_id) execute function staged_row_names_an_import();
    create trigger import_issues_import_insert after insert on import_issues
      referencing new table as new_rows for each statement execute function staged_rows_name_an_import();
    create trigger import_issues_import_update after update of import_id on import_issues
      for each row when (new.import_id is distinct from old.import_id) execute function staged_row_names_an_import();
    create trigger imports_delete_staging after delete on imports
      referencing old table as old_rows for each statement execute function imports_delete_staging();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger imports_delete_staging on imports;
    drop trigger import_rows_import_insert on import_rows;
    drop trigger import_rows_import_update on import_rows;
    drop trigger import_issues_import_insert on import_issues;
    drop trigger import_issues_import_update on import_issues;
    drop function imports_delete_staging();
    drop function staged_row_names_an_import();
    drop function staged_rows_name_an_import();
    alter table import_rows add constraint import_rows_import_id_fkey foreign key (import_id) references imports(id) on delete cascade;
    alter table import_issues add constraint import_issues_import_id_fkey foreign key (import_id) references imports(id) on delete cascade;
  `.execute(db);
}
