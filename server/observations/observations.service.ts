import type { Kysely } from 'kysely';
import type { Database, VariableRow } from '../../db/database.js';
import { ValidationError, type PendingIssue, mustFind } from '../errors.js';
import { assertVersion, lockWhenUnversioned, versionConflict } from '../http.js';
import { findPlot, listPlots } from '../plots/plots.repository.js';
import { getTrial } from '../trials/trials.service.js';
import { findVariable, listVariablesByCode } from '../variables/variables.repository.js';
import { lockTrialDataVersion } from '../imports/imports.repository.js';
import { sameDecimal } from '../imports/cells.js';
import { exactValue, isStoredValue, toStoredValue, typedValue, type StoredValue } from './observation-values.js';
import { implausible, todayInZone } from './plausibility.js';
import * as repo from './observations.repository.js';
import type { ObservationInput, ObservationPatch } from './observations.schemas.js';
import { softDeletion } from '../soft-deletion.js';

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
    reading: o.reading,
    recordedBy: o.recordedBy,
    notes: o.notes,
    version: o.version,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}
export type ObservationDto = ReturnType<typeof observationDto>;

export async function getObservation(db: Kysely<Database>, id: number) {
  return mustFind(await repo.findObservation(db, id), 'ObservationNotFound', id);
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

/** The identity of an observation: plot, variable, observed-on (a missing day is one value), reading. */
export const identityKey = (o: { plotId: number; variableId: number; observedOn: string | null; reading: number }) =>
  `${o.plotId}|${o.variableId}|${o.observedOn ?? ''}|${o.reading}`;

/** Whether two stored values are the same value ("5427.1" and "5427.10" are). */
export function sameStoredValue(a: StoredValue, b: StoredValue): boolean {
  if (a.valueNumber !== null || b.valueNumber !== null) return a.valueNumber !== null && b.valueNumber !== null && sameDecimal(String(a.valueNumber), String(b.valueNumber));
  return a.valueDate === b.valueDate && a.valueText === b.valueText;
}

export type CreateResult = 'created' | 'unchanged';

/**
 * Checks every row (plot, variable, value, range, plausible dates, one identity per row) and
 * writes all of them in one transaction, or none. An item whose identity (plot, variable,
 * observed-on, reading) already holds the same value is "unchanged" and not stored again;
 * one that holds a different value refuses the whole batch with 409 ObservationExists,
 * naming the existing observations so the client can PATCH them. Writers to one trial are
 * serialised on its data version row, so two identical batches at once store one copy.
 */
export async function createObservations(db: Kysely<Database>, trialId: number, inputs: ObservationInput[], batch: boolean) {
  return db.transaction().execute(async (tx) => {
    await lockTrialDataVersion(tx, trialId);
    const { plots, variables } = await observationTargets(tx, trialId);
    const unknownCodes = [...new Set(inputs.map((i) => i.variable).filter((c) => !variables.has(c)))];
    const existingElsewhere = new Set((await listVariablesByCode(tx, unknownCodes)).map((v) => v.code));
    const issues: PendingIssue[] = [];
    const rows: (StoredValue & { plotId: number; variableId: number; observedOn: string | null; reading: number; notes?: string | null; recordedBy?: string | null; index: number })[] = [];
    const seen = new Map<string, number>();
    const today = todayInZone();
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
      const observedOn = input.observedOn ?? null;
      const reading = input.reading ?? 1;
      if (!plot) continue;
      const wrong = implausible({ observedOn, valueDate: stored.valueDate }, plot, today);
      if (wrong.length) {
        issues.push(...wrong.map((w) => ({ ...row, ...w })));
        continue;
      }
      const candidate = { plotId: plot.id, variableId: variable.id, ...stored, observedOn, reading, notes: input.notes, recordedBy: input.recordedBy, index: i };
      const key = identityKey(candidate);
      const first = seen.get(key);
      if (first !== undefined) {
        issues.push({ ...row, path: 'reading', key: 'v.duplicateObservation', params: { first: first + 1, plot: plot.label, date: observedOn ?? '-', reading }, names: { variable: { name: variable.name, nameEn: variable.nameEn } } });
        continue;
      }
      seen.set(key, i);
      rows.push(candidate);
    }
    if (issues.length) throw new ValidationError(issues);

    const existing = new Map((await repo.listByIdentity(tx, rows)).map((o) => [identityKey(o), o]));
    const conflicts: PendingIssue[] = [];
    const existingOut: { id: number; value: number | string | null; version: number; row?: number }[] = [];
    const unchanged = new Map<number, number>();
    const creates: typeof rows = [];
    for (const r of rows) {
      const o = existing.get(identityKey(r));
      if (!o) {
        creates.push(r);
        continue;
      }
      const row = batch ? { row: r.index + 1 } : {};
      const input = inputs[r.index];
      const variable = variables.get(input.variable)!;
      if (sameStoredValue(o, r)) {
        // The same value with notes of its own (typed offline, say, while a colleague
        // entered the value) is not "unchanged": the notes would be lost without a word.
        if (r.notes && r.notes !== o.notes) {
          conflicts.push({
            ...row,
            path: 'notes',
            key: 'v.observationNotesDiffer',
            params: { plot: input.plot, date: r.observedOn ?? '-', reading: r.reading, value: exactValue(o) ?? '', existing: o.notes ?? '' },
            names: { variable: { name: variable.name, nameEn: variable.nameEn } },
          });
          existingOut.push({ id: Number(o.id), value: typedValue(o), version: o.version, ...row });
          continue;
        }
        unchanged.set(r.index, Number(o.id));
        continue;
      }
      conflicts.push({
        ...row,
        path: 'value',
        key: 'v.observationExists',
        params: { plot: input.plot, date: r.observedOn ?? '-', reading: r.reading, existing: exactValue(o) ?? '', value: exactValue(r) ?? '' },
        names: { variable: { name: variable.name, nameEn: variable.nameEn } },
      });
      existingOut.push({ id: Number(o.id), value: typedValue(o), version: o.version, ...row });
    }
    if (conflicts.length) throw new ValidationError(conflicts, 409, 'ObservationExists', { count: conflicts.length }, { existing: existingOut });

    const ids = await repo.insertObservations(
      tx,
      creates.map(({ index: _i, ...r }) => r),
    );
    const createdAt = new Map(creates.map((r, k) => [r.index, ids[k]]));
    const byId = new Map((await repo.listObservationsById(tx, [...ids, ...unchanged.values()])).map((o) => [Number(o.id), o]));
    return inputs.map((_, i) => {
      const id = createdAt.get(i) ?? unchanged.get(i)!;
      return { ...byId.get(id)!, result: (createdAt.has(i) ? 'created' : 'unchanged') as CreateResult };
    });
  });
}

