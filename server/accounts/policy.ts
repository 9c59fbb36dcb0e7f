import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError, type ErrorCode } from '../errors.js';
import { hasPermission, isMember, type Permission } from './access.js';
import { IMPORT_HANDLERS } from '../imports/import-handlers.js';
import type { ImportKind } from '../../db/database.js';
import { findTarget, type Scope, type Target } from './targets.repository.js';

/**
 * Who may call what: one rule per route of the application, checked before any route runs.
 *
 * `allow` is `public`, `signedIn` (any account) or a permission (access.ts) that the account's
 * role must have. `scope` names what the route's `:id` is; the project it belongs to is looked
 * up and the account must be a member of it (admins are members of everything): otherwise
 * 403, and 404 when there is no such record. A changing request on a trial, plot, observation,
 * an import into a trial or a layout is refused with 423 while the trial is locked, except the
 * unlocking itself (`whileLocked`).
 *
 * A request that matches no rule is refused (404, or 401 when anonymous) and never reaches a
 * route, so a route added without a rule does not work at all; test/server/permissions tests
 * that every route of the app has exactly one rule.
 */
export type { Scope, Target };

export interface Rule {
  /** Methods and the full path as the route declares it, e.g. `GET PATCH /api/trials/:id`. */
  route: string;
  allow: 'public' | 'signedIn' | Permission;
  scope?: Scope;
  /** For an import, the permission depends on what it imports (training: manage). It is
   * checked after `allow`, so `allow` must be no more than the least of them. */
  allowFor?: (target: Target) => Permission;
  /** Allowed on a locked trial although it changes something (unlock). */
  whileLocked?: boolean;
}

