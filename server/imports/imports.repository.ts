import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import type { Database, ImportKind, ImportTable } from '../../db/database.js';

export function insertImport(db: Kysely<Database>, row: Insertable<ImportTable>) {
  return db.insertInto('imports').values(row).execute();
}

export function findImport(db: Kysely<Database>, id: string) {
  return db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The import row locked for the rest of the transaction (two commits queue here). */
export function lockImport(db: Kysely<Database>, id: string) {
  return db.selectFrom('imports').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateImport(db: Kysely<Database>, id: string, patch: Updateable<ImportTable>) {
  return db.updateTable('imports').set(patch).where('id', '=', id).execute();
}

export function deleteImport(db: Kysely<Database>, id: string) {
  return db.deleteFrom('imports').where('id', '=', id).execute();
}

/**
 * Stages a batch of checked rows given as one JSON array text (snake_case keys): one
 * INSERT … SELECT from json_to_recordset, whatever the batch's length. Decimals arrive as
 * JSON strings, so "5427.10" keeps its scale.
 */
export async function insertRowBatch(db: Kysely<Database>, importId: string, rowsJson: string) {
  await sql`
    insert into import_rows (import_id, seq, row_number, column_name, action, target_id, plot_id, variable_id,
      value_number, value_date, value_text, observed_on, notes, recorded_by, payload, shown, reading)
    select ${importId}::uuid, r.seq, r.row_number, r.column_name, r.action, r.target_id, r.plot_id, r.variable_id,
      r.value_number, r.value_date, r.value_text, r.observed_on, r.notes, r.recorded_by, r.payload, coalesce(r.shown, '{}'), r.reading
    from json_to_recordset(${rowsJson}::json) as r(seq integer, row_number integer, column_name text, action text,
      target_id bigint, plot_id integer, variable_id integer, value_number numeric, value_date date, value_text text,
      observed_on date, notes text, recorded_by text, payload jsonb, shown jsonb, reading integer)
  `.execute(db);
}

/** Stages a batch of problems given as one JSON array text. */
export async function insertIssueBatch(db: Kysely<Database>, importId: string, issuesJson: string) {
  await sql`
    insert into import_issues (import_id, seq, row_number, column_name, key, params)
    select ${importId}::uuid, i.seq, i.row_number, i.column_name, i.key, coalesce(i.params, '{}')
    from json_to_recordset(${issuesJson}::json) as i(seq integer, row_number integer, column_name text, key text, params jsonb)
  `.execute(db);
}

/** Forgets what was staged for an import (before reading its file again). */
export async function clearStaging(db: Kysely<Database>, id: string) {
  await db.deleteFrom('importRows').where('importId', '=', id).execute();
  await db.deleteFrom('importIssues').where('importId', '=', id).execute();
}

/**
 * Previews past their time: their staged rows are dropped and an unfinished one is marked
 * expired (its header row stays, so asking for it answers "expired" rather than "unknown").
 */
export async function expireImports(db: Kysely<Database>) {
  const old = db.selectFrom('imports').select('id').where('expiresAt', '<', new Date()).where('status', '<>', 'expired');
  await db.deleteFrom('importRows').where('importId', 'in', old).execute();
  await db.deleteFrom('importIssues').where('importId', 'in', old).execute();
  await db
    .updateTable('imports')
    .set({ status: 'expired', source: null })
    .where('expiresAt', '<', new Date())
    .where('status', 'in', ['checking', 'ready', 'invalid'])
    .execute();
}

/**
 * Marks the second and later rows that give the same plot, variable and observed-on date
 * as errors naming the first: which of two values is meant cannot be known.
 */
export async function flagDuplicateObservations(db: Kysely<Database>, id: string) {
  await sql`
    with ranked as (
      select r.seq, r.row_number, r.column_name, r.plot_id, r.variable_id, r.observed_on, coalesce(r.reading, 1) as reading,
        first_value(r.row_number) over w as first_row,
        first_value(r.column_name) over w as first_column,
        row_number() over w as k
      from import_rows r
      where r.import_id = ${id} and r.action <> 'error'
      window w as (partition by r.plot_id, r.variable_id, r.observed_on, coalesce(r.reading, 1) order by r.seq)
    ), dup as (
      select * from ranked where k > 1
    ), base as (
      select coalesce(max(seq), 0) as s from import_issues where import_id = ${id}
    ), issues as (
      insert into import_issues (import_id, seq, row_number, column_name, key, params)
      select ${id}, base.s + row_number() over (order by d.seq), d.row_number, coalesce(d.column_name, ''),
        case when d.first_row = d.row_number then 'imp.duplicateInRow' else 'imp.duplicateRow' end,
        jsonb_build_object('first', d.first_row, 'firstColumn', d.first_column, 'plot', p.label, 'variable', v.code,
          'date', coalesce(to_char(d.observed_on, 'YYYY-MM-DD'), '-'), 'reading', d.reading)
      from dup d cross join base
      join plots p on p.id = d.plot_id
      join variables v on v.id = d.variable_id
    )
    update import_rows r set action = 'error'
    from dup where r.import_id = ${id} and r.seq = dup.seq
  `.execute(db);
}

/** The trial's data version (trial_data_versions), null when it has none. */
export async function trialDataVersion(db: Kysely<Database>, trialId: number): Promise<number | null> {
  const r = await sql<{ version: number }>`select version from trial_data_versions where trial_id = ${trialId}`.execute(db);
  return r.rows[0] ? Number(r.rows[0].version) : null;
}

/**
 * The trial's data version, its row locked for the rest of the transaction: a writer to the
 * trial still in progress is waited for, and later ones wait (each write bumps this row).
 */
export async function lockTrialDataVersion(db: Kysely<Database>, trialId: number): Promise<number | null> {
  const r = await sql<{ version: number }>`select version from trial_data_versions where trial_id = ${trialId} for update`.execute(db);
  return r.rows[0] ? Number(r.rows[0].version) : null;
}

/** Whether any plot of the trial holds a live observation. */
export async function trialHasObservations(db: Kysely<Database>, trialId: number): Promise<boolean> {
  const r = await sql<{ any: boolean }>`
    select exists (
      select 1 from plots p join observations o on o.plot_id = p.id and o.deleted_at is null
      where p.trial_id = ${trialId}
    ) as any
  `.execute(db);
  return !!r.rows[0]?.any;
}

/**
 * The live observation each checked row matches by plot, variable, observed-on date and
 * reading, with whether it already holds the row's value (equal numbers written differently,
 * 5427.1 and 5427.10, are the same value) and its version. Notes and recorder count only
 * when the file has those columns. With `staged`, only rows that match (an inner join).
 */
function matches(id: string, opts: { notes: boolean; recordedBy: boolean; staged?: boolean }) {
  // Observed-on dates are compared through coalesce so the match is a plain equality the
  // planner can hash (a large import) or look up by index (a small one).
  return sql`
    select distinct on (r.seq) r.seq, o.id, o.version,
      (o.value_number is not distinct from r.value_number
        and o.value_date is not distinct from r.value_date
        and o.value_text is not distinct from r.value_text
        and (not ${opts.notes} or o.notes is not distinct from r.notes)
        and (not ${opts.recordedBy} or o.recorded_by is not distinct from r.recorded_by)) as same
    from import_rows r
    ${opts.staged ? sql`join` : sql`left join`} observations o
      on o.plot_id = r.plot_id and o.variable_id = r.variable_id
      and coalesce(o.observed_on, 'infinity'::date) = coalesce(r.observed_on, 'infinity'::date)
      and o.reading = coalesce(r.reading, 1)
      and o.deleted_at is null
    where r.import_id = ${id} and r.action <> 'error'
    order by r.seq, same desc nulls last, o.id
  `;
}

/**
 * Sorts each checked observation into create, update or unchanged by the observation that
 * already exists for its plot, variable, observed-on date and reading, remembering that
 * observation's version. With `staged`, right after staging (every checked row is a
 * create), only the rows that match an observation are rewritten.
 */
export async function classifyObservations(db: Kysely<Database>, id: string, opts: { notes: boolean; recordedBy: boolean; staged?: boolean }) {
  await sql`
    with m as (${matches(id, opts)})
    update import_rows r set
      target_id = m.id,
      target_version = m.version,
      action = case when m.id is null then 'create' when m.same then 'unchanged' else 'update' end
    from m
    where r.import_id = ${id} and r.seq = m.seq
  `.execute(db);
}

/** Why a previewed row can no longer be written as its preview said. */
export type StaleReason = 'plotDeleted' | 'variableRemoved' | 'beforePlanting' | 'changedSince' | 'deletedSince';

/**
 * The rows of a preview that others' writes since made wrong to commit, up to `limit`, in
 * file order: the plot was deleted; the trial no longer measures the variable; a date value
 * is now before the plot's planting date; the observation the row would update was written
 * (or one was created where the preview would create), so the file would overwrite a value
 * the preview never showed; or the observation the preview matched was deleted, so the file
 * would bring it back. A row whose value is now already stored is never stale.
 */
export async function listStaleObservationRows(db: Kysely<Database>, id: string, trialId: number, opts: { notes: boolean; recordedBy: boolean }, limit: number) {
  const r = await sql<{ rowNumber: number; columnName: string | null; reason: StaleReason; plot: string; variable: string; variableEn: string | null }>`
    with m as (${matches(id, opts)}),
    stale as (
      select r.seq, r.row_number, r.column_name, r.plot_id, r.variable_id,
        case
          when p.deleted_at is not null then 'plotDeleted'
          when tv.variable_id is null then 'variableRemoved'
          when r.value_date is not null and p.planted_on is not null and r.value_date < p.planted_on then 'beforePlanting'
          when m.id is null and r.action in ('update', 'unchanged') then 'deletedSince'
          when m.id is not null and not m.same and (r.action <> 'update' or r.target_id is distinct from m.id or r.target_version is distinct from m.version) then 'changedSince'
        end as reason
      from import_rows r
      join m on m.seq = r.seq
      join plots p on p.id = r.plot_id
      left join trial_variables tv on tv.trial_id = ${trialId} and tv.variable_id = r.variable_id
      where r.import_id = ${id} and r.action <> 'error'
    )
    select s.row_number, s.column_name, s.reason, p.label as plot, v.name as variable, v.name_en as variable_en
    from stale s join plots p on p.id = s.plot_id join variables v on v.id = s.variable_id
    where s.reason is not null
    order by s.seq
    limit ${limit}
  `.execute(db);
  return r.rows;
}

/**
 * A wide sheet gives a day's readings of a variable in order, left to right, without their
 * numbers (an export writes them so). Each row's reading becomes the number of the live
 * observation of the same rank that day, and readings beyond those already stored follow
 * the highest: after a delete left readings 1 and 3, the sheet's second column is reading
 * 3 again (unchanged), not a new reading 2. The rank is the row's order among the file's
 * rows of that plot, variable and day, so this can run again at commit.
 */
export async function numberDayReadings(db: Kysely<Database>, id: string) {
  await sql`
    with staged as (
      select r.seq, r.plot_id, r.variable_id, r.observed_on, r.reading,
        row_number() over (partition by r.plot_id, r.variable_id, coalesce(r.observed_on, 'infinity'::date) order by coalesce(r.reading, 1), r.seq)::int as k
      from import_rows r
      where r.import_id = ${id} and r.action <> 'error'
    ), numbered as (
      select s.seq,
        case when l.n = 0 then s.k when s.k <= l.n then l.readings[s.k] else l.top + s.k - l.n end as reading
      from staged s
      cross join lateral (
        select count(*)::int as n, max(o.reading) as top, array_agg(o.reading order by o.reading) as readings
        from observations o
        where o.plot_id = s.plot_id and o.variable_id = s.variable_id
          and coalesce(o.observed_on, 'infinity'::date) = coalesce(s.observed_on, 'infinity'::date)
          and o.deleted_at is null
      ) l
    )
    update import_rows r set reading = n.reading
    from numbered n
    where r.import_id = ${id} and r.seq = n.seq and r.reading is distinct from n.reading
  `.execute(db);
}

export async function countActions(db: Kysely<Database>, id: string) {
  const rows = await db
    .selectFrom('importRows')
    .select(['action', (eb) => eb.fn.countAll<number>().as('n')])
    .where('importId', '=', id)
    .groupBy('action')
    .execute();
  const out = { create: 0, update: 0, unchanged: 0, error: 0, pending: 0 };
  for (const r of rows) out[r.action] = Number(r.n);
  return out;
}

export async function countIssues(db: Kysely<Database>, id: string): Promise<number> {
  const r = await db
    .selectFrom('importIssues')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('importId', '=', id)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function listIssues(db: Kysely<Database>, id: string, limit: number) {
  return db
    .selectFrom('importIssues')
    .select(['rowNumber', 'columnName', 'key', 'params'])
    .where('importId', '=', id)
    .orderBy('rowNumber')
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** The first staged rows, with the value an update would replace. */
export function listPreviewRows(db: Kysely<Database>, id: string, limit: number) {
  return db
    .selectFrom('importRows as r')
    .leftJoin('observations as o', (j) => j.onRef('o.id', '=', 'r.targetId').on('r.plotId', 'is not', null))
    .select(['r.seq', 'r.rowNumber', 'r.columnName', 'r.action', 'r.shown', 'o.valueNumber', 'o.valueDate', 'o.valueText'])
    // What an update would write beside what is stored, for the preview's per-field changes.
    .select(['o.observedOn as storedObservedOn', 'o.recordedBy as storedRecordedBy', 'o.notes as storedNotes'])
    .select(['r.valueNumber as newValueNumber', 'r.valueDate as newValueDate', 'r.valueText as newValueText', 'r.observedOn as newObservedOn', 'r.recordedBy as newRecordedBy', 'r.notes as newNotes'])
    .select(sql<boolean>`o.value_number is not distinct from r.value_number and o.value_date is not distinct from r.value_date and o.value_text is not distinct from r.value_text`.as('sameValue'))
    .where('r.importId', '=', id)
    .orderBy('r.seq')
    .limit(limit)
    .execute();
}

/** The staged rows of a small import (plots, training sessions), in file order. */
export function listStagedRows(db: Kysely<Database>, id: string) {
  return db.selectFrom('importRows').selectAll().where('importId', '=', id).orderBy('seq').execute();
}

/** Writes the checked observations: one INSERT … SELECT and one UPDATE … FROM, whatever the size. */
export async function applyObservations(db: Kysely<Database>, id: string, opts: { notes: boolean; recordedBy: boolean }) {
  await sql`
    insert into observations (plot_id, variable_id, value_number, value_date, value_text, observed_on, reading, notes, recorded_by)
    select plot_id, variable_id, value_number, value_date, value_text, observed_on, coalesce(reading, 1), notes, recorded_by
    from import_rows where import_id = ${id} and action = 'create'
    order by seq
  `.execute(db);
  await sql`
    update observations o set
      value_number = r.value_number,
      value_date = r.value_date,
      value_text = r.value_text,
      notes = case when ${opts.notes} then r.notes else o.notes end,
      recorded_by = case when ${opts.recordedBy} then r.recorded_by else o.recorded_by end,
      version = o.version + 1,
      updated_at = now()
    from import_rows r
    where r.import_id = ${id} and r.action = 'update' and o.id = r.target_id
  `.execute(db);
}

/** The column mapping of the trial's last committed file of this kind, if any. */
export function findImportMapping(db: Kysely<Database>, trialId: number, kind: ImportKind) {
  return db.selectFrom('importMappings').select(['headerKeys', 'mapping']).where('trialId', '=', trialId).where('kind', '=', kind).executeTakeFirst();
}

/** Remembers a committed file's column mapping for the trial's next file of this kind. */
export async function saveImportMapping(db: Kysely<Database>, trialId: number, kind: ImportKind, headerKeys: string[], mapping: Record<string, string>) {
  const row = { trialId, kind, headerKeys: JSON.stringify(headerKeys), mapping: JSON.stringify(mapping), updatedAt: new Date() };
  await db
    .insertInto('importMappings')
    .values(row)
    .onConflict((oc) => oc.columns(['trialId', 'kind']).doUpdateSet({ headerKeys: row.headerKeys, mapping: row.mapping, updatedAt: row.updatedAt }))
    .execute();
}

/** Imports whose check is under way (or was cut short): who checks them and since when. */
export function listCheckingImports(db: Kysely<Database>) {
  return db.selectFrom('imports').select(['id', 'checkedBy', 'createdAt']).where('status', '=', 'checking').execute();
}

/** Marks these imports, if still being checked, as failed, and drops what they staged. */
export async function failCheckingImports(db: Kysely<Database>, ids: string[]): Promise<void> {
  await db.deleteFrom('importRows').where('importId', 'in', ids).execute();
  await db.deleteFrom('importIssues').where('importId', 'in', ids).execute();
  await db.updateTable('imports').set({ status: 'failed', checkedBy: null }).where('id', 'in', ids).where('status', '=', 'checking').execute();
}

/** Retires a preview that a newer one replaces (only one still ready or invalid). */
export async function expireImport(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('imports').set({ status: 'expired', source: null }).where('id', '=', id).where('status', 'in', ['ready', 'invalid']).execute();
}
