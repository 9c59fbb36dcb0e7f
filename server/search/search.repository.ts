import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../../db/database.js';

/** `%text%` for ILIKE with the text's own `%`, `_` and `\` taken literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** `projectId in (…)`, or no condition when `projects` is undefined (an admin). */
function inProjects(column: string, projects: number[] | undefined): Expression<SqlBool> {
  if (!projects) return sql<SqlBool>`true`;
  if (!projects.length) return sql<SqlBool>`false`;
  return sql<SqlBool>`${sql.ref(column)} in (${sql.join(projects)})`;
}

const ilike = (column: string, pattern: string) => sql<SqlBool>`${sql.ref(column)} ilike ${pattern}`;
const anyIlike = (columns: string[], pattern: string) => sql<SqlBool>`(${sql.join(columns.map((c) => ilike(c, pattern)), sql` or `)})`;

export function findProjects(db: Kysely<Database>, pattern: string, projects: number[] | undefined, limit: number) {
  return db
    .selectFrom('projects as p')
    .select(['p.id', 'p.name', 'p.nameEn', 'p.code'])
    .where(anyIlike(['p.name', 'p.nameEn', 'p.code'], pattern))
    .where(inProjects('p.id', projects))
    .orderBy('p.id')
    .limit(limit)
    .execute();
}

export function findSites(db: Kysely<Database>, pattern: string, projects: number[] | undefined, limit: number) {
  return db
    .selectFrom('sites as s')
    .select(['s.id', 's.projectId', 's.name', 's.nameEn', 's.county', 's.township', 's.village'])
    .where(anyIlike(['s.name', 's.nameEn', 's.county', 's.township', 's.village'], pattern))
    .where(inProjects('s.projectId', projects))
    .orderBy('s.id')
    .limit(limit)
    .execute();
}

export function findTrials(db: Kysely<Database>, pattern: string, projects: number[] | undefined, limit: number) {
  return db
    .selectFrom('trials as t')
    .select(['t.id', 't.projectId', 't.name', 't.nameEn', 't.crop', 't.season'])
    .where('t.deletedAt', 'is', null)
    .where(anyIlike(['t.name', 't.nameEn', 't.crop'], pattern))
    .where(inProjects('t.projectId', projects))
    .orderBy('t.id')
    .limit(limit)
    .execute();
}

/** Plots by label; exact matches first. `trialId` narrows to one trial (the trial page's "go to plot"). */
export function findPlots(db: Kysely<Database>, text: string, pattern: string, projects: number[] | undefined, limit: number, trialId?: number) {
  let q = db
    .selectFrom('plots as p')
    .innerJoin('trials as t', 't.id', 'p.trialId')
    .innerJoin('sites as s', 's.id', 'p.siteId')
    .select(['p.id', 'p.trialId', 'p.siteId', 'p.label', 't.name as trialName', 't.nameEn as trialNameEn', 's.name as siteName', 's.nameEn as siteNameEn'])
    .where('p.deletedAt', 'is', null)
    .where('t.deletedAt', 'is', null)
    .where(ilike('p.label', pattern))
    .where(inProjects('t.projectId', projects));
  if (trialId !== undefined) q = q.where('p.trialId', '=', trialId);
  return q
    .orderBy(sql`lower(p.label) = lower(${text})`, 'desc')
    .orderBy('p.trialId')
    .orderBy('p.label')
    .limit(limit)
    .execute();
}

/**
 * Farmers by number (`12` or `#12`) and, when the account may read personal data, by name,
 * household or village. A viewer finds them by number only.
 */
export function findFarmers(db: Kysely<Database>, text: string, pattern: string, projects: number[] | undefined, limit: number, byName: boolean) {
  const number = /^#?(\d{1,9})$/.exec(text.trim())?.[1];
  const conditions: Expression<SqlBool>[] = [];
  if (number) conditions.push(sql<SqlBool>`f.id = ${Number(number)}`);
  if (byName) conditions.push(anyIlike(['f.name', 'f.household', 'f.village'], pattern));
  if (!conditions.length) return Promise.resolve([]);
  return db
    .selectFrom('farmers as f')
    .select(['f.id', 'f.projectId', 'f.name', 'f.village', 'f.household', 'f.gender'])
    .where('f.deletedAt', 'is', null)
    .where(sql<SqlBool>`(${sql.join(conditions, sql` or `)})`)
    .where(inProjects('f.projectId', projects))
    .orderBy('f.id')
    .limit(limit)
    .execute();
}

export function findSessions(db: Kysely<Database>, pattern: string, projects: number[] | undefined, limit: number) {
  return db
    .selectFrom('trainingSessions as t')
    .select(['t.id', 't.projectId', 't.heldOn', 't.kind', 't.topic', 't.village', 't.trainer', 't.attendance'])
    .where('t.deletedAt', 'is', null)
    .where(anyIlike(['t.topic', 't.village', 't.trainer'], pattern))
    .where(inProjects('t.projectId', projects))
    .orderBy('t.heldOn', 'desc')
    .orderBy('t.id', 'desc')
    .limit(limit)
    .execute();
}
