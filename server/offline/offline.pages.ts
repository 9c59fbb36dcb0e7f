import { Router } from 'express';
import type { Kysely } from 'kysely';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import * as trials from '../trials/trials.service.js';
import { langOf, nameIn, tr } from '../web/labels.js';
import type { Assets } from '../web/assets.js';
import { PUBLIC_DIR } from '../web/folders.js';

/** The page shell the service worker keeps: the styles, scripts and icons a trial page links. */
const SHELL = ['app.css', 'app.js', 'offline.js', 'entry.js', 'plot-link.js', 'icon.svg', 'apple-touch-icon.png', 'icons/icon-192.png', 'icons/icon-512.png'];

/**
 * The service worker (built by scripts/build-offline.ts from client/sw.ts) with the list of
 * shell files to precache put in front: their fingerprinted addresses, the ones the pages
 * link, which change with their content; so when a file changes, so does the worker, and
 * browsers fetch the new file.
 */
function serviceWorkerScript(assets: Assets): string {
  const precache = SHELL.map((f) => ({ url: assets.url(f), revision: null }));
  return `self.__PRECACHE=${JSON.stringify(precache)};\n${readFileSync(join(PUBLIC_DIR, 'sw.js'), 'utf8')}`;
}

/**
 * What makes a trial's page an installable app that opens offline: the service worker,
 * served from the root so that it may control every page, and a web app manifest per trial
 * whose start URL is the trial's page.
 */
export function offlinePages(db: Kysely<Database>, assets: Assets): Router {
  const r = Router();
  const script = serviceWorkerScript(assets);
  r.get('/sw.js', (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    res.set('Service-Worker-Allowed', '/');
    res.type('text/javascript').send(script);
  });
  r.get('/trials/:id/manifest.webmanifest', async (req, res) => {
    const lang = langOf(res);
    const id = paramId(req, 'TrialNotFound');
    const detail = await trials.getTrial(db, id);
    const name = nameIn(lang, detail.trial);
    res.type('application/manifest+json').json({
      id: `/trials/${id}`,
      name: `${name} · ${tr(lang, 'app.name')}`,
      short_name: name.length > 12 ? name.slice(0, 12) : name,
      lang: lang === 'en' ? 'en' : 'zh-CN',
      start_url: `/trials/${id}`,
      scope: '/',
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: '#2f6b3a',
      icons: [
        { src: '/static/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: '/static/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: '/static/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    });
  });
  return r;
}
