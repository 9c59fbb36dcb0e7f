import type { Request } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError, type ErrorCode } from './errors.js';

/** The `:name` route parameter as a positive integer id; anything else is the entity's 404. */
export function paramId(req: Request, notFoundCode: ErrorCode, name = 'id'): number {
  const raw = req.params[name];
  const n = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw AppError.notFound(notFoundCode, raw);
  return n;
}

/** The 409 of a stale write, carrying the record as it is now. */
export function versionConflict(currentBody: unknown): AppError {
  return new AppError(409, 'VersionConflict', 'error.VersionConflict', {}, [], { current: currentBody });
}

/** Throws a 409 when the client sent a version that is no longer current. */
export function assertVersion(sent: number | undefined, current: { version: number }, currentBody: unknown): void {
  if (sent !== undefined && sent !== current.version) {
    throw versionConflict(currentBody);
  }
}

import { lockRow, type VersionedTable } from '../db/versioned.js';
export type { VersionedTable };

/**
 * A PATCH without `version` is last-writer-wins: the row is locked (`select … for update`)
 * before it is read, so concurrent ones wait their turn and each updates the version it
 * then finds, instead of failing the version check with a spurious 409. With a version,
 * nothing is locked: the update's `where version = …` decides.
 */
export async function lockWhenUnversioned(tx: Kysely<Database>, table: VersionedTable, id: number, sent: number | undefined): Promise<void> {
  if (sent !== undefined) return;
  await lockRow(tx, table, id);
}