const API_RULES: Rule[] = [
  { route: 'GET /api/health', allow: 'public' },

  // Accounts
  { route: 'POST /api/tokens', allow: 'public' },
  { route: 'GET /api/tokens', allow: 'signedIn' },
  { route: 'DELETE /api/tokens/:id', allow: 'signedIn' },
  { route: 'GET /api/me', allow: 'signedIn' },
  { route: 'GET POST /api/users', allow: 'admin' },
  { route: 'GET PATCH /api/users/:id', allow: 'admin' },

  // Projects and sites
  { route: 'GET /api/projects', allow: 'signedIn' },
  { route: 'POST /api/projects', allow: 'admin' },
  { route: 'GET /api/projects/:id', allow: 'read', scope: 'project' },
  { route: 'PATCH /api/projects/:id', allow: 'manage', scope: 'project' },
  { route: 'GET /api/projects/:id/sites', allow: 'read', scope: 'project' },
  { route: 'POST /api/projects/:id/sites', allow: 'enterData', scope: 'project' },
  { route: 'GET /api/sites/:id', allow: 'read', scope: 'site' },
  { route: 'PATCH /api/sites/:id', allow: 'enterData', scope: 'site' },

  // The shared catalogue of variables
  { route: 'GET /api/variables', allow: 'signedIn' },
  { route: 'GET /api/variables/:id', allow: 'signedIn' },
  { route: 'POST /api/variables', allow: 'enterData' },

  // Trials, plots, observations
  { route: 'GET /api/projects/:id/trials', allow: 'read', scope: 'project' },
  { route: 'POST /api/projects/:id/trials', allow: 'enterData', scope: 'project' },
  { route: 'GET /api/trials/:id', allow: 'read', scope: 'trial' },
  { route: 'PATCH DELETE /api/trials/:id', allow: 'enterData', scope: 'trial' },
  { route: 'POST /api/trials/:id/restore', allow: 'enterData', scope: 'trial' },
  { route: 'GET /api/trials/:id/history', allow: 'readInternal', scope: 'trial' },
  { route: 'POST /api/trials/:id/lock', allow: 'manage', scope: 'trial' },
  { route: 'POST /api/trials/:id/unlock', allow: 'manage', scope: 'trial', whileLocked: true },
  { route: 'GET /api/trials/:id/report', allow: 'read', scope: 'trial' },
  { route: 'GET /api/trials/:id/plots', allow: 'read', scope: 'trial' },
  { route: 'POST /api/trials/:id/plots', allow: 'enterData', scope: 'trial' },
  { route: 'GET /api/plots/:id', allow: 'read', scope: 'plot' },
  { route: 'PATCH DELETE /api/plots/:id', allow: 'enterData', scope: 'plot' },
  { route: 'POST /api/plots/:id/restore', allow: 'enterData', scope: 'plot' },
  { route: 'GET /api/plots/:id/history', allow: 'readInternal', scope: 'plot' },
  { route: 'GET /api/trials/:id/layouts', allow: 'read', scope: 'trial' },
  { route: 'POST /api/trials/:id/layouts', allow: 'enterData', scope: 'trial' },
  { route: 'GET /api/layouts/:id', allow: 'read', scope: 'layout' },
  { route: 'POST /api/layouts/:id/commit', allow: 'enterData', scope: 'layout' },
  { route: 'POST /api/layouts/:id/rerandomise', allow: 'enterData', scope: 'layout' },
  { route: 'GET /api/trials/:id/labels.csv', allow: 'read', scope: 'trial' },
  { route: 'GET /api/trials/:id/observations', allow: 'read', scope: 'trial' },
  { route: 'POST /api/trials/:id/observations', allow: 'enterData', scope: 'trial' },
  { route: 'GET /api/observations/:id', allow: 'read', scope: 'observation' },
  { route: 'PATCH DELETE /api/observations/:id', allow: 'enterData', scope: 'observation' },
  { route: 'POST /api/observations/:id/restore', allow: 'enterData', scope: 'observation' },
  { route: 'GET /api/observations/:id/history', allow: 'readInternal', scope: 'observation' },

  // Photos of plots and observations
  { route: 'GET /api/plots/:id/photos', allow: 'read', scope: 'plot' },
  { route: 'POST /api/plots/:id/photos', allow: 'enterData', scope: 'plot' },
  { route: 'DELETE /api/photos/:id', allow: 'enterData', scope: 'photo' },
  { route: 'POST /api/photos/:id/restore', allow: 'enterData', scope: 'photo' },

  // Farmers and training
  { route: 'GET /api/projects/:id/farmers', allow: 'read', scope: 'project' },
  { route: 'POST /api/projects/:id/farmers', allow: 'manage', scope: 'project' },
  { route: 'GET /api/farmers/:id', allow: 'read', scope: 'farmer' },
  { route: 'PATCH DELETE /api/farmers/:id', allow: 'manage', scope: 'farmer' },
  { route: 'POST /api/farmers/:id/restore', allow: 'manage', scope: 'farmer' },
  { route: 'GET /api/farmers/:id/history', allow: 'readInternal', scope: 'farmer' },
  { route: 'GET /api/projects/:id/training-sessions', allow: 'read', scope: 'project' },
  { route: 'POST /api/projects/:id/training-sessions', allow: 'manage', scope: 'project' },
  { route: 'GET /api/training-sessions/:id', allow: 'read', scope: 'trainingSession' },
  { route: 'PATCH DELETE /api/training-sessions/:id', allow: 'manage', scope: 'trainingSession' },
  { route: 'POST /api/training-sessions/:id/restore', allow: 'manage', scope: 'trainingSession' },
  { route: 'GET /api/training-sessions/:id/history', allow: 'readInternal', scope: 'trainingSession' },
  { route: 'GET /api/projects/:id/training-summary', allow: 'read', scope: 'project' },

  // Spreadsheet imports (previews hold raw rows: not for viewers) and exports
  { route: 'POST /api/trials/:id/imports', allow: 'enterData', scope: 'trial' },
  { route: 'POST /api/projects/:id/imports', allow: 'manage', scope: 'project' },
  { route: 'GET /api/imports/:id', allow: 'readInternal', scope: 'import' },
  // Any staff role may reach the commit; the import's kind names who may make it.
  { route: 'POST /api/imports/:id/commit', allow: 'readInternal', scope: 'import', allowFor: importPermission },
  { route: 'POST /api/imports/:id/mapping', allow: 'readInternal', scope: 'import', allowFor: importPermission },
  { route: 'GET /api/trials/:id/observations/export', allow: 'read', scope: 'trial' },
  { route: 'GET /api/trials/:id/report/export', allow: 'read', scope: 'trial' },
  { route: 'GET /api/trials/:id/fieldbook/field.csv', allow: 'read', scope: 'trial' },
  { route: 'GET /api/trials/:id/fieldbook/traits.trt', allow: 'read', scope: 'trial' },
  { route: 'GET /api/projects/:id/training-sessions/export', allow: 'read', scope: 'project' },

  // Programmes (any account reads a programme; its figures cover the projects the account
  // may see), projects' acceptance inspections and outputs
  { route: 'GET /api/programmes', allow: 'signedIn' },
  { route: 'POST /api/programmes', allow: 'manage' },
  { route: 'GET /api/programmes/:id', allow: 'signedIn' },
  { route: 'GET /api/programmes/:id/summary', allow: 'signedIn' },
  { route: 'GET /api/programmes/:id/export', allow: 'signedIn' },
  { route: 'GET /api/projects/:id/inspections', allow: 'read', scope: 'project' },
  { route: 'POST /api/projects/:id/inspections', allow: 'manage', scope: 'project' },
  { route: 'POST /api/rectifications/:id/close', allow: 'manage', scope: 'rectification' },
  { route: 'GET /api/projects/:id/outputs', allow: 'read', scope: 'project' },
  { route: 'POST /api/projects/:id/outputs', allow: 'manage', scope: 'project' },
  // Search: every account, over the projects it is a member of (search.service.ts filters).
  { route: 'GET /api/search', allow: 'signedIn' },
];

