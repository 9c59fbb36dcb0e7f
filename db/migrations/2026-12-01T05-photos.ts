import { sql, type Kysely } from 'kysely';

/**
 * Photos of a plot or of one of its observations, kept in the database itself so that
 * backups and replicas carry them with the data they illustrate. The image (at most 2048 px
 * on its long side) and its thumbnail are stored as bytes; neither goes into the audit
 * trail, which records the rest of the row. A client's Idempotency-Key is kept per plot so a
 * repeated upload answers the first photo instead of storing a second one. Soft-deleted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table photos (
      id serial primary key,
      plot_id integer not null references plots (id),
      observation_id integer references observations (id),
      taken_on date,
      caption text check (char_length(caption) <= 500),
      content_type text not null check (content_type in ('image/jpeg', 'image/webp')),
      width integer not null check (width between 1 and 2048),
      height integer not null check (height between 1 and 2048),
      byte_size integer not null,
      keeps_location boolean not null default false,
      bytes bytea not null,
      thumbnail bytea not null,
      idempotency_key text check (char_length(idempotency_key) <= 200),
      created_by integer references users (id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    );
    create index photos_plot on photos (plot_id, id);
    create index photos_observation on photos (observation_id) where observation_id is not null;
    create unique index photos_idempotency on photos (plot_id, idempotency_key) where idempotency_key is not null;
    create trigger photos_audit_insert after insert on photos referencing new table as new_rows
      for each statement execute function audit_changes('photo', 'id', 'bytes', 'thumbnail');
    create trigger photos_audit_delete after delete on photos referencing old table as old_rows
      for each statement execute function audit_changes('photo', 'id', 'bytes', 'thumbnail');
    create trigger photos_audit_update after update on photos referencing old table as old_rows new table as new_rows
      for each statement execute function audit_changes('photo', 'id', 'bytes', 'thumbnail');
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists photos`.execute(db);
}
