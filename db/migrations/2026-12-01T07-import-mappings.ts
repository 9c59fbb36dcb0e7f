import { sql, type Kysely } from 'kysely';

/**
 * Column mappings of plot files. `import_mappings` keeps, per trial and import kind, the
 * mapping of the last committed file (its header keys and each column's field), proposed
 * again for the next file with the same headers. `imports.source` keeps a small plot file
 * while its preview lives, so the preview can be checked again with another mapping
 * without uploading the file again; it is cleared when the preview is committed or expires.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table import_mappings (
      trial_id integer not null references trials(id),
      kind text not null check (kind in ('plots')),
      header_keys jsonb not null,
      mapping jsonb not null,
      updated_at timestamptz not null default now(),
      primary key (trial_id, kind)
    );
    alter table imports add column source bytea;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table imports drop column if exists source;
    drop table if exists import_mappings;
  `.execute(db);
}
