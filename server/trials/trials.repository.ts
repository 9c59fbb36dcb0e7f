import type { Kysely, Insertable, Updateable } from 'kysely';
import type { Database, TrialArmRow, TrialArmTable, TrialRow, TrialTable, VariableRow } from '../../db/database.js';
import { setDeleted } from '../../db/soft-delete.js';
import { updateVersioned } from '../../db/versioned.js';

export function listTrials(db: Kysely<Database>, projectId: number): Promise<TrialRow[]> {
  return db.selectFrom('trials').selectAll().where('projectId', '=', projectId).where('deletedAt', 'is', null).orderBy('id').execute();
}

export function findTrial(db: Kysely<Database>, id: number): Promise<TrialRow | undefined> {
  return db.selectFrom('trials').selectAll().where('id', '=', id).where('deletedAt', 'is', null).executeTakeFirst();
}

export function findTrialByName(db: Kysely<Database>, projectId: number, name: string): Promise<TrialRow | undefined> {
  return db.selectFrom('trials').selectAll().where('projectId', '=', projectId).where('name', '=', name).where('deletedAt', 'is', null).executeTakeFirst();
}

export function insertTrial(db: Kysely<Database>, row: Insertable<TrialTable>): Promise<TrialRow> {
  return db.insertInto('trials').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Updates the trial only while it still has `version`; undefined when someone else was first. */
export function updateTrial(db: Kysely<Database>, id: number, version: number, patch: Updateable<TrialTable>): Promise<TrialRow | undefined> {
  return updateVersioned(db, 'trials', id, patch, version);
}

/** Soft delete (deleted: true) or its undo; answers whether the trial was in the other state. */
export const setTrialDeleted = (db: Kysely<Database>, id: number, deleted: boolean) => setDeleted(db, 'trials', id, deleted);

/** Locks (by the user) or unlocks the trial; answers whether it was in the other state. */
export async function setTrialLock(db: Kysely<Database>, id: number, lockedBy: number | null): Promise<boolean> {
  const res = await db
    .updateTable('trials')
    .set((eb) => ({ lockedAt: lockedBy === null ? null : new Date(), lockedBy, version: eb('version', '+', 1), updatedAt: new Date() }))
    .where('id', '=', id)
    .where('deletedAt', 'is', null)
    .where('lockedAt', lockedBy === null ? 'is not' : 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

export async function userNames(db: Kysely<Database>, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

export function listArms(db: Kysely<Database>, trialIds: number[]): Promise<TrialArmRow[]> {
  if (!trialIds.length) return Promise.resolve([]);
  return db.selectFrom('trialArms').selectAll().where('trialId', 'in', trialIds).orderBy('trialId').orderBy('position').execute();
}

export async function listTrialVariables(db: Kysely<Database>, trialIds: number[]): Promise<(VariableRow & { trialId: number })[]> {
  if (!trialIds.length) return [];
  return db
    .selectFrom('trialVariables as tv')
    .innerJoin('variables as v', 'v.id', 'tv.variableId')
    .selectAll('v')
    .select('tv.trialId')
    .where('tv.trialId', 'in', trialIds)
    .orderBy('tv.trialId')
    .orderBy('tv.position')
    .execute();
}

export async function armsWithPlots(db: Kysely<Database>, trialId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('plots')
    .select('armId')
    .distinct()
    .where('trialId', '=', trialId)
    .where('deletedAt', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.armId));
}

export async function variablesWithObservations(db: Kysely<Database>, trialId: number): Promise<Set<number>> {
  const rows = await db
    .selectFrom('observations as o')
    .innerJoin('plots as p', 'p.id', 'o.plotId')
    .select('o.variableId')
    .distinct()
    .where('p.trialId', '=', trialId)
    .where('o.deletedAt', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.variableId));
}

export type ArmFields = Pick<Insertable<TrialArmTable>, 'name' | 'role' | 'description'>;

/** Adds arms to a trial at these positions. */
export async function insertArms(db: Kysely<Database>, trialId: number, arms: readonly (ArmFields & { position: number })[]): Promise<void> {
  if (arms.length) await db.insertInto('trialArms').values(arms.map((a) => ({ trialId, ...a }))).execute();
}

export async function updateArm(db: Kysely<Database>, id: number, fields: Pick<Updateable<TrialArmTable>, 'role' | 'description' | 'position'>): Promise<void> {
  await db.updateTable('trialArms').set(fields).where('id', '=', id).execute();
}

export async function deleteArms(db: Kysely<Database>, ids: readonly number[]): Promise<void> {
  if (ids.length) await db.deleteFrom('trialArms').where('id', 'in', [...ids]).execute();
}

/** Gives a trial these variables, in this order. */
export async function insertTrialVariables(db: Kysely<Database>, trialId: number, variableIds: readonly number[]): Promise<void> {
  if (variableIds.length) await db.insertInto('trialVariables').values(variableIds.map((variableId, position) => ({ trialId, variableId, position }))).execute();
}

/** Replaces the trial's variable list with these variables, in this order. */
export async function replaceTrialVariables(db: Kysely<Database>, trialId: number, variableIds: readonly number[]): Promise<void> {
  await db.deleteFrom('trialVariables').where('trialId', '=', trialId).execute();
  await insertTrialVariables(db, trialId, variableIds);
}
