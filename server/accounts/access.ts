import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from '../../db/database.js';

/** The signed-in account of a request, with the projects it is a member of. */
export interface SignedIn {
  id: number;
  email: string;
  name: string;
  role: Role;
  projectIds: number[];
  /** How the request proved who it is. */
  via: 'session' | 'token';
}

/**
 * What a role may do. Project-scoped permissions also need membership of the project,
 * except for admins, who may do everything everywhere.
 * - read: see a project's trials, plots, observations, reports, sites, farmers and training
 *   (viewers see farmers without their personal data);
 * - readInternal: also the audit history and imports;
 * - enterData: enter and correct trial data (sites, trials, plots, observations, their imports);
 * - manage: lead a project (its targets, farmers, training sessions, sign-off locking);
 * - admin: accounts, new projects.
 */
export const PERMISSIONS = {
  read: ['admin', 'lead', 'agronomist', 'viewer'],
  readInternal: ['admin', 'lead', 'agronomist'],
  enterData: ['admin', 'agronomist'],
  manage: ['admin', 'lead'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function hasPermission(user: Pick<SignedIn, 'role'>, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(user.role);
}

export function isMember(user: Pick<SignedIn, 'role' | 'projectIds'>, projectId: number): boolean {
  return user.role === 'admin' || user.projectIds.includes(projectId);
}

const requests = new AsyncLocalStorage<{ user: SignedIn | null }>();

/** Runs the rest of a request with its account known to the services below. */
export function runWithUser<T>(user: SignedIn | null, fn: () => T): T {
  return requests.run({ user }, fn);
}

/** The current request's account; undefined outside a request (startup, scripts, tests of services). */
export function currentUser(): SignedIn | null | undefined {
  return requests.getStore()?.user;
}

/**
 * The project ids the current request may see, or undefined when it may see all of them
 * (an admin, or no request at all). Lists of projects are filtered by this wherever they are
 * read, so a page or export that lists projects cannot show another project by mistake.
 */
export function visibleProjectIds(): number[] | undefined {
  const store = requests.getStore();
  if (!store) return undefined;
  if (!store.user) return [];
  return store.user.role === 'admin' ? undefined : store.user.projectIds;
}

/** Farmers' names, phones, households and notes are personal data; viewers never see them. */
export function mayReadPersonalData(): boolean {
  const store = requests.getStore();
  if (!store) return true;
  return store.user !== null && store.user.role !== 'viewer';
}
