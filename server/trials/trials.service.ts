import type { Kysely } from 'kysely';
import type { Database, TrialArmRow, TrialRow, VariableRow } from '../../db/database.js';
import { ValidationError, type PendingIssue, mustFind } from '../errors.js';
import { assertVersion, lockWhenUnversioned, versionConflict } from '../http.js';
import { getProject } from '../projects/projects.service.js';
import { listVariablesByCode } from '../variables/variables.repository.js';
import { variableDto } from '../variables/variables.service.js';
import * as repo from './trials.repository.js';
import type { TrialInput, TrialPatch } from './trials.schemas.js';
import { softDeletion } from '../soft-deletion.js';

export interface TrialDetail {
  trial: TrialRow;
  arms: TrialArmRow[];
  variables: VariableRow[];
  /** The name of whoever locked it, when it is locked. */
  lockedByName?: string | null;
}

export function trialDto({ trial: t, arms, variables, lockedByName }: TrialDetail) {
  return {
    id: t.id,
    projectId: t.projectId,
    name: t.name,
    nameEn: t.nameEn,
    crop: t.crop,
    season: t.season,
    design: t.design,
    description: t.description,
    arms: arms.map((a) => ({ id: a.id, name: a.name, role: a.role, description: a.description })),
    variables: variables.map(variableDto),
    /** Signed off: read-only until unlocked. */
    lockedAt: t.lockedAt,
    lockedBy: t.lockedBy === null ? null : { id: t.lockedBy, name: lockedByName ?? null },
    version: t.version,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
export type TrialDto = ReturnType<typeof trialDto>;

async function detail(db: Kysely<Database>, trials: TrialRow[]): Promise<TrialDetail[]> {
  const ids = trials.map((t) => t.id);
  const lockers = [...new Set(trials.map((t) => t.lockedBy).filter((u): u is number => u !== null))];
  const [arms, vars, names] = await Promise.all([repo.listArms(db, ids), repo.listTrialVariables(db, ids), repo.userNames(db, lockers)]);
  return trials.map((trial) => ({
    trial,
    arms: arms.filter((a) => a.trialId === trial.id),
    variables: vars.filter((v) => v.trialId === trial.id),
    lockedByName: trial.lockedBy === null ? null : (names.get(trial.lockedBy) ?? null),
  }));
}

export async function getTrial(db: Kysely<Database>, id: number): Promise<TrialDetail> {
  const t = mustFind(await repo.findTrial(db, id), 'TrialNotFound', id);
  return (await detail(db, [t]))[0];
}

export async function listTrials(db: Kysely<Database>, projectId: number): Promise<TrialDetail[]> {
  await getProject(db, projectId);
  return detail(db, await repo.listTrials(db, projectId));
}

async function resolveVariables(db: Kysely<Database>, codes: string[]): Promise<VariableRow[]> {
  const found = await listVariablesByCode(db, codes);
  const byCode = new Map(found.map((v) => [v.code, v]));
  const issues: PendingIssue[] = [];
  codes.forEach((c, i) => {
    if (!byCode.has(c)) issues.push({ path: `variables.${i}`, key: 'v.unknownVariable', params: { value: c } });
  });
  if (issues.length) throw new ValidationError(issues);
  return codes.map((c) => byCode.get(c)!);
}

export async function createTrial(db: Kysely<Database>, projectId: number, input: TrialInput): Promise<TrialDetail> {
  return db.transaction().execute(async (tx) => {
    await getProject(tx, projectId);
    const variables = await resolveVariables(tx, input.variables);
    if (await repo.findTrialByName(tx, projectId, input.name)) {
      throw new ValidationError([{ path: 'name', key: 'v.duplicateName', params: { value: input.name } }]);
    }
    const trial = await repo.insertTrial(tx, {
      projectId,
      name: input.name,
      nameEn: input.nameEn,
      crop: input.crop,
      season: input.season,
      design: input.design,
      description: input.description,
    });
    await repo.insertArms(
      tx,
      trial.id,
      input.arms.map((a, position) => ({ name: a.name, role: a.role, description: a.description, position })),
    );
    await repo.insertTrialVariables(
      tx,
      trial.id,
      variables.map((v) => v.id),
    );
    return getTrial(tx, trial.id);
  });
}

export async function patchTrial(db: Kysely<Database>, id: number, patch: TrialPatch): Promise<TrialDetail> {
  return db.transaction().execute(async (tx) => {
    await lockWhenUnversioned(tx, 'trials', id, patch.version);
    const current = await getTrial(tx, id);
    assertVersion(patch.version, current.trial, trialDto(current));
    const { version: _v, arms, variables, ...fields } = patch;
    if (fields.name && fields.name !== current.trial.name && (await repo.findTrialByName(tx, current.trial.projectId, fields.name))) {
      throw new ValidationError([{ path: 'name', key: 'v.duplicateName', params: { value: fields.name } }]);
    }
    // First, so that of two concurrent changes from the same version only one goes on.
    if (!(await repo.updateTrial(tx, id, current.trial.version, fields))) throw versionConflict(trialDto(await getTrial(tx, id)));
    if (arms) await replaceArms(tx, current, arms);
    if (variables) await replaceVariables(tx, current, await resolveVariables(tx, variables));
    return getTrial(tx, id);
  });
}

/** Refuses a patch that would drop members of a trial (arms, variables) still in use, naming each. */
function refuseDroppingInUse<T extends { id: number }>(current: T[], kept: (m: T) => boolean, inUse: Set<number>, issue: (m: T) => PendingIssue): void {
  const issues = current.filter((m) => !kept(m) && inUse.has(m.id)).map(issue);
  if (issues.length) throw new ValidationError(issues);
}

/** Arms are matched by name: kept ones may change role, new ones are added, and an arm that
 * still has plots cannot be dropped. */
async function replaceArms(tx: Kysely<Database>, current: TrialDetail, arms: NonNullable<TrialPatch['arms']>) {
  const inUse = await repo.armsWithPlots(tx, current.trial.id);
  const wanted = new Set(arms.map((a) => a.name));
  refuseDroppingInUse(current.arms, (a) => wanted.has(a.name), inUse, (a) => ({ path: 'arms', key: 'v.armInUse', params: { value: a.name } }));
  const drop = current.arms.filter((a) => !wanted.has(a.name)).map((a) => a.id);
  await repo.deleteArms(tx, drop);
  for (const [position, a] of arms.entries()) {
    const existing = current.arms.find((x) => x.name === a.name);
    if (existing) await repo.updateArm(tx, existing.id, { role: a.role, description: a.description, position });
    else await repo.insertArms(tx, current.trial.id, [{ name: a.name, role: a.role, description: a.description, position }]);
  }
}

/** The trial's variable list is replaced; one that already has observations must stay. */
async function replaceVariables(tx: Kysely<Database>, current: TrialDetail, variables: VariableRow[]) {
  const observed = await repo.variablesWithObservations(tx, current.trial.id);
  const keep = new Set(variables.map((v) => v.id));
  refuseDroppingInUse(current.variables, (v) => keep.has(v.id), observed, (v) => ({ path: 'variables', key: 'v.variableInUse', params: { value: v.code } }));
  await repo.replaceTrialVariables(
    tx,
    current.trial.id,
    variables.map((v) => v.id),
  );
}

const trialDeletion = softDeletion(repo.setTrialDeleted, 'TrialNotFound', getTrial);

/** Soft delete: the trial disappears from lists and reads until it is restored. */
export const deleteTrial = trialDeletion.remove;

export const restoreTrial = trialDeletion.restore;

/** Signs the trial off: it and its plots and observations are read-only until unlocked. */
export async function lockTrial(db: Kysely<Database>, id: number, userId: number): Promise<TrialDetail> {
  return db.transaction().execute(async (tx) => {
    await getTrial(tx, id);
    await repo.setTrialLock(tx, id, userId);
    return getTrial(tx, id);
  });
}

export async function unlockTrial(db: Kysely<Database>, id: number): Promise<TrialDetail> {
  return db.transaction().execute(async (tx) => {
    await getTrial(tx, id);
    await repo.setTrialLock(tx, id, null);
    return getTrial(tx, id);
  });
}
