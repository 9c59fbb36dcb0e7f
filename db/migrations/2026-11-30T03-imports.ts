import { sql, type Kysely } from 'kysely';

/**
 * Spreadsheet imports: an uploaded file is checked into staging rows (one per observation,
 * plot or training session it would write) and its problems, so a preview survives across
 * app processes and a commit is one set-based statement per action. Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table imports (
      id uuid primary key,
      project_id integer not null references projects(id),
      trial_id integer references trials(id),
      kind text not null check (kind in ('observations', 'plots', 'training')),
      shape text not null check (shape in ('long', 'wide', 'fieldbook', 'table')),
      status text not null check (status in ('checking', 'ready', 'invalid', 'committed', 'expired')),
      file_name text,
      file_format text check (file_format in ('csv', 'xlsx')),
      encoding text,
      columns text[] not null default '{}',
      options jsonb not null default '{}',
      row_count integer not null default 0,
      create_count integer not null default 0,
      update_count integer not null default 0,
      unchanged_count integer not null default 0,
      error_count integer not null default 0,
      created integer,
      updated integer,
      unchanged integer,
      expires_at timestamptz not null,
      created_at timestamptz not null default now(),
      committed_at timestamptz
    );
    create index imports_expiry on imports (expires_at) where status <> 'expired';

    create table import_rows (
      import_id uuid not null references imports(id) on delete cascade,
      seq integer not null,
      row_number integer not null,
      column_name text,
      action text not null check (action in ('pending', 'create', 'update', 'unchanged', 'error')),
      target_id bigint,
      plot_id integer,
      variable_id integer,
      value_number numeric,
      value_date date,
      value_text text,
      observed_on date,
      notes text,
      recorded_by text,
      payload jsonb,
      shown jsonb not null default '{}',
      primary key (import_id, seq)
    );
    create index import_rows_key on import_rows (import_id, plot_id, variable_id);

    create table import_issues (
      import_id uuid not null references imports(id) on delete cascade,
      seq integer not null,
      row_number integer not null,
      column_name text not null,
      key text not null,
      params jsonb not null default '{}',
      primary key (import_id, seq)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table import_issues, import_rows, imports;`.execute(db);
}
