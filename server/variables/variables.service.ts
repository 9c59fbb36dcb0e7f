import type { Kysely } from 'kysely';
import type { Aggregation, Database, VariableKind, VariableRow } from '../../db/database.js';
import { ValidationError, mustFind } from '../errors.js';
import { KINDS } from './kinds.js';
import * as repo from './variables.repository.js';
import type { VariableInput } from './variables.schemas.js';

/** The rule that combines several observations of one plot when a variable names none. */
export function defaultAggregation(kind: VariableKind): Aggregation {
  return KINDS[kind].defaultAggregation;
}

export function variableDto(v: VariableRow) {
  return {
    id: v.id,
    code: v.code,
    name: v.name,
    nameEn: v.nameEn,
    kind: v.kind,
    unit: v.unit,
    aggregation: v.aggregation ?? defaultAggregation(v.kind),
    minimum: v.minimum === null ? null : Number(v.minimum),
    maximum: v.maximum === null ? null : Number(v.maximum),
    categories: v.categories,
    description: v.description,
  };
}
export type VariableDto = ReturnType<typeof variableDto>;

export const listVariables = (db: Kysely<Database>) => repo.listVariables(db);

export async function getVariable(db: Kysely<Database>, id: number): Promise<VariableRow> {
  return mustFind(await repo.findVariable(db, id), 'VariableNotFound', id);
}

export async function createVariable(db: Kysely<Database>, input: VariableInput): Promise<VariableRow> {
  return db.transaction().execute(async (tx) => {
    if ((await repo.listVariablesByCode(tx, [input.code])).length) {
      throw new ValidationError([{ path: 'code', key: 'v.duplicateCode', params: { value: input.code } }]);
    }
    const zh = typeof input.name === 'string' ? input.name : input.name.zh;
    const en = typeof input.name === 'string' ? input.nameEn : (input.name.en ?? input.nameEn);
    return repo.insertVariable(tx, {
      code: input.code,
      name: zh,
      nameEn: en ?? null,
      kind: input.kind,
      unit: input.unit,
      aggregation: input.aggregation ?? defaultAggregation(input.kind),
      minimum: input.minimum ?? null,
      maximum: input.maximum ?? null,
      categories: input.categories ?? null,
      description: input.description,
    });
  });
}
