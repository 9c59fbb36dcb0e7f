import type { Lang } from '../i18n/i18n.js';
import { nameIn, tr } from './labels.js';

export interface Crumb {
  href: string;
  label: string;
}

type Named = { id: number; name: string; nameEn?: string | null };

/**
 * The trail above a page: home, then the project and the trial it belongs to (each when
 * given, named in the page's language), then any further steps.
 * @example crumbs(lang, { project, trial }) // => home › 黑木耳示范 › 2017 产量对比
 */
export function crumbs(lang: Lang, at: { project?: Named; trial?: Named; trialHref?: string }, ...more: Crumb[]): Crumb[] {
  const out: Crumb[] = [{ href: '/', label: tr(lang, 'nav.home') }];
  if (at.project) out.push({ href: `/projects/${at.project.id}`, label: nameIn(lang, at.project) });
  if (at.trial) out.push({ href: at.trialHref ?? `/trials/${at.trial.id}`, label: nameIn(lang, at.trial) });
  return out.concat(more);
}
