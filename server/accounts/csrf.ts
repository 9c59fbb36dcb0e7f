import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors.js';
import { PRE_SESSION_CSRF_COOKIE } from './authenticate.js';
import { sameSecret } from './secrets.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The token a request sent: `X-CSRF-Token` (fetch), the `_csrf` form field, or for a
 * multipart upload, whose body is read later by the route, `?_csrf=` in the form's action. */
function sentToken(req: Request): string | undefined {
  const header = req.get('x-csrf-token');
  if (header) return header;
  const field = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (typeof field === 'string') return field;
  if (req.is('multipart/form-data') && typeof req.query._csrf === 'string') return req.query._csrf;
  return undefined;
}

/**
 * CSRF protection for everything a browser's cookie authenticates: a changing request made
 * with a session must carry the session's synchronizer token; a form posted before there is
 * a session (login) must echo the pre-session cookie. Requests with an API token carry no
 * cookie-borne authority and need none. A mismatch is 403 and nothing runs.
 */
export function csrfProtection(): RequestHandler {
  return (req, res, next) => {
    if (SAFE.has(req.method) || req.user?.via === 'token') return next();
    const sent = sentToken(req);
    let expected: string | undefined;
    if (req.user?.via === 'session') expected = res.locals.csrfToken;
    // Signing out without a session changes nothing (an expired session's last form).
    else if (req.path === '/logout') return next();
    else if (!req.path.startsWith('/api/')) expected = req.cookies?.[PRE_SESSION_CSRF_COOKIE];
    else return next();
    if (!sent || !expected || !sameSecret(sent, expected)) throw new AppError(403, 'CsrfTokenInvalid');
    next();
  };
}
