import { sql, type Kysely } from 'kysely';

/**
 * The trial data model. Frozen: later changes go in a new, later-dated migration.
 * Numbers are `numeric` so a value is stored exactly as entered; dates are `date`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table projects (
      id integer generated always as identity primary key,
      code text not null unique,
      name text not null,
      name_en text,
      category text,
      lead_organisation text,
      partner_organisations text[] not null default '{}',
      starts_on date,
      ends_on date,
      target_person_times integer check (target_person_times >= 0),
      target_demo_households integer check (target_demo_households >= 0),
      description text,
      is_demo boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (ends_on is null or starts_on is null or ends_on >= starts_on)
    );

    create table sites (
      id integer generated always as identity primary key,
      project_id integer not null references projects(id),
      name text not null,
      name_en text,
      county text,
      township text,
      village text,
      latitude numeric(9, 6) check (latitude between -90 and 90),
      longitude numeric(9, 6) check (longitude between -180 and 180),
      kind text not null default 'field'
        check (kind in ('greenhouse', 'production_line', 'orchard', 'field', 'other')),
      notes text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (project_id, name)
    );

    create table variables (
      id integer generated always as identity primary key,
      code text not null unique,
      name text not null,
      name_en text,
      kind text not null check (kind in ('date', 'number', 'count', 'category', 'text')),
      unit text,
      aggregation text check (aggregation in ('sum', 'mean', 'first', 'last')),
      minimum numeric,
      maximum numeric,
      categories text[],
      description text,
      created_at timestamptz not null default now(),
      check (minimum is null or maximum is null or minimum <= maximum)
    );

    create table trials (
      id integer generated always as identity primary key,
      project_id integer not null references projects(id),
      name text not null,
      name_en text,
      crop text not null,
      season text,
      design text not null check (design in ('crd', 'paired', 'rcbd')),
      description text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (project_id, name)
    );

    create table trial_arms (
      id integer generated always as identity primary key,
      trial_id integer not null references trials(id),
      name text not null,
      role text not null check (role in ('treatment', 'control')),
      description text,
      position integer not null,
      unique (trial_id, name)
    );

    create table trial_variables (
      trial_id integer not null references trials(id),
      variable_id integer not null references variables(id),
      position integer not null,
      primary key (trial_id, variable_id)
    );

    create table plots (
      id integer generated always as identity primary key,
      trial_id integer not null references trials(id),
      site_id integer not null references sites(id),
      arm_id integer not null references trial_arms(id),
      label text not null,
      block text,
      area_m2 numeric check (area_m2 > 0),
      planted_on date,
      notes text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    );
    create unique index plots_label_unique on plots (trial_id, label) where deleted_at is null;
    create index plots_site on plots (site_id);

    create table observations (
      id bigint generated always as identity primary key,
      plot_id integer not null references plots(id),
      variable_id integer not null references variables(id),
      value_number numeric,
      value_date date,
      value_text text,
      observed_on date,
      recorded_by text,
      notes text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      check (num_nonnulls(value_number, value_date, value_text) = 1)
    );
    create index observations_plot_variable on observations (plot_id, variable_id) where deleted_at is null;

    create table farmers (
      id integer generated always as identity primary key,
      project_id integer not null references projects(id),
      name text not null,
      village text,
      household text,
      gender text check (gender in ('female', 'male')),
      demo_household boolean not null default false,
      phone text,
      notes text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    );
    create index farmers_project on farmers (project_id);

    create table training_sessions (
      id integer generated always as identity primary key,
      project_id integer not null references projects(id),
      site_id integer references sites(id),
      village text,
      held_on date not null,
      kind text not null check (kind in ('training', 'field_day', 'hands_on')),
      topic text not null,
      trainer text,
      attendance integer not null check (attendance >= 0),
      women integer check (women >= 0 and women <= attendance),
      notes text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    );
    create index training_sessions_project on training_sessions (project_id, held_on);

    create table training_attendees (
      session_id integer not null references training_sessions(id),
      farmer_id integer not null references farmers(id),
      primary key (session_id, farmer_id)
    );
    create index training_attendees_farmer on training_attendees (farmer_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table training_attendees, training_sessions, farmers, observations, plots,
      trial_variables, trial_arms, trials, variables, sites, projects;
  `.execute(db);
}
