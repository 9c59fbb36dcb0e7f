import type { Kysely } from 'kysely';
import type { Database, ProjectCategory, ProjectRow, ProjectStatus } from '../../db/database.js';
import { AppError, ValidationError, mustFind } from '../errors.js';
import { assertVersion, versionConflict } from '../http.js';
import { visibleProjectIds } from '../accounts/access.js';
import * as repo from './projects.repository.js';
import type { ProjectInput, ProjectPatch } from './projects.schemas.js';
import { findProgramme } from '../programmes/programmes.repository.js';
import { listOpenRectifications } from '../inspections/inspections.repository.js';

export interface ProjectDto {
  id: number;
  code: string;
  name: string;
  nameEn: string | null;
  category: ProjectCategory | null;
  leadOrganisation: string | null;
  partnerOrganisations: string[];
  startsOn: string | null;
  endsOn: string | null;
  targets: { personTimes: number | null; demoHouseholds: number | null };
  description: string | null;
  programmeId: number | null;
  newThisYear: boolean;
  prefecture: string | null;
  county: string | null;
  povertyCounty: boolean;
  supportingProvince: string | null;
  /** In 万元, exact decimal text. */
  budget: string | null;
  status: ProjectStatus | null;
  isDemo: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export function projectDto(p: ProjectRow): ProjectDto {
  return {
    id: p.id,
    code: p.code,
    name: p.name,
    nameEn: p.nameEn,
    category: p.category,
    leadOrganisation: p.leadOrganisation,
    partnerOrganisations: p.partnerOrganisations,
    startsOn: p.startsOn,
    endsOn: p.endsOn,
    targets: { personTimes: p.targetPersonTimes, demoHouseholds: p.targetDemoHouseholds },
    description: p.description,
    programmeId: p.programmeId,
    newThisYear: p.newThisYear,
    prefecture: p.prefecture,
    county: p.county,
    povertyCounty: p.povertyCounty,
    supportingProvince: p.supportingProvince,
    budget: p.budget,
    status: p.status,
    isDemo: p.isDemo,
    version: p.version,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export async function getProject(db: Kysely<Database>, id: number): Promise<ProjectRow> {
  return mustFind(await repo.findProject(db, id), 'ProjectNotFound', id);
}

/** Whether the database holds any project yet (the demonstration data loads only into one without). */
export const hasProjects = async (db: Kysely<Database>) => !!(await repo.findAnyProject(db));

/** The ids of the projects the demonstration data made. */
export const listDemoProjectIds = (db: Kysely<Database>) => repo.listDemoProjectIds(db);

/** The projects the current account may see (all of them outside a request). */
export async function listProjects(db: Kysely<Database>): Promise<ProjectRow[]> {
  const all = await repo.listProjects(db);
  const visible = visibleProjectIds();
  return visible ? all.filter((p) => visible.includes(p.id)) : all;
}

export async function createProject(db: Kysely<Database>, input: ProjectInput, opts: { isDemo?: boolean } = {}): Promise<ProjectRow> {
  return db.transaction().execute(async (tx) => {
    if (input.code && (await repo.findProjectByCode(tx, input.code))) {
      throw new ValidationError([{ path: 'code', key: 'v.duplicateCode', params: { value: input.code } }]);
    }
    await assertProgrammeExists(tx, input.programmeId);
    const row = await repo.insertProject(tx, {
      code: input.code ?? `tmp-${process.pid}-${Date.now()}-${Math.random()}`,
      name: input.name,
      nameEn: input.nameEn,
      category: input.category,
      leadOrganisation: input.leadOrganisation,
      partnerOrganisations: input.partnerOrganisations ?? [],
      startsOn: input.startsOn ?? null,
      endsOn: input.endsOn ?? null,
      targetPersonTimes: input.targets?.personTimes ?? null,
      targetDemoHouseholds: input.targets?.demoHouseholds ?? null,
      description: input.description,
      programmeId: input.programmeId ?? null,
      newThisYear: input.newThisYear ?? false,
      prefecture: input.prefecture,
      county: input.county,
      povertyCounty: input.povertyCounty ?? false,
      supportingProvince: input.supportingProvince,
      budget: input.budget ?? null,
      status: input.status ?? null,
      isDemo: opts.isDemo ?? false,
    });
    if (input.code) return row;
    // A project without a code is numbered after its id: P1, P2 ...
    return repo.setCodeFromId(tx, row.id);
  });
}

export async function patchProject(db: Kysely<Database>, id: number, patch: ProjectPatch): Promise<ProjectRow> {
  return db.transaction().execute(async (tx) => {
    // Locked so that an inspection cannot add an open item between the check below and the update.
    await repo.lockProject(tx, id);
    const current = await getProject(tx, id);
    assertVersion(patch.version, current, projectDto(current));
    if (patch.code && patch.code !== current.code && (await repo.findProjectByCode(tx, patch.code))) {
      throw new ValidationError([{ path: 'code', key: 'v.duplicateCode', params: { value: patch.code } }]);
    }
    const startsOn = patch.startsOn !== undefined ? patch.startsOn : current.startsOn;
    const endsOn = patch.endsOn !== undefined ? patch.endsOn : current.endsOn;
    if (startsOn && endsOn && endsOn < startsOn) {
      throw new ValidationError([{ path: 'endsOn', key: 'v.endBeforeStart' }]);
    }
    await assertProgrammeExists(tx, patch.programmeId);
    if (patch.status === 'accepted' && current.status !== 'accepted') await assertNoOpenRectifications(tx, id);
    const { version: _v, targets, ...rest } = patch;
    const updated = await repo.updateProject(tx, id, current.version, {
      ...rest,
      ...(targets?.personTimes !== undefined ? { targetPersonTimes: targets.personTimes } : {}),
      ...(targets?.demoHouseholds !== undefined ? { targetDemoHouseholds: targets.demoHouseholds } : {}),
    });
    if (!updated) throw versionConflict(projectDto(await getProject(tx, id)));
    return updated;
  });
}

async function assertProgrammeExists(db: Kysely<Database>, programmeId: number | null | undefined): Promise<void> {
  if (programmeId === undefined || programmeId === null) return;
  const found = await findProgramme(db, programmeId);
  if (!found) throw new ValidationError([{ path: 'programmeId', key: 'v.unknownProgramme', params: { value: programmeId } }]);
}

/** A project is accepted only once every rectification item of its inspections is closed:
 * otherwise 409 naming the open items. */
async function assertNoOpenRectifications(db: Kysely<Database>, projectId: number): Promise<void> {
  const open = await listOpenRectifications(db, projectId);
  if (open.length === 0) return;
  throw new AppError(
    409,
    'OpenRectifications',
    'error.OpenRectifications',
    { count: open.length, items: open.map((o) => `“${o.item}”`).join('; ') },
    [],
    { openItems: open.map((o) => ({ id: o.id, item: o.item, dueOn: o.dueOn, inspectedOn: o.inspectedOn })) },
  );
}
