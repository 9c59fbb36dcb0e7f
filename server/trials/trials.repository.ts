import type { Kysely, Insertable, Updateable } from 'kysely';
import type { Database, TrialArmRow, TrialRow, TrialTable, VariableRow } from '../../db/database.js';

export function listTrials(db: Kysely<Database>, projectId: number): Promise<TrialRow[]> {
  return db.selectFrom('trials').selectAll().where('projectId', '=', projectId).orderBy('id').execute();
}

export function findTrial(db: Kysely<Database>, id: number): Promise<TrialRow | undefined> {
  return db.selectFrom('trials').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findTrialByName(db: Kysely<Database>, projectId: number, name: string): Promise<TrialRow | undefined> {
  return db.selectFrom('trials').selectAll().where('projectId', '=', projectId).where('name', '=', name).executeTakeFirst();
}

export function insertTrial(db: Kysely<Database>, row: Insertable<TrialTable>): Promise<TrialRow> {
  return db.insertInto('trials').values(row).returningAll().executeTakeFirstOrThrow();
}

export function updateTrial(db: Kysely<Database>, id: number, patch: Updateable<TrialTable>): Promise<TrialRow> {
  return db
    .updateTable('trials')
    .set((eb) => ({ ...patch, version: eb('version', '+', 1), updatedAt: new Date() }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
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
