import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import { parseOrThrow } from '../validation.js';
import { TokenInput, UserInput, UserPatch } from './accounts.schemas.js';
import * as service from './accounts.service.js';

/** Accounts (admin), API tokens (each account its own) and the current account. */
export function accountsApi(db: Kysely<Database>): Router {
  const r = Router();
  r.post('/tokens', async (req, res) => {
    const input = parseOrThrow(TokenInput, req.body);
    const user = await service.checkCredentials(db, input.email, input.password, req.ip ?? '');
    res.status(201).json(await service.createToken(db, user.id, input.name ?? null));
  });
  r.get('/tokens', async (req, res) => {
    res.json(await service.listTokens(db, req.user!.id));
  });
  r.delete('/tokens/:id', async (req, res) => {
    await service.revokeToken(db, req.user!, paramId(req, 'TokenNotFound'));
    res.status(204).end();
  });
  /** The current account; with a session also its CSRF token, for scripts that use fetch(). */
  r.get('/me', async (req, res) => {
    const me = await service.getUser(db, req.user!.id);
    res.json(req.user!.via === 'session' ? { ...me, csrfToken: res.locals.csrfToken } : me);
  });
  r.get('/users', async (_req, res) => {
    res.json(await service.listUsers(db));
  });
  r.post('/users', async (req, res) => {
    res.status(201).json(await service.createUser(db, parseOrThrow(UserInput, req.body)));
  });
  r.get('/users/:id', async (req, res) => {
    res.json(await service.getUser(db, paramId(req, 'UserNotFound')));
  });
  r.patch('/users/:id', async (req, res) => {
    const id = paramId(req, 'UserNotFound');
    res.json(await service.patchUser(db, id, parseOrThrow(UserPatch, req.body)));
  });
  return r;
}
