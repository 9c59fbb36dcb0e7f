import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { ValidationError, type PendingIssue, mustFind } from '../errors.js';
import { assertVersion, lockWhenUnversioned, versionConflict } from '../http.js';
import { getProject } from '../projects/projects.service.js';
import * as repo from './training.repository.js';
import type { TrainingSessionInput, TrainingSessionPatch } from './training.schemas.js';
import { listRosterFarmers } from '../farmers/farmers.repository.js';
import { listSites } from '../sites/sites.repository.js';
import { softDeletion } from '../soft-deletion.js';

/** A session has a roster when farmers were registered for it; otherwise `attendees` is null
 * and it counts as a head count only. */
export function sessionDto(s: repo.SessionView, roster: number[] | undefined) {
  return {
    id: s.id,
    projectId: s.projectId,
    heldOn: s.heldOn,
    kind: s.kind,
    topic: s.topic,
    siteId: s.siteId,
    siteName: s.siteName,
    village: s.village,
    trainer: s.trainer,
    attendance: s.attendance,
    women: s.women,
    attendees: roster ?? null,
    notes: s.notes,
    version: s.version,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}
export type SessionDto = ReturnType<typeof sessionDto>;

export async function listSessions(db: Kysely<Database>, projectId: number) {
  await getProject(db, projectId);
  const sessions = await repo.listSessions(db, projectId);
  const rosters = await repo.projectRosters(db, projectId);
  return sessions.map((s) => sessionDto(s, rosters.get(s.id)));
}

export async function getSession(db: Kysely<Database>, id: number) {
  const s = mustFind(await repo.findSession(db, id), 'TrainingSessionNotFound', id);
  return sessionDto(s, (await repo.rosters(db, [id])).get(id));
}

type Checked = Pick<TrainingSessionInput, 'siteId' | 'attendance' | 'women' | 'attendees'>;

/** Sites and roster farmers must be the project's; attendance can never be below the
 * roster's size, and women neither above attendance nor below the roster's women (nor
 * above them when the roster names every attendee with a known gender). */
export async function checkSessions(tx: Kysely<Database>, projectId: number, inputs: Checked[], batch: boolean) {
  const sites = new Set((await listSites(tx, projectId)).map((s) => s.id));
  const farmerIds = [...new Set(inputs.flatMap((i) => i.attendees ?? []))];
  const farmers = new Map((await listRosterFarmers(tx, projectId, farmerIds)).map((f) => [f.id, f]));
  const issues: PendingIssue[] = [];
  inputs.forEach((s, i) => {
    const row = batch ? { row: i + 1 } : {};
    if (s.siteId != null && !sites.has(s.siteId)) issues.push({ ...row, path: 'siteId', key: 'v.unknownSite', params: { value: s.siteId } });
    (s.attendees ?? []).forEach((f, j) => {
      if (!farmers.has(f)) issues.push({ ...row, path: `attendees.${j}`, key: 'v.unknownFarmer', params: { value: f } });
    });
    const roster = s.attendees?.length ?? 0;
    if (s.attendance < roster) {
      issues.push({ ...row, path: 'attendance', key: 'v.attendanceBelowRoster', params: { attendance: s.attendance, roster } });
    }
    if (s.women != null) {
      if (s.women > s.attendance) issues.push({ ...row, path: 'women', key: 'v.womenAboveAttendance', params: { women: s.women, attendance: s.attendance } });
      const rosterWomen = (s.attendees ?? []).filter((f) => farmers.get(f)?.gender === 'female').length;
      if (s.women < rosterWomen) issues.push({ ...row, path: 'women', key: 'v.womenBelowRoster', params: { women: s.women, roster: rosterWomen } });
      // A roster naming every attendee, each with a known gender, says how many were women.
      const complete = roster > 0 && roster === s.attendance && (s.attendees ?? []).every((f) => farmers.get(f)?.gender != null);
      if (complete && s.women > rosterWomen) issues.push({ ...row, path: 'women', key: 'v.womenAboveFullRoster', params: { women: s.women, roster: rosterWomen, attendance: s.attendance } });
    }
  });
  if (issues.length) throw new ValidationError(issues);
}

export async function writeRoster(tx: Kysely<Database>, sessionId: number, attendees: number[] | null | undefined) {
  await repo.replaceRoster(tx, sessionId, attendees ?? []);
}

export async function createSessions(db: Kysely<Database>, projectId: number, inputs: TrainingSessionInput[], batch: boolean) {
  const ids = await db.transaction().execute(async (tx) => {
    await getProject(tx, projectId);
    await checkSessions(tx, projectId, inputs, batch);
    const out: number[] = [];
    for (const s of inputs) {
      const { attendees, ...fields } = s;
      const row = await repo.insertSession(tx, { ...fields, siteId: fields.siteId ?? null, women: fields.women ?? null, projectId });
      await writeRoster(tx, row.id, attendees);
      out.push(row.id);
    }
    return out;
  });
  return Promise.all(ids.map((id) => getSession(db, id)));
}

export async function patchSession(db: Kysely<Database>, id: number, patch: TrainingSessionPatch) {
  await db.transaction().execute(async (tx) => {
    await lockWhenUnversioned(tx, 'trainingSessions', id, patch.version);
    const current = await getSession(tx, id);
    assertVersion(patch.version, current, current);
    const merged = {
      siteId: patch.siteId !== undefined ? patch.siteId : current.siteId,
      attendance: patch.attendance ?? current.attendance,
      women: patch.women !== undefined ? patch.women : current.women,
      attendees: patch.attendees !== undefined ? patch.attendees : current.attendees,
    };
    await checkSessions(tx, current.projectId, [merged], false);
    const { version: _v, attendees, ...fields } = patch;
    const updated = await repo.updateSession(tx, id, current.version, fields);
    if (!updated) throw versionConflict(await getSession(tx, id));
    if (attendees !== undefined) await writeRoster(tx, id, attendees);
  });
  return getSession(db, id);
}


const sessionDeletion = softDeletion(repo.setSessionDeleted, 'TrainingSessionNotFound', getSession);

export const deleteSession = sessionDeletion.remove;

export const restoreSession = sessionDeletion.restore;
