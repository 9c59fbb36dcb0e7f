import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { mayReadPersonalData, visibleProjectIds } from '../accounts/access.js';
import * as repo from './search.repository.js';

/** Hits per kind; the page says when a kind has more. */
export const SEARCH_LIMIT = 20;
/** Queries are cut to this many characters. */
export const MAX_QUERY = 100;

export type SearchKind = 'projects' | 'sites' | 'trials' | 'plots' | 'farmers' | 'trainingSessions';
export const SEARCH_KINDS: readonly SearchKind[] = ['projects', 'sites', 'trials', 'plots', 'farmers', 'trainingSessions'];

/**
 * Everything the current account may see whose name, label, topic or number contains the
 * text (case-insensitive): projects, sites, trials, plots (by label), farmers (by number,
 * and by name, household or village for roles that may read personal data; a viewer sees
 * `#id` for the name) and training sessions. Each list is cut at SEARCH_LIMIT + 1 rows so
 * the caller can say "more".
 *
 * @example search(db, '示范1') // => { query: '示范1', plots: [{ label: '什托-示范1', … }], … }
 */
export async function search(db: Kysely<Database>, raw: string, opts: { trialId?: number } = {}) {
  const query = raw.trim().slice(0, MAX_QUERY);
  const empty = { query, projects: [], sites: [], trials: [], plots: [], farmers: [], trainingSessions: [] };
  if (!query) return empty;
  const projects = visibleProjectIds();
  const personal = mayReadPersonalData();
  const pattern = repo.likePattern(query);
  const n = SEARCH_LIMIT + 1;
  if (opts.trialId !== undefined) {
    return { ...empty, plots: await repo.findPlots(db, query, pattern, projects, n, opts.trialId) };
  }
  const [p, s, t, pl, f, ts] = await Promise.all([
    repo.findProjects(db, pattern, projects, n),
    repo.findSites(db, pattern, projects, n),
    repo.findTrials(db, pattern, projects, n),
    repo.findPlots(db, query, pattern, projects, n),
    repo.findFarmers(db, query, pattern, projects, n, personal),
    repo.findSessions(db, pattern, projects, n),
  ]);
  return {
    query,
    projects: p,
    sites: s,
    trials: t,
    plots: pl,
    farmers: f.map((x) => (personal ? x : { ...x, name: `#${x.id}`, household: null })),
    trainingSessions: ts,
  };
}
export type SearchResult = Awaited<ReturnType<typeof search>>;
