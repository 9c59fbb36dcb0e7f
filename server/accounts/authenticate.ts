import type { Request, RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { actors } from '../../db/actor.js';
import { runWithUser, type SignedIn } from './access.js';
import { sessionUser, tokenUser } from './accounts.service.js';
import { randomSecret } from './secrets.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The signed-in account (null when anonymous); set by `authenticate`. */
      user?: SignedIn | null;
      /** Why credentials that were sent were not accepted. */
      authError?: 'InvalidToken';
      /** The reason given for this change (see `changeReason`), taken out of the body; a form
       * shown again after an error fills its reason field from here. */
      changeReason?: string | null;
    }
  }
}

export const SESSION_COOKIE = 'demoplot_session';
/** Double-submit token for forms shown before there is a session (the login form). */
export const PRE_SESSION_CSRF_COOKIE = 'demoplot_csrf';

/** Cookies are Secure in production and whenever the request came over https. */
export function cookieOptions(req: Request, production: boolean) {
  return { httpOnly: true, sameSite: 'lax' as const, secure: production || req.secure, path: '/' };
}

/**
 * Finds who is asking: an `Authorization: Bearer` API token, else the session cookie. Sets
 * `req.user` (null when anonymous), `res.locals.user` for pages and `res.locals.csrfToken`
 * (the session's, or a pre-session one for the login form). Decides nothing: `authorize` does.
 */
export function authenticate(db: Kysely<Database>, production: boolean): RequestHandler {
  return async (req, res, next) => {
    req.user = null;
    const header = req.get('authorization');
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const user = m ? await tokenUser(db, m[1]) : undefined;
      if (user) req.user = user;
      else req.authError = 'InvalidToken';
    } else {
      const cookie = req.cookies?.[SESSION_COOKIE];
      const found = typeof cookie === 'string' && cookie ? await sessionUser(db, cookie) : undefined;
      if (found) {
        const { csrfToken, ...user } = found;
        req.user = user;
        res.locals.csrfToken = csrfToken;
      } else {
        if (cookie) res.clearCookie(SESSION_COOKIE, cookieOptions(req, production));
        if (!req.path.startsWith('/api/')) res.locals.csrfToken = preSessionToken(req, res, production);
      }
    }
    if (req.user) res.locals.user = { id: req.user.id, name: req.user.name, email: req.user.email, role: req.user.role };
    next();
  };
}

function preSessionToken(req: Request, res: Response, production: boolean): string {
  const existing = req.cookies?.[PRE_SESSION_CSRF_COOKIE];
  if (typeof existing === 'string' && /^[\w-]{40,}$/.test(existing)) return existing;
  const token = randomSecret();
  res.cookie(PRE_SESSION_CSRF_COOKIE, token, { ...cookieOptions(req, production), sameSite: 'strict' });
  return token;
}

const REASON_MAX = 500;

/**
 * The reason given for a change: the `X-Change-Reason` header (percent-encoded when it is not
 * plain ASCII), a `reason` field in a JSON PATCH or DELETE, or a `_reason` form field. The
 * field is taken out of the body so the feature's schema never sees it.
 */
export function changeReason(req: Request): string | null {
  let reason: unknown = req.get('x-change-reason');
  if (typeof reason === 'string') {
    try {
      reason = decodeURIComponent(reason);
    } catch {
      /* not percent-encoded: keep as sent */
    }
  }
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const key of ['_reason', ...(req.method === 'PATCH' || req.method === 'DELETE' || /\/(restore|lock|unlock)$/.test(req.path) ? ['reason'] : [])]) {
      if (typeof body[key] === 'string') {
        reason ??= body[key];
        delete body[key];
      }
    }
  }
  if (typeof reason !== 'string') return null;
  const trimmed = reason.trim().slice(0, REASON_MAX);
  return trimmed || null;
}

/**
 * Runs the rest of the request with its account and reason known: services read the account
 * (project visibility, personal data) and every database connection taken for the request
 * carries the actor for the audit triggers. Goes after the body parsers, whose callbacks
 * would otherwise leave the context behind.
 */
export function requestContext(): RequestHandler {
  return (req, _res, next) => {
    const user = req.user ?? null;
    req.changeReason = changeReason(req);
    actors.run({ userId: user?.id ?? null, reason: req.changeReason }, () => runWithUser(user, next));
  };
}
