/// <reference lib="webworker" />
/**
 * The service worker of the trial pages: it keeps the page shell (styles, scripts, icons)
 * and every trial page opened online, so that a trial's page opens with no network, and it
 * wakes the page's queue when the browser's Background Sync says the network is back.
 *
 * The list of files to precache, with a hash of each, is put in front of this script by the
 * server (`self.__PRECACHE`), so the worker changes whenever a file it keeps changes.
 */
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';
import type { WorkboxPlugin } from 'workbox-core/types.js';

declare const self: ServiceWorkerGlobalScope & { __PRECACHE?: { url: string; revision: string | null }[] };

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

cleanupOutdatedCaches();
precacheAndRoute(self.__PRECACHE ?? []);

const PAGES = 'demoplot-trial-pages';

/** Keeps only real answers: never the sign-in page that a lapsed session is redirected to. */
const onlyTheTrialPage: WorkboxPlugin = {
  cacheWillUpdate: async ({ response }) => (response.status === 200 && !response.redirected ? response : null),
  /** Offline, a page opened with a one-time notice (?saved=3) falls back to the plain page. */
  handlerDidError: async ({ request }) => {
    const url = new URL(request.url);
    const cache = await caches.open(PAGES);
    const exact = await cache.match(request, { ignoreVary: true });
    if (exact) return exact;
    for (const keep of ['site', 'var', 'page']) if (url.searchParams.has(keep)) return (await cache.match(`${url.pathname}?${keep}=${url.searchParams.get(keep)}`)) ?? undefined;
    return (await cache.match(url.pathname, { ignoreVary: true })) ?? undefined;
  },
};

// A trial's page (and its site, variable and page views) and its app manifest: the network
// when it answers within a few seconds, the copy from the last visit otherwise.
registerRoute(
  ({ url, request }) => request.method === 'GET' && url.origin === self.location.origin && /^\/trials\/\d+(\/manifest\.webmanifest)?$/.test(url.pathname),
  new NetworkFirst({ cacheName: PAGES, networkTimeoutSeconds: 6, plugins: [onlyTheTrialPage] }),
);

// The grid sent online while the server cannot be reached after all: back to the trial's
// page (kept above), where the grid puts back what was typed and Save queues it.
registerRoute(
  ({ url, request }) => url.origin === self.location.origin && request.mode === 'navigate' && /^\/trials\/\d+\/observations$/.test(url.pathname),
  async ({ request, url }) => {
    try {
      return await fetch(request);
    } catch {
      return Response.redirect(`${url.pathname.replace(/\/observations$/, '')}#entry`, 303);
    }
  },
  'POST',
);

// Background Sync: ask the open trial pages to send their queue.
self.addEventListener('sync', (event: Event & { tag?: string; waitUntil?(p: Promise<unknown>): void }) => {
  if (event.tag !== 'demoplot-queue') return;
  event.waitUntil?.(
    self.clients.matchAll({ type: 'window' }).then((clients) => {
      for (const c of clients) c.postMessage({ type: 'demoplot-sync' });
    }),
  );
});
