import { sql, type Kysely } from 'kysely';

/**
 * An import whose check was cut short by a crash is marked `failed` at the next start; each
 * import notes the process that checks it (`host:pid`) so a start on one machine never
 * fails another machine's check in progress.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table imports drop constraint imports_status_check;
    alter table imports add constraint imports_status_check
      check (status in ('checking', 'ready', 'invalid', 'committed', 'expired', 'failed'));
    alter table imports add column checked_by text;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    update imports set status = 'expired' where status = 'failed';
    alter table imports drop column checked_by;
    alter table imports drop constraint imports_status_check;
    alter table imports add constraint imports_status_check
      check (status in ('checking', 'ready', 'invalid', 'committed', 'expired'));
  `.execute(db);
}
