import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { listProjects, projectDto } from './projects.service.js';
import { listSites } from '../sites/sites.service.js';
import { listTrials } from '../trials/trials.service.js';
import { enumLabel, langOf, nameIn, otherName, period, tr } from '../web/labels.js';
import { sendPage, type Renderer } from '../web/render.js';
import { projectTraining, trialCards } from '../web/summaries.js';

/** The home page: every project with its headline results and training progress. */
export function homePages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();
  r.get('/', async (_req, res) => {
    const lang = langOf(res);
    const projects = await Promise.all(
      (await listProjects(db)).map(async (row) => {
        const p = projectDto(row);
        const [sites, trials, training] = await Promise.all([listSites(db, p.id), listTrials(db, p.id), projectTraining(db, p.id, lang)]);
        return {
          id: p.id,
          name: nameIn(lang, p),
          otherName: otherName(lang, p),
          category: enumLabel(lang, 'category', p.category),
          leadOrganisation: p.leadOrganisation,
          period: period(p.startsOn, p.endsOn),
          isDemo: p.isDemo,
          siteCount: sites.length,
          trials: await trialCards(db, trials, lang),
          training,
        };
      }),
    );
    sendPage(res, renderer, 'home/index', { title: tr(lang, 'nav.home'), projects });
  });
  return r;
}
