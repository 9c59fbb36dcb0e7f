import type { Kysely } from 'kysely';
import type { Database, FarmerRow } from '../../db/database.js';
import { AppError, mustFind } from '../errors.js';
import { assertVersion, lockWhenUnversioned, versionConflict } from '../http.js';
import { mayReadPersonalData } from '../accounts/access.js';
import { getProject } from '../projects/projects.service.js';
import type { FarmerInput, FarmerPatch } from './farmers.schemas.js';
import * as repo from './farmers.repository.js';
import { softDeletion } from '../soft-deletion.js';

/** A farmer as the current account may see it: viewers get no personal data (phone,
 * household and notes are null, and the name is only the farmer's number, `#12`). */
export type VisibleFarmer = FarmerRow;

export function visibleFarmer(f: FarmerRow): VisibleFarmer {
  return mayReadPersonalData() ? f : { ...f, name: `#${f.id}`, phone: null, household: null, notes: null };
}

export function farmerDto(f: VisibleFarmer) {
  return {
    id: f.id,
    projectId: f.projectId,
    name: f.name,
    village: f.village,
    household: f.household,
    gender: f.gender,
    demoHousehold: f.demoHousehold,
    phone: f.phone,
    notes: f.notes,
    version: f.version,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
  };
}
export type FarmerDto = ReturnType<typeof farmerDto>;

export async function listFarmers(db: Kysely<Database>, projectId: number): Promise<VisibleFarmer[]> {
  await getProject(db, projectId);
  const rows = await repo.listFarmers(db, projectId);
  return rows.map(visibleFarmer);
}

async function findFarmer(db: Kysely<Database>, id: number): Promise<FarmerRow> {
  return mustFind(await repo.findFarmer(db, id), 'FarmerNotFound', id);
}

export async function getFarmer(db: Kysely<Database>, id: number): Promise<VisibleFarmer> {
  return visibleFarmer(await findFarmer(db, id));
}

export async function createFarmers(db: Kysely<Database>, projectId: number, inputs: FarmerInput[]): Promise<FarmerRow[]> {
  return db.transaction().execute(async (tx) => {
    await getProject(tx, projectId);
    return repo.insertFarmers(
      tx,
      inputs.map((f) => ({ ...f, gender: f.gender ?? null, projectId })),
    );
  });
}

export async function patchFarmer(db: Kysely<Database>, id: number, patch: FarmerPatch): Promise<FarmerRow> {
  return db.transaction().execute(async (tx) => {
    await lockWhenUnversioned(tx, 'farmers', id, patch.version);
    const current = await findFarmer(tx, id);
    assertVersion(patch.version, current, farmerDto(current));
    const { version: _v, ...rest } = patch;
    const updated = await repo.updateFarmer(tx, id, current.version, rest);
    if (!updated) throw versionConflict(farmerDto(await findFarmer(tx, id)));
    return updated;
  });
}

const farmerDeletion = softDeletion(repo.setFarmerDeleted, 'FarmerNotFound', findFarmer);

/**
 * Soft delete: the farmer leaves lists. A farmer on a training session's roster is refused
 * (409 FarmerOnRoster): the session would count an attendee no list shows any more, its
 * unique farmers and women would fall below its roster, and the session could no longer
 * be edited. They are taken off those rosters first.
 */
export async function deleteFarmer(db: Kysely<Database>, id: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await lockWhenUnversioned(tx, 'farmers', id, undefined);
    await findFarmer(tx, id);
    const sessions = await repo.countRosterSessions(tx, id);
    if (sessions > 0) throw new AppError(409, 'FarmerOnRoster', 'error.FarmerOnRoster', { count: sessions });
    await farmerDeletion.remove(tx, id);
  });
}

export const restoreFarmer = farmerDeletion.restore;
