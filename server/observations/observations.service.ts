import type { Kysely } from 'kysely';
import type { Database, VariableRow } from '../../db/database.js';
import { AppError, ValidationError, type PendingIssue } from '../errors.js';
import { assertVersion, versionConflict } from '../http.js';
import { listPlots } from '../plots/plots.repository.js';
import { getTrial } from '../trials/trials.service.js';
import { listVariablesByCode } from '../variables/variables.repository.js';
import { exactValue, isStoredValue, toStoredValue, typedValue } from './observation-values.js';
import * as repo from './observations.repository.js';
import type { ObservationInput, ObservationPatch } from './observations.schemas.js';

export function observationDto(o: NonNullable<repo.ObservationView>) {
  return {
    id: o.id,
    trialId: o.trialId,
    plotId: o.plotId,
    plot: o.plot,
    siteId: o.siteId,
    variable: o.variable,
    value: typedValue(o),
    valueText: exactValue(o),
    observedOn: o.observedOn,
    recordedBy: o.recordedBy,
    notes: o.notes,
    version: o.version,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}
export type ObservationDto = ReturnType<typeof observationDto>;

export async function getObservation(db: Kysely<Database>, id: number) {
  const o = await repo.findObservation(db, id);
  if (!o) throw AppError.notFound('ObservationNotFound', id);
  return o;
}

export async function listObservations(db: Kysely<Database>, trialId: number, filter: Parameters<typeof repo.listObservations>[2]) {
  await getTrial(db, trialId);
  return repo.listObservations(db, trialId, filter);
}

/** What a trial accepts: its plots by label and its variables by code. */
export async function observationTargets(db: Kysely<Database>, trialId: number) {
  const trial = await getTrial(db, trialId);
  const plots = new Map((await listPlots(db, trialId)).map((p) => [p.label, p]));
  const variables = new Map(trial.variables.map((v) => [v.code, v as VariableRow]));
  return { trial, plots, variables };
}

/**
 * Checks every row (plot, variable, value, range) and writes all of them in one transaction,
 * or none: any problem throws a ValidationError listing each failing row and field.
 */
export async function createObservations(db: Kysely<Database>, trialId: number, inputs: ObservationInput[], batch: boolean) {
  return db.transaction().execute(async (tx) => {
    const { plots, variables } = await observationTargets(tx, trialId);
    const unknownCodes = [...new Set(inputs.map((i) => i.variable).filter((c) => !variables.has(c)))];
    const existingElsewhere = new Set((await listVariablesByCode(tx, unknownCodes)).map((v) => v.code));
    const issues: PendingIssue[] = [];
    const rows = [];
    for (const [i, input] of inputs.entries()) {
      const row = batch ? { row: i + 1 } : {};
      const plot = plots.get(input.plot);
      const variable = variables.get(input.variable);
      if (!plot) issues.push({ ...row, path: 'plot', key: 'v.unknownPlot', params: { value: input.plot } });
      if (!variable) {
        const key = existingElsewhere.has(input.variable) ? 'v.variableNotInTrial' : 'v.unknownVariable';
        issues.push({ ...row, path: 'variable', key, params: { value: input.variable } });
        continue;
      }
      const stored = toStoredValue(variable, input.value);
      if (!isStoredValue(stored)) {
        issues.push({ ...row, path: 'value', ...stored });
        continue;
      }
      if (plot) {
        rows.push({
          plotId: plot.id,
          variableId: variable.id,
          ...stored,
          observedOn: input.observedOn ?? null,
          notes: input.notes,
          recordedBy: input.recordedBy,
        });
      }
    }
    if (issues.length) throw new ValidationError(issues);
    const ids = await repo.insertObservations(tx, rows);
    return repo.listObservationsById(tx, ids);
  });
}

export async function patchObservation(db: Kysely<Database>, id: number, patch: ObservationPatch) {
  return db.transaction().execute(async (tx) => {
    const current = await getObservation(tx, id);
    assertVersion(patch.version, current, observationDto(current));
    const { version: _v, value, ...rest } = patch;
    let stored = {};
    if (value !== undefined) {
      const variable = await tx.selectFrom('variables').selectAll().where('id', '=', current.variableId).executeTakeFirstOrThrow();
      const s = toStoredValue(variable, value);
      if (!isStoredValue(s)) throw new ValidationError([{ path: 'value', ...s }]);
      stored = s;
    }
    if (!(await repo.updateObservation(tx, id, { ...rest, ...stored }, current.version))) {
      throw versionConflict(observationDto(await getObservation(tx, id)));
    }
    return getObservation(tx, id);
  });
}

export async function deleteObservation(db: Kysely<Database>, id: number) {
  await db.transaction().execute(async (tx) => {
    await getObservation(tx, id);
    if (!(await repo.setObservationDeleted(tx, id, true))) throw AppError.notFound('ObservationNotFound', id);
  });
}

/** Undoes a delete: the observation counts again in the plot's value and the report. */
export async function restoreObservation(db: Kysely<Database>, id: number) {
  return db.transaction().execute(async (tx) => {
    if (!(await repo.setObservationDeleted(tx, id, false))) throw new AppError(409, 'NotDeleted');
    return getObservation(tx, id);
  });
}