export async function patchObservation(db: Kysely<Database>, id: number, patch: ObservationPatch) {
  return db.transaction().execute(async (tx) => {
    await lockWhenUnversioned(tx, 'observations', id, patch.version);
    const current = await getObservation(tx, id);
    assertVersion(patch.version, current, observationDto(current));
    const { version: _v, value, ...rest } = patch;
    let stored = {};
    if (value !== undefined) {
      const variable = mustFind(await findVariable(tx, current.variableId), 'VariableNotFound', current.variableId);
      const s = toStoredValue(variable, value);
      if (!isStoredValue(s)) throw new ValidationError([{ path: 'value', ...s }]);
      stored = s;
    }
    // The checks a new observation meets, for what this patch changes: an observed-on day or
    // a date value after today, a date value before the plot was planted.
    const changes = { observedOn: rest.observedOn, valueDate: value !== undefined ? (stored as StoredValue).valueDate : undefined };
    if (changes.observedOn || changes.valueDate) {
      const plot = mustFind(await findPlot(tx, current.plotId), 'PlotNotFound', current.plotId);
      const wrong = implausible(changes, plot, todayInZone());
      if (wrong.length) throw new ValidationError(wrong);
    }
    if (!(await repo.updateObservation(tx, id, { ...rest, ...stored }, current.version))) {
      throw versionConflict(observationDto(await getObservation(tx, id)));
    }
    return getObservation(tx, id);
  });
}

const observationDeletion = softDeletion(repo.setObservationDeleted, 'ObservationNotFound', getObservation, { loadFirst: true });

export const deleteObservation = observationDeletion.remove;

/** Undoes a delete: the observation counts again in the plot's value and the report. */
export const restoreObservation = observationDeletion.restore;