/** Each import kind names its permission (training imports are the lead's; observation
 * and plot imports the agronomist's). */
function importPermission(target: Target): Permission {
  return IMPORT_HANDLERS[target.kind as ImportKind].permission;
}

const PAGE_RULES: Rule[] = [
  { route: 'GET POST /login', allow: 'public' },
  { route: 'POST /logout', allow: 'public' },
  { route: 'GET /', allow: 'signedIn' },
  { route: 'GET POST /projects/new', allow: 'admin' },
  { route: 'GET /projects/:id', allow: 'read', scope: 'project' },
  { route: 'GET /programmes', allow: 'signedIn' },
  { route: 'GET /programmes/:id', allow: 'signedIn' },
  { route: 'GET /programmes/:id/summary', allow: 'signedIn' },
  { route: 'GET POST /rectifications/:id/close', allow: 'manage', scope: 'rectification' },
  { route: 'GET POST /projects/:id/edit', allow: 'manage', scope: 'project' },
  { route: 'GET POST /projects/:id/sites/new', allow: 'enterData', scope: 'project' },
  { route: 'GET POST /sites/:id/edit', allow: 'enterData', scope: 'site' },
  { route: 'GET POST /variables/new', allow: 'enterData' },
  { route: 'GET POST /projects/:id/trials/new', allow: 'enterData', scope: 'project' },
  { route: 'GET /trials/:id', allow: 'read', scope: 'trial' },
  { route: 'GET /trials/:id/cells', allow: 'read', scope: 'trial' },
  { route: 'GET /trials/:id/manifest.webmanifest', allow: 'read', scope: 'trial' },
  { route: 'GET /sw.js', allow: 'public' },
  { route: 'GET /photos/:id', allow: 'read', scope: 'photo' },
  { route: 'GET /photos/:id/thumbnail', allow: 'read', scope: 'photo' },
  { route: 'GET POST /trials/:id/edit', allow: 'enterData', scope: 'trial' },
  { route: 'GET /trials/:id/report', allow: 'read', scope: 'trial' },
  { route: 'GET POST /trials/:id/plots/new', allow: 'enterData', scope: 'trial' },
  { route: 'GET POST /trials/:id/layouts/new', allow: 'enterData', scope: 'trial' },
  { route: 'GET /layouts/:id', allow: 'read', scope: 'layout' },
  { route: 'POST /layouts/:id/commit', allow: 'enterData', scope: 'layout' },
  { route: 'POST /layouts/:id/rerandomise', allow: 'enterData', scope: 'layout' },
  { route: 'GET /trials/:id/map', allow: 'read', scope: 'trial' },
  { route: 'GET /trials/:id/map.svg', allow: 'read', scope: 'trial' },
  { route: 'GET /trials/:id/labels', allow: 'read', scope: 'trial' },
  { route: 'GET POST /plots/:id/edit', allow: 'enterData', scope: 'plot' },
  { route: 'POST /plots/:id/delete', allow: 'enterData', scope: 'plot' },
  { route: 'GET POST /trials/:id/observations', allow: 'enterData', scope: 'trial' },
  { route: 'GET POST /observations/:id/edit', allow: 'enterData', scope: 'observation' },
  { route: 'POST /observations/:id/delete', allow: 'enterData', scope: 'observation' },
  { route: 'POST /observations/:id/restore', allow: 'enterData', scope: 'observation' },
  { route: 'POST /plots/:id/restore', allow: 'enterData', scope: 'plot' },
  { route: 'POST /trials/:id/lock', allow: 'manage', scope: 'trial' },
  { route: 'POST /trials/:id/unlock', allow: 'manage', scope: 'trial', whileLocked: true },
  { route: 'GET /projects/:id/training', allow: 'read', scope: 'project' },
  { route: 'GET POST /projects/:id/training-sessions/new', allow: 'manage', scope: 'project' },
  { route: 'GET POST /training-sessions/:id/edit', allow: 'manage', scope: 'trainingSession' },
  { route: 'POST /training-sessions/:id/delete', allow: 'manage', scope: 'trainingSession' },
  { route: 'GET /projects/:id/farmers', allow: 'read', scope: 'project' },
  { route: 'GET POST /projects/:id/farmers/new', allow: 'manage', scope: 'project' },
  { route: 'GET POST /farmers/:id/edit', allow: 'manage', scope: 'farmer' },
  { route: 'GET POST /trials/:id/import', allow: 'enterData', scope: 'trial' },
  { route: 'GET POST /projects/:id/training/import', allow: 'manage', scope: 'project' },
  { route: 'GET /imports/:id', allow: 'readInternal', scope: 'import' },
  { route: 'POST /imports/:id/commit', allow: 'readInternal', scope: 'import', allowFor: importPermission },
  { route: 'POST /imports/:id/mapping', allow: 'readInternal', scope: 'import', allowFor: importPermission },
  { route: 'GET /search', allow: 'signedIn' },
];

