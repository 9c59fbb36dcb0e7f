import { sql, type Kysely } from 'kysely';

/**
 * A staged observation row remembers the version of the observation its preview matched
 * (null for a create). A commit made after others wrote to the trial compares it with the
 * observation's version then, so a value changed after the preview is never overwritten
 * with what the file held (the preview did not show that change).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table import_rows add column target_version integer`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table import_rows drop column if exists target_version`.execute(db);
}
