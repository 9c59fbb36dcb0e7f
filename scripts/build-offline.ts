/**
 * Builds the two browser scripts of offline entry from client/ into public/ (both committed,
 * so `npm ci && npm start` needs no build): public/sw.js (the service worker, with Workbox)
 * and public/offline.js (the trial page's queue, with idb). Run `npm run build:offline` after
 * changing client/.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = { bundle: true, minify: true, legalComments: 'none' as const, target: 'es2020', absWorkingDir: root };
await build({ ...common, entryPoints: ['client/sw.ts'], outfile: 'public/sw.js', format: 'iife', define: { 'process.env.NODE_ENV': '"production"' } });
await build({ ...common, entryPoints: ['client/offline.ts'], outfile: 'public/offline.js', format: 'iife' });
console.log('built public/sw.js and public/offline.js');
