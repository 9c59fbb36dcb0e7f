import { Router } from 'express';
import type { Kysely } from 'kysely';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import * as trials from '../trials/trials.service.js';
import { langOf, nameIn, tr } from './labels.js';

const PUBLIC = new URL('../../public/', import.meta.url);
/** The page shell the service worker keeps: styles, scripts and icons, under /static/. */
const SHELL = ['app.css', 'app.js', 'offline.js', 'icons/icon-192.png', 'icons/icon-512.png'];

/**
 * The service worker (built by scripts/build-offline.ts from client/sw.ts) with the list of
 * shell files to precache, each with a hash of its content, put in front: when a file
 * changes, so does the worker, and browsers fetch the new file.
 */
function serviceWorkerScript(): string {
  const precache = SHELL.map((f) => ({ url: `/static/${f}`, revision: createHash('sha256').update(readFileSync(new URL(f, PUBLIC))).digest('hex').slice(0, 16) }));
  return `self.__PRECACHE=${JSON.stringify(precache)};\n${readFileSync(new URL('sw.js', PUBLIC), 'utf8')}`;
}

/**
 * What makes a trial's page an installable app that opens offline: the service worker,
 * served from the root so that it may control every page, and a web app manifest per trial
 * whose start URL is the trial's page.
 */
export function offlinePages(db: Kysely<Database>): Router {
  const r = Router();
  const script = serviceWorkerScript();
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
