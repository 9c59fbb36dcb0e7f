import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { createUser } from './accounts.service.js';
import { findActiveUser, findUserByEmail } from './accounts.repository.js';

/**
 * The first admin, from DEMOPLOT_ADMIN_EMAIL and DEMOPLOT_ADMIN_PASSWORD: created when no
 * account has that email yet; an existing account is left as it is (its password is not
 * reset at every start). Answers whether it created one.
 */
export async function ensureFirstAdmin(db: Kysely<Database>, admin: { email: string; password: string } | undefined): Promise<boolean> {
  if (!admin) return false;
  if (await findUserByEmail(db, admin.email)) return false;
  try {
    await createUser(db, { email: admin.email, name: 'Administrator', password: admin.password, role: 'admin', projects: [] });
    return true;
  } catch (err) {
    // Another process starting at the same time created it first.
    if (await findUserByEmail(db, admin.email)) return false;
    throw err;
  }
}

export async function hasActiveAdmin(db: Kysely<Database>): Promise<boolean> {
  return !!(await findActiveUser(db, { role: 'admin' }));
}

export async function hasActiveDemoAccount(db: Kysely<Database>): Promise<boolean> {
  return !!(await findActiveUser(db, { isDemo: true }));
}

/** One demonstration account per role, members of the given (demonstration) projects. The
 * passwords are public (README): never load demonstration data into a production database. */
export const DEMO_ACCOUNTS = [
  { email: 'admin@demo.example', name: '演示管理员', password: 'demoplot-admin', role: 'admin' },
  { email: 'agronomist@demo.example', name: '演示农技员', password: 'demoplot-agronomist', role: 'agronomist' },
  { email: 'lead@demo.example', name: '演示项目负责人', password: 'demoplot-lead', role: 'lead' },
  { email: 'viewer@demo.example', name: '演示推广中心', password: 'demoplot-viewer', role: 'viewer' },
] as const;

export async function loadDemoAccounts(db: Kysely<Database>, projectIds: number[]): Promise<void> {
  for (const a of DEMO_ACCOUNTS) {
    if (await findUserByEmail(db, a.email)) continue;
    await createUser(db, { ...a, projects: a.role === 'admin' ? [] : projectIds }, { isDemo: true });
  }
}
