import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError } from '../errors.js';
import { translate, type Lang } from '../i18n/i18n.js';
import { sendPage, type Renderer } from '../web/render.js';
import { checkCredentials, createSession, endSession } from './accounts.service.js';
import { cookieOptions, SESSION_COOKIE } from './authenticate.js';

/** Only a local path may follow a login: never another site, never `//host`. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

/** The login form, signing in (a session in the database, its cookie) and signing out. */
export function loginPages(db: Kysely<Database>, renderer: Renderer, production: boolean): Router {
  const r = Router();
  const show = (res: Parameters<typeof sendPage>[0], values: { email: string; next: string }, error?: string, status = 200) => {
    const lang: Lang = res.locals.lang ?? 'zh';
    sendPage(res, renderer, 'accounts/login', { title: translate(lang, 'account.login'), values, error, bodyClass: 'login' }, status);
  };

  r.get('/login', (req, res) => {
    const next = safeNext(req.query.next);
    if (req.user) return res.redirect(303, next);
    show(res, { email: '', next });
  });

  r.post('/login', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.trim().toLowerCase() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const next = safeNext(body.next);
    const lang: Lang = res.locals.lang ?? 'zh';
    try {
      const user = await checkCredentials(db, email, password, req.ip ?? '');
      const session = await createSession(db, user.id);
      res.cookie(SESSION_COOKIE, session.cookie, { ...cookieOptions(req, production), expires: session.expiresAt });
      res.redirect(303, next);
    } catch (err) {
      if (!(err instanceof AppError) || (err.status !== 401 && err.status !== 429)) throw err;
      res.set(err.headers);
      show(res, { email, next }, translate(lang, err.messageKey, err.params), err.status);
    }
  });

  r.post('/logout', async (req, res) => {
    const cookie = req.cookies?.[SESSION_COOKIE];
    if (typeof cookie === 'string' && cookie) await endSession(db, cookie);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req, production));
    res.redirect(303, '/login');
  });
  return r;
}
