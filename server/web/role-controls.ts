import type { Role } from '../../db/database.js';
import { PERMISSIONS, type Permission } from '../accounts/access.js';

/**
 * Which controls a page shows to a role: every permission of access.ts as a flag, so a
 * template shows a link or form only when the policy would let its request through
 * (`{{#if can.enterData}}`). Pages are reached only in projects the account is a member of,
 * so the role decides.
 */
export function controlsFor(role: Role | undefined): Record<Permission, boolean> {
  const out = {} as Record<Permission, boolean>;
  for (const p of Object.keys(PERMISSIONS) as Permission[]) out[p] = role !== undefined && (PERMISSIONS[p] as readonly Role[]).includes(role);
  return out;
}
