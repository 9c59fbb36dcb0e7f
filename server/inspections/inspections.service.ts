import type { Kysely } from 'kysely';
import type { Database, InspectionRow, RectificationRow } from '../../db/database.js';
import { AppError, ValidationError, mustFind } from '../errors.js';
import { getProject } from '../projects/projects.service.js';
import * as repo from './inspections.repository.js';
import type { CloseRectification, InspectionInput } from './inspections.schemas.js';
import { lockProject } from '../projects/projects.repository.js';

/** Today's date (UTC) as YYYY-MM-DD: an open item due before it is overdue. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function rectificationDto(r: RectificationRow, asOf = today()) {
  return {
    id: r.id,
    inspectionId: r.inspectionId,
    item: r.item,
    dueOn: r.dueOn,
    closedOn: r.closedOn,
    note: r.closeNote,
    open: r.closedOn === null,
    overdue: r.closedOn === null && r.dueOn !== null && r.dueOn < asOf,
    version: r.version,
  };
}
export type RectificationDto = ReturnType<typeof rectificationDto>;

export function inspectionDto(i: InspectionRow, items: RectificationRow[], asOf = today()) {
  return {
    id: i.id,
    projectId: i.projectId,
    date: i.inspectedOn,
    experts: i.experts,
    findings: i.findings,
    rectifications: items.filter((r) => r.inspectionId === i.id).map((r) => rectificationDto(r, asOf)),
    createdAt: i.createdAt,
  };
}
export type InspectionDto = ReturnType<typeof inspectionDto>;

/** The inspections of some projects with their rectification items, oldest first. */
export async function listInspections(db: Kysely<Database>, projectIds: number[]): Promise<InspectionDto[]> {
  const inspections = await repo.listInspections(db, projectIds);
  const items = await repo.listRectifications(db, inspections.map((i) => i.id));
  const asOf = today();
  return inspections.map((i) => inspectionDto(i, items, asOf));
}

/**
 * Records an inspection and its rectification items in one transaction. An accepted project
 * cannot be given open items (set it to `rectifying` first), so "accepted" always means
 * nothing is open.
 */
export async function createInspection(db: Kysely<Database>, projectId: number, input: InspectionInput): Promise<InspectionDto> {
  return db.transaction().execute(async (tx) => {
    await lockProject(tx, projectId);
    const project = await getProject(tx, projectId);
    const items = input.rectifications ?? [];
    const issues = items.flatMap((r, i) =>
      r.dueOn && r.dueOn < input.date ? [{ path: `rectifications.${i}.dueOn`, key: 'v.dueBeforeInspection' as const, params: { value: r.dueOn, date: input.date } }] : [],
    );
    if (issues.length) throw new ValidationError(issues);
    if (items.length && project.status === 'accepted') throw new AppError(409, 'ProjectAccepted', 'error.ProjectAccepted', { id: projectId });
    const inspection = await repo.insertInspection(tx, { projectId, inspectedOn: input.date, experts: input.experts, findings: input.findings });
    const rows = await repo.insertRectifications(
      tx,
      items.map((r, i) => ({ inspectionId: inspection.id, position: i + 1, item: r.item, dueOn: r.dueOn ?? null })),
    );
    return inspectionDto(inspection, rows);
  });
}

/** Closes an open rectification item with the date it was put right and a note. */
export async function closeRectification(db: Kysely<Database>, id: number, input: CloseRectification): Promise<RectificationDto> {
  return db.transaction().execute(async (tx) => {
    const current = mustFind(await repo.findRectification(tx, id), 'RectificationNotFound', id);
    if (current.closedOn !== null) throw new AppError(409, 'RectificationClosed', 'error.RectificationClosed', { id, date: current.closedOn }, [], { current: rectificationDto(current) });
    if (input.version !== undefined && input.version !== current.version) throw new AppError(409, 'VersionConflict', 'error.VersionConflict', {}, [], { current: rectificationDto(current) });
    const inspection = mustFind(await repo.findInspection(tx, current.inspectionId), 'NotFound', current.inspectionId);
    if (input.closedOn < inspection.inspectedOn) {
      throw new ValidationError([{ path: 'closedOn', key: 'v.closedBeforeInspection', params: { value: input.closedOn, date: inspection.inspectedOn } }]);
    }
    const closed = await repo.closeRectification(tx, id, input.closedOn, input.note);
    if (!closed) throw new AppError(409, 'RectificationClosed', 'error.RectificationClosed', { id, date: '' });
    return rectificationDto(closed);
  });
}

/** One rectification item with the project it belongs to (for the closing form). */
export async function getRectification(db: Kysely<Database>, id: number) {
  const r = mustFind(await repo.findRectification(db, id), 'RectificationNotFound', id);
  return { ...rectificationDto(r), projectId: r.projectId };
}
