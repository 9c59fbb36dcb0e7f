import type { Kysely } from 'kysely';
import type { Database, OutputRow } from '../../db/database.js';
import { getProject } from '../projects/projects.service.js';
import * as repo from './outputs.repository.js';
import type { OutputInput } from './outputs.schemas.js';

export function outputDto(o: OutputRow) {
  return {
    id: o.id,
    projectId: o.projectId,
    kind: o.kind,
    title: o.title,
    date: o.outputOn,
    number: o.number,
    count: o.count,
    notes: o.notes,
    createdAt: o.createdAt,
  };
}
export type OutputDto = ReturnType<typeof outputDto>;

export async function listOutputs(db: Kysely<Database>, projectIds: number[]): Promise<OutputDto[]> {
  return (await repo.listOutputs(db, projectIds)).map(outputDto);
}

export async function createOutput(db: Kysely<Database>, projectId: number, input: OutputInput): Promise<OutputDto> {
  await getProject(db, projectId);
  const row = await repo.insertOutput(db, {
    projectId,
    kind: input.kind,
    title: input.title,
    outputOn: input.date ?? null,
    number: input.number ?? null,
    count: input.count ?? null,
    notes: input.notes ?? null,
  });
  return outputDto(row);
}
