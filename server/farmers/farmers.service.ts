import type { Kysely } from 'kysely';
import type { Database, FarmerRow } from '../../db/database.js';
import { AppError } from '../errors.js';
import { assertVersion } from '../http.js';
import { getProject } from '../projects/projects.service.js';
import type { FarmerInput, FarmerPatch } from './farmers.schemas.js';

export function farmerDto(f: FarmerRow) {
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

export async function listFarmers(db: Kysely<Database>, projectId: number): Promise<FarmerRow[]> {
  await getProject(db, projectId);
  return db.selectFrom('farmers').selectAll().where('projectId', '=', projectId).where('deletedAt', 'is', null).orderBy('id').execute();
}

export async function getFarmer(db: Kysely<Database>, id: number): Promise<FarmerRow> {
  const f = await db.selectFrom('farmers').selectAll().where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst();
  if (!f) throw AppError.notFound('FarmerNotFound', id);
  return f;
}

export async function createFarmers(db: Kysely<Database>, projectId: number, inputs: FarmerInput[]): Promise<FarmerRow[]> {
  return db.transaction().execute(async (tx) => {
    await getProject(tx, projectId);
    return tx
      .insertInto('farmers')
      .values(inputs.map((f) => ({ ...f, gender: f.gender ?? null, projectId })))
      .returningAll()
      .execute();
  });
}

export async function patchFarmer(db: Kysely<Database>, id: number, patch: FarmerPatch): Promise<FarmerRow> {
  return db.transaction().execute(async (tx) => {
    const current = await getFarmer(tx, id);
    assertVersion(patch.version, current, farmerDto(current));
    const { version: _v, ...rest } = patch;
    return tx
      .updateTable('farmers')
      .set((eb) => ({ ...rest, version: eb('version', '+', 1), updatedAt: new Date() }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}
