import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { idempotent } from '../idempotency/idempotency.js';
import { paramId } from '../http.js';
import { sheetWriter } from '../imports/sheet-writer.js';
import { listPlots } from '../plots/plots.repository.js';
import { listSites } from '../sites/sites.repository.js';
import { getTrial } from '../trials/trials.service.js';
import { plotUrl, publicBase } from './plot-labels.js';
import { parseOrThrow } from '../validation.js';
import { LayoutInput, RerandomiseInput } from './layouts.schemas.js';
import * as service from './layouts.service.js';

/** Designed layouts: a preview, then a commit that creates the plots. */
export function layoutsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.get('/trials/:id/layouts', async (req, res) => {
    res.json(await service.listLayouts(db, paramId(req, 'TrialNotFound')));
  });
  r.post('/trials/:id/layouts', idempotent(db), async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    res.status(201).json(await service.createLayout(db, trialId, parseOrThrow(LayoutInput, req.body ?? {})));
  });
  r.get('/layouts/:id', async (req, res) => {
    res.json(await service.getLayout(db, paramId(req, 'LayoutNotFound')));
  });
  r.post('/layouts/:id/commit', idempotent(db), async (req, res) => {
    const { created, layout } = await service.commitLayout(db, paramId(req, 'LayoutNotFound'));
    res.status(created ? 201 : 200).json(layout);
  });
  r.post('/layouts/:id/rerandomise', async (req, res) => {
    const { seed } = parseOrThrow(RerandomiseInput, req.body ?? {});
    res.json(await service.rerandomiseLayout(db, paramId(req, 'LayoutNotFound'), seed));
  });
  /** Plot labels for label printers: one row per plot with the QR code's text (`url`). */
  r.get('/trials/:id/labels.csv', async (req, res) => {
    const trial = await getTrial(db, paramId(req, 'TrialNotFound'));
    const siteId = typeof req.query.site === 'string' && /^\d+$/.test(req.query.site) ? Number(req.query.site) : undefined;
    const sites = new Map((await listSites(db, trial.trial.projectId)).map((s) => [s.id, s.name]));
    const plots = (await listPlots(db, trial.trial.id)).filter((p) => siteId === undefined || p.siteId === siteId);
    const base = publicBase(req);
    const writer = await sheetWriter(res, ['label', 'site', 'arm', 'block', 'row', 'column', 'url'], {
      format: 'csv',
      fileName: `trial-${trial.trial.id}-labels.csv`,
      fallbackName: `trial-${trial.trial.id}-labels.csv`,
    });
    for (const p of plots) await writer.row([p.label, sites.get(p.siteId), p.arm, p.block, p.row === null ? null : String(p.row), p.column === null ? null : String(p.column), plotUrl(base, trial.trial.id, p.label)]);
    await writer.end();
  });
  return r;
}