export const RULES: Rule[] = [...API_RULES, ...PAGE_RULES];

// ---- Resolving the project of an id ---------------------------------------------------------

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** What the route's `:id` belongs to, as the permission check found it (also
       * `res.locals.target`, so a handler need not load it again). */
      target?: Target;
    }
  }
}

const NOT_FOUND: Record<Scope, ErrorCode> = {
  project: 'ProjectNotFound',
  site: 'SiteNotFound',
  trial: 'TrialNotFound',
  plot: 'PlotNotFound',
  observation: 'ObservationNotFound',
  photo: 'PhotoNotFound',
  farmer: 'FarmerNotFound',
  trainingSession: 'TrainingSessionNotFound',
  import: 'ImportNotFound',
  layout: 'LayoutNotFound',
  rectification: 'RectificationNotFound',
};

/** The project (and trial, with its lock) that a record belongs to, deleted or not: one query. */
export const resolveTarget = findTarget;

// ---- The middleware -------------------------------------------------------------------------

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export function parseRoute(route: string): { methods: string[]; path: string } {
  const parts = route.trim().split(/\s+/);
  const path = parts.pop()!;
  const methods = parts.map((m) => m.toUpperCase());
  for (const m of methods) if (!(METHODS as readonly string[]).includes(m)) throw new Error(`bad method ${m} in rule "${route}"`);
  return { methods, path };
}

/** Marks the policy router so route listings can skip it. */
export const POLICY_ROUTER = Symbol('policy router');

function unauthenticated(req: Request, res: Response, hasPage = false) {
  const wantsPage = !req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html';
  if (wantsPage) {
    // After signing in, a form sent with an expired session leads back to its page when the
    // address is also a page (the entry grid's, which then puts back what was typed).
    const next = req.method === 'GET' || hasPage ? req.originalUrl : '/';
    return res.redirect(303, `/login?next=${encodeURIComponent(next)}`);
  }
  const code = req.authError ?? 'Unauthenticated';
  res.set('WWW-Authenticate', code === 'InvalidToken' ? 'Bearer error="invalid_token"' : 'Bearer');
  throw new AppError(401, code);
}

const LOCKABLE: Scope[] = ['trial', 'plot', 'observation', 'photo', 'import', 'layout'];

/** The rules as one router in front of the app: each matched request is checked, then
 * passed on to the real routes; anything unmatched stops here. */
export function authorize(db: Kysely<Database>, rules: Rule[] = RULES): Router {
  const r = Router();
  for (const rule of rules) {
    const { methods, path } = parseRoute(rule.route);
    for (const method of methods) {
      r[method.toLowerCase() as 'get'](path, async (req: Request, res: Response, next: NextFunction) => {
        if (rule.allow === 'public') return next('router');
        const user = req.user;
        if (!user) return unauthenticated(req, res, methods.includes('GET'));
        if (rule.allow === 'signedIn') return next('router');
        if (!hasPermission(user, rule.allow)) throw new AppError(403, 'Forbidden');
        if (rule.scope) {
          const raw = String(req.params.id ?? '');
          const target = await resolveTarget(db, rule.scope, raw);
          if (!target) throw AppError.notFound(NOT_FOUND[rule.scope], raw);
          req.target = target;
          res.locals.target = target;
          if (!isMember(user, target.projectId)) throw new AppError(403, 'Forbidden');
          if (rule.allowFor && !hasPermission(user, rule.allowFor(target))) throw new AppError(403, 'Forbidden');
          const changes = req.method !== 'GET' && req.method !== 'HEAD';
          if (changes && target.lockedAt && LOCKABLE.includes(rule.scope) && !rule.whileLocked) {
            throw new AppError(423, 'TrialLocked', 'error.TrialLocked', { id: target.trialId ?? '' });
          }
        }
        next('router');
      });
    }
  }
  r.use((req, res) => {
    if (!req.user) return unauthenticated(req, res);
    throw new AppError(404, 'RouteNotFound', 'error.RouteNotFound', { path: req.path });
  });
  (r as unknown as Record<symbol, boolean>)[POLICY_ROUTER] = true;
  return r;
}
