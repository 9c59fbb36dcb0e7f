import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { hasPermission } from '../accounts/access.js';
import { search, SEARCH_KINDS, SEARCH_LIMIT, type SearchKind } from './search.service.js';
import { enumLabel, langOf, listOf, nameIn, tr } from '../web/labels.js';
import { sendPage, type Renderer } from '../web/render.js';
import type { MessageKey } from '../i18n/i18n.js';

const HEADINGS: Record<SearchKind, MessageKey> = {
  projects: 'search.kind.projects',
  sites: 'search.kind.sites',
  trials: 'search.kind.trials',
  plots: 'search.kind.plots',
  farmers: 'search.kind.farmers',
  trainingSessions: 'search.kind.trainingSessions',
};

/** Where a plot is on its trial page: its site's part of the grid, at its row. */
const plotHref = (p: { trialId: number; siteId: number; id: number }) => `/trials/${p.trialId}?site=${p.siteId}#plot-${p.id}`;

/**
 * `GET /search?q=`: the header's search as a page, a section per kind of record. With
 * `trial=` it is the trial page's "go to plot": one plot with exactly that label opens at
 * its row; otherwise the matching plots of the trial are listed.
 */
export function searchPages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();
  r.get('/search', async (req, res) => {
    const lang = langOf(res);
    const q = typeof req.query.q === 'string' ? req.query.q : '';
    const trialId = typeof req.query.trial === 'string' && /^\d{1,9}$/.test(req.query.trial) ? Number(req.query.trial) : undefined;
    const result = await search(db, q, { trialId });
    if (trialId !== undefined) {
      const exact = result.plots.filter((p) => p.label.toLowerCase() === result.query.toLowerCase());
      if (exact.length === 1) return res.redirect(303, plotHref(exact[0]));
      if (result.plots.length === 1) return res.redirect(303, plotHref(result.plots[0]));
    }
    const user = req.user!;
    const manages = hasPermission(user, 'manage');
    const item = (kind: SearchKind, row: Record<string, any>): { href: string; label: string; detail: string } => {
      switch (kind) {
        case 'projects':
          return { href: `/projects/${row.id}`, label: nameIn(lang, row as { name: string }), detail: row.code ?? '' };
        case 'sites':
          return { href: `/projects/${row.projectId}#sites`, label: nameIn(lang, row as { name: string }), detail: listOf(lang, [row.county, row.township, row.village] as (string | null)[], ' · ') };
        case 'trials':
          return { href: `/trials/${row.id}`, label: nameIn(lang, row as { name: string }), detail: listOf(lang, [row.crop as string | null, row.season as string | null], ' · ') };
        case 'plots':
          return {
            href: plotHref(row as { trialId: number; siteId: number; id: number }),
            label: row.label,
            detail: `${nameIn(lang, { name: row.trialName, nameEn: row.trialNameEn })} · ${nameIn(lang, { name: row.siteName, nameEn: row.siteNameEn })}`,
          };
        case 'farmers':
          return {
            href: `/projects/${row.projectId}/farmers?q=${encodeURIComponent(row.name)}`,
            label: row.name,
            detail: listOf(lang, [`#${row.id}`, row.village, row.household], ' · '),
          };
        case 'trainingSessions':
          return {
            href: manages ? `/training-sessions/${row.id}/edit` : `/projects/${row.projectId}/training#session-${row.id}`,
            label: row.topic,
            detail: listOf(lang, [row.heldOn, enumLabel(lang, 'trainingKind', row.kind), row.village, tr(lang, 'search.attendance', { count: row.attendance })], ' · '),
          };
      }
    };
    const sections = SEARCH_KINDS.map((kind) => {
      const list = result[kind] as Record<string, unknown>[];
      return { kind, heading: tr(lang, HEADINGS[kind]), items: list.slice(0, SEARCH_LIMIT).map((row) => item(kind, row)), more: list.length > SEARCH_LIMIT };
    }).filter((s) => s.items.length > 0);
    const total = sections.reduce((n, s) => n + s.items.length, 0);
    sendPage(res, renderer, 'search/index', {
      title: result.query ? tr(lang, 'search.titleFor', { q: result.query }) : tr(lang, 'search.title'),
      searchQuery: result.query,
      query: result.query,
      trialId,
      sections,
      total,
      summary: result.query ? tr(lang, 'search.count', { count: total, q: result.query }) : '',
      limit: SEARCH_LIMIT,
    });
  });
  return r;
}
