import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { extname, join, sep } from 'node:path';
import { PUBLIC_DIR } from './folders.js';
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync } from 'node:zlib';

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
import { Router, type Request, type Response } from 'express';


const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};
/** Types worth compressing (PNG and ICO here are already compressed). */
const TEXT = new Set(['.css', '.js', '.svg', '.webmanifest', '.ico']);

interface Asset {
  type: string;
  hash: string;
  raw: Buffer;
  gzip?: Buffer;
  br?: Buffer;
}

/** A year: fingerprinted files never change under their address. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The plain address (old bookmarks, /favicon.ico) is checked again after a day. */
const SHORT = 'public, max-age=86400';

/**
 * The files of public/, read once at start, compressed once (brotli and gzip) and served
 * from memory: `/static/app.3f2a9c1b.css` (content hash in the name) for a year, `/static/app.css`
 * for a day. Templates link the fingerprinted address with `{{asset "app.css"}}`.
 *
 * @example assets.url('app.css') // => '/static/app.3f2a9c1b.css'
 */
export function loadAssets() {
  const byName = new Map<string, Asset>();
  // Files of public/ and its folders (icons/), by their path below it.
  const names = (readdirSync(PUBLIC_DIR, { recursive: true }) as string[]).map((n) => n.split(sep).join('/'));
  for (const name of names) {
    const ext = extname(name);
    const type = TYPES[ext];
    if (!type) continue;
    const raw = readFileSync(join(PUBLIC_DIR, name));
    const hash = createHash('sha256').update(raw).digest('hex').slice(0, 10);
    const asset: Asset = { type, hash, raw };
    if (TEXT.has(ext)) {
      asset.gzip = gzipSync(raw, { level: 9 });
      asset.br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
    }
    byName.set(name, asset);
  }
  const fingerprinted = (name: string, a: Asset) => name.replace(/(\.[^.]+)$/, `.${a.hash}$1`);
  const byAddress = new Map<string, { asset: Asset; cache: string }>();
  for (const [name, asset] of byName) {
    byAddress.set(`/static/${name}`, { asset, cache: SHORT });
    byAddress.set(`/static/${fingerprinted(name, asset)}`, { asset, cache: IMMUTABLE });
  }
  for (const icon of ['favicon.ico', 'apple-touch-icon.png']) {
    const a = byName.get(icon);
    if (a) byAddress.set(`/${icon}`, { asset: a, cache: SHORT });
  }

  return {
    /** The fingerprinted address of a file of public/. */
    url(name: string): string {
      const a = byName.get(name);
      if (!a) throw new Error(`no file public/${name}`);
      return `/static/${fingerprinted(name, a)}`;
    },
    /** Answers GET and HEAD for the files (no account needed: they hold nothing private). */
    router(): Router {
      const r = Router();
      r.use((req: Request, res: Response, next) => {
        if (req.method !== 'GET' && req.method !== 'HEAD') return next();
        const hit = byAddress.get(req.path);
        if (!hit) return next();
        const { asset, cache } = hit;
        const etag = `"${asset.hash}"`;
        res.set({ 'Cache-Control': cache, ETag: etag, 'Content-Type': asset.type, Vary: 'Accept-Encoding' });
        if (req.get('if-none-match') === etag) return res.status(304).end();
        const encoding = asset.br ? preferredEncoding(req) : 'identity';
        const body = encoding === 'br' ? asset.br! : encoding === 'gzip' ? asset.gzip! : asset.raw;
        if (encoding === 'br' || encoding === 'gzip') res.set('Content-Encoding', encoding);
        res.set('Content-Length', String(body.length));
        if (req.method === 'HEAD') return res.status(200).end();
        res.status(200).end(body);
      });
      return r;
    },
  };
}
export type Assets = ReturnType<typeof loadAssets>;

/**
 * A page body compressed for the client: brotli or gzip when accepted, else unchanged. Small
 * bodies stay as they are. The levels are the fast ones: on a 540 KB trial page brotli 4 and
 * gzip 2 take about a third of the time of brotli 5 and gzip 6 for 8% and 17% more bytes
 * (16 against 15 KB, 30 against 26 KB), which a phone fetches in less time than was saved.
 */
export async function compressFor(req: Request, body: string | Buffer): Promise<{ body: Buffer | string; encoding?: 'br' | 'gzip' }> {
  // Compressed on libuv's thread pool, not the event loop: a large page (a trial's grid is
  // 800 KB of HTML) would otherwise hold every other request for the time it takes.
  if (body.length < 512) return { body };
  const encoding = preferredEncoding(req);
  if (encoding === 'br') return { body: await brotliAsync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }), encoding };
  if (encoding === 'gzip') return { body: await gzipAsync(body, { level: 2 }), encoding };
  return { body };
}

/** Brotli when the client takes it, else gzip, else none: ours to choose among equals. */
function preferredEncoding(req: Request): 'br' | 'gzip' | 'identity' {
  const accepted = req.acceptsEncodings();
  if (accepted.includes('br')) return 'br';
  if (accepted.includes('gzip')) return 'gzip';
  return 'identity';
}
