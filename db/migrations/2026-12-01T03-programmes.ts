import { sql, type Kysely } from 'kysely';

/**
 * Programmes group projects (科技援疆计划 and the like). A project gains its programme
 * fields: category (a closed list now; a free-text label that is not one of the four is kept
 * in `category_label`), new this year, prefecture and county (with the national-poverty-county
 * flag), the supporting province or city, budget in 万元 and status. Acceptance inspections
 * carry rectification items that are closed with a date and a note; outputs are patents,
 * centres, standards, extension materials and the like. All audited like the other tables.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table programmes (
      id serial primary key,
      name text not null unique check (length(name) between 1 and 200),
      name_en text,
      year integer not null check (year between 1900 and 2200),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    alter table projects add column category_label text;
    update projects set category_label = category, category = null
      where category is not null and category not in ('prefecture', 'poor_county', 'industrialisation', 'other');
    alter table projects add constraint projects_category_check
      check (category in ('prefecture', 'poor_county', 'industrialisation', 'other'));
    alter table projects add column programme_id integer references programmes(id);
    alter table projects add column new_this_year boolean not null default false;
    alter table projects add column prefecture text;
    alter table projects add column county text;
    alter table projects add column poverty_county boolean not null default false;
    alter table projects add column supporting_province text;
    alter table projects add column budget numeric(14, 2) check (budget >= 0);
    alter table projects add column status text check (status in ('proposed', 'approved', 'in_progress', 'awaiting_acceptance', 'accepted', 'rectifying'));
    create index projects_programme on projects (programme_id);

    create table inspections (
      id serial primary key,
      project_id integer not null references projects(id),
      inspected_on date not null,
      experts text[] not null default '{}',
      findings text not null,
      created_at timestamptz not null default now()
    );
    create index inspections_project on inspections (project_id, inspected_on);

    create table rectifications (
      id serial primary key,
      inspection_id integer not null references inspections(id),
      position integer not null,
      item text not null check (length(item) between 1 and 2000),
      due_on date,
      closed_on date,
      close_note text,
      version integer not null default 1,
      check ((closed_on is null) = (close_note is null))
    );
    create index rectifications_inspection on rectifications (inspection_id, position);

    create table outputs (
      id serial primary key,
      project_id integer not null references projects(id),
      kind text not null check (kind in ('patent_utility', 'patent_invention', 'centre', 'postdoc_station', 'standard', 'publication', 'extension_material', 'other')),
      title text not null check (length(title) between 1 and 500),
      output_on date,
      number text,
      count integer check (count >= 0),
      notes text,
      created_at timestamptz not null default now()
    );
    create index outputs_project on outputs (project_id, kind);
  `.execute(db);

  const audited: [table: string, entity: string, key: string][] = [
    ['programmes', 'programme', 'id'],
    ['inspections', 'inspection', 'id'],
    ['rectifications', 'inspection', 'inspection_id'],
    ['outputs', 'output', 'id'],
  ];
  for (const [table, entity, key] of audited) {
    const args = sql.raw(`'${entity}', '${key}'`);
    const t = sql.table(table);
    const name = (op: string) => sql.raw(`${table}_audit_${op}`);
    await sql`create trigger ${name('insert')} after insert on ${t} referencing new table as new_rows for each statement execute function audit_changes(${args})`.execute(db);
    await sql`create trigger ${name('delete')} after delete on ${t} referencing old table as old_rows for each statement execute function audit_changes(${args})`.execute(db);
    await sql`create trigger ${name('update')} after update on ${t} referencing old table as old_rows new table as new_rows for each statement execute function audit_changes(${args})`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists outputs;
    drop table if exists rectifications;
    drop table if exists inspections;
    alter table projects drop constraint if exists projects_category_check;
    update projects set category = category_label where category_label is not null;
    alter table projects drop column if exists category_label;
    alter table projects drop column if exists programme_id;
    alter table projects drop column if exists new_this_year;
    alter table projects drop column if exists prefecture;
    alter table projects drop column if exists county;
    alter table projects drop column if exists poverty_county;
    alter table projects drop column if exists supporting_province;
    alter table projects drop column if exists budget;
    alter table projects drop column if exists status;
    drop table if exists programmes;
  `.execute(db);
}
