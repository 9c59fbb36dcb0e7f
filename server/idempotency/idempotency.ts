import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError } from '../errors.js';
import * as repo from './idempotency.repository.js';

/** The header an API client sends; a page's form sends the same key as this field. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const IDEMPOTENCY_FIELD = '_idempotencyKey';

const KEY = /^[\x21-\x7e]{1,200}$/;
/** Response headers replayed with the stored body. */
const KEPT_HEADERS = ['content-type', 'location', 'x-next-after'];
const POLL_MS = 40;
const WAIT_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function requestHash(method: string, url: string, body: unknown): string {
  let b = body;
  if (b && typeof b === 'object' && !Array.isArray(b)) {
    const { _csrf: _c, [IDEMPOTENCY_FIELD]: _k, ...rest } = b as Record<string, unknown>;
    b = rest;
  }
  return createHash('sha256').update(`${method} ${url}\n${JSON.stringify(b ?? null)}`).digest('hex');
}

function replay(res: Response, row: { responseStatus: number | null; responseHeaders: Record<string, string> | null; responseBody: string | null }) {
  res.status(row.responseStatus!);
  for (const [k, v] of Object.entries(row.responseHeaders ?? {})) res.setHeader(k, v);
  res.setHeader('Idempotent-Replayed', 'true');
  res.end(Buffer.from(row.responseBody ?? '', 'base64'));
}

let lastSweep = 0;

/**
 * Makes a creating POST safe to repeat. A request carrying an `Idempotency-Key` header (or,
 * from a page's form, an `_idempotencyKey` field) runs once per key and account: a repeat
 * — also one sent while the first is still running, from any process sharing the database —
 * answers the first response (marked `Idempotent-Replayed: true`) and writes nothing. The
 * same key with a different body is refused (422 IdempotencyKeyReused). A refused request
 * (status 400 and above) frees its key, so a corrected request may use it again. Keys are
 * kept 24 hours. Without a key the route runs as usual.
 *
 * Opt a route in by putting it before the handler:
 * @example r.post('/trials/:id/plots', idempotent(db), async (req, res) => { … })
 */
export function idempotent(db: Kysely<Database>): RequestHandler {
  return async (req, res, next) => {
    const fromForm = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>)[IDEMPOTENCY_FIELD] : undefined;
    const key = req.get(IDEMPOTENCY_HEADER) ?? (typeof fromForm === 'string' && fromForm ? fromForm : undefined);
    if (key === undefined) return next();
    try {
      if (!KEY.test(key)) throw new AppError(400, 'IdempotencyKeyInvalid');
      const scope = `${req.user?.id ?? 'anonymous'}`;
      const hash = requestHash(req.method, req.originalUrl, req.body);
      if (Date.now() - lastSweep > 60_000) {
        lastSweep = Date.now();
        await repo.deleteExpiredKeys(db);
      }
      const started = Date.now();
      for (;;) {
        if (await repo.claimKey(db, scope, key, hash)) break;
        const row = await repo.findKey(db, scope, key);
        if (row && row.requestHash !== hash) throw new AppError(422, 'IdempotencyKeyReused');
        if (row && row.responseStatus !== null) return replay(res, row);
        if (Date.now() - started > WAIT_MS) throw new AppError(409, 'IdempotencyKeyInProgress');
        if (row) await sleep(POLL_MS);
      }
      capture(db, res, scope, key);
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Stores the response before it leaves (so a repeat that arrives after it finds it), or
 * frees the key when the request was refused. */
function capture(db: Kysely<Database>, res: Response, scope: string, key: string) {
  const chunks: Buffer[] = [];
  const toBuffer = (c: unknown, enc?: unknown) => (Buffer.isBuffer(c) ? c : Buffer.from(String(c), typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8'));
  const write = res.write.bind(res) as (...a: unknown[]) => boolean;
  const end = res.end.bind(res) as (...a: unknown[]) => Response;
  res.write = ((chunk: unknown, enc?: unknown, cb?: unknown) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(toBuffer(chunk, enc));
    return write(chunk, enc, cb);
  }) as Response['write'];
  res.end = ((chunk?: unknown, enc?: unknown, cb?: unknown) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') chunks.push(toBuffer(chunk, enc));
    const status = res.statusCode;
    const headers: Record<string, string> = {};
    for (const h of KEPT_HEADERS) {
      const v = res.getHeader(h);
      if (v !== undefined) headers[h] = String(v);
    }
    const saving = status < 400 ? repo.completeKey(db, scope, key, { status, headers, body: Buffer.concat(chunks).toString('base64') }) : repo.releaseKey(db, scope, key);
    saving.then(
      () => end(chunk, enc, cb),
      (err) => {
        console.error(err);
        end(chunk, enc, cb);
      },
    );
    return res;
  }) as Response['end'];
}
