import type { Kysely } from 'kysely';
import type { Database, SiteRow } from '../../db/database.js';
import { ValidationError, mustFind } from '../errors.js';
import { assertVersion, lockWhenUnversioned, versionConflict } from '../http.js';
import { getProject } from '../projects/projects.service.js';
import * as repo from './sites.repository.js';
import type { SiteInput, SitePatch } from './sites.schemas.js';

export function siteDto(s: SiteRow) {
  return {
    id: s.id,
    projectId: s.projectId,
    name: s.name,
    nameEn: s.nameEn,
    county: s.county,
    township: s.township,
    village: s.village,
    latitude: s.latitude === null ? null : Number(s.latitude),
    longitude: s.longitude === null ? null : Number(s.longitude),
    kind: s.kind,
    notes: s.notes,
    version: s.version,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}
export type SiteDto = ReturnType<typeof siteDto>;

export async function getSite(db: Kysely<Database>, id: number): Promise<SiteRow> {
  return mustFind(await repo.findSite(db, id), 'SiteNotFound', id);
}

export async function listSites(db: Kysely<Database>, projectId: number): Promise<SiteRow[]> {
  await getProject(db, projectId);
  return repo.listSites(db, projectId);
}

export async function createSite(db: Kysely<Database>, projectId: number, input: SiteInput): Promise<SiteRow> {
  return db.transaction().execute(async (tx) => {
    await getProject(tx, projectId);
    if (await repo.findSiteByName(tx, projectId, input.name)) {
      throw new ValidationError([{ path: 'name', key: 'v.duplicateName', params: { value: input.name } }]);
    }
    return repo.insertSite(tx, { ...input, latitude: input.latitude ?? null, longitude: input.longitude ?? null, projectId });
  });
}

export async function patchSite(db: Kysely<Database>, id: number, patch: SitePatch): Promise<SiteRow> {
  return db.transaction().execute(async (tx) => {
    await lockWhenUnversioned(tx, 'sites', id, patch.version);
    const current = await getSite(tx, id);
    assertVersion(patch.version, current, siteDto(current));
    if (patch.name && patch.name !== current.name && (await repo.findSiteByName(tx, current.projectId, patch.name))) {
      throw new ValidationError([{ path: 'name', key: 'v.duplicateName', params: { value: patch.name } }]);
    }
    const { version: _v, ...rest } = patch;
    const updated = await repo.updateSite(tx, id, current.version, rest);
    if (!updated) throw versionConflict(siteDto(await getSite(tx, id)));
    return updated;
  });
}
