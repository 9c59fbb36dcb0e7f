import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/** What a route's `:id` names, for the permission check. */
export type Scope = 'project' | 'site' | 'trial' | 'plot' | 'observation' | 'farmer' | 'trainingSession' | 'import' | 'layout' | 'rectification' | 'photo';

export interface Target {
  projectId: number;
  trialId: number | null;
  lockedAt: Date | null;
  /** What an import imports. */
  kind?: string;
  /** A trial's data version (trial scope only; null when it has none yet), read in the same
   * query so a cached report needs no other round trip. */
  dataVersion?: number | null;
}

const INTEGER_ID = /^\d{1,9}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The project (and trial, with its lock) that a record belongs to, deleted or not. */
export async function findTarget(db: Kysely<Database>, scope: Scope, raw: string): Promise<Target | undefined> {
  if (scope === 'import' ? !UUID.test(raw) : !INTEGER_ID.test(raw) || Number(raw) === 0) return undefined;
  const id = scope === 'import' ? raw : Number(raw);
  const query = {
    project: sql`select id as project_id, null::integer as trial_id, null::timestamptz as locked_at from projects where id = ${id}`,
    site: sql`select project_id, null::integer as trial_id, null::timestamptz as locked_at from sites where id = ${id}`,
    farmer: sql`select project_id, null::integer as trial_id, null::timestamptz as locked_at from farmers where id = ${id}`,
    trainingSession: sql`select project_id, null::integer as trial_id, null::timestamptz as locked_at from training_sessions where id = ${id}`,
    trial: sql`select t.project_id, t.id as trial_id, t.locked_at, v.version as data_version from trials t left join trial_data_versions v on v.trial_id = t.id where t.id = ${id}`,
    plot: sql`select t.project_id, t.id as trial_id, t.locked_at from plots p join trials t on t.id = p.trial_id where p.id = ${id}`,
    observation: sql`select t.project_id, t.id as trial_id, t.locked_at from observations o join plots p on p.id = o.plot_id join trials t on t.id = p.trial_id where o.id = ${id}`,
    layout: sql`select t.project_id, t.id as trial_id, t.locked_at from layouts l join trials t on t.id = l.trial_id where l.id = ${id}`,
    photo: sql`select t.project_id, t.id as trial_id, t.locked_at from photos ph join plots p on p.id = ph.plot_id join trials t on t.id = p.trial_id where ph.id = ${id}`,
    import: sql`select i.project_id, i.trial_id, t.locked_at, i.kind from imports i left join trials t on t.id = i.trial_id where i.id = ${id}`,
    rectification: sql`select i.project_id, null::integer as trial_id, null::timestamptz as locked_at from rectifications r join inspections i on i.id = r.inspection_id where r.id = ${id}`,
  }[scope];
  const { rows } = await (query as ReturnType<typeof sql<Target>>).execute(db);
  return rows[0];
}
