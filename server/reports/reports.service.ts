import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { buildAnova, buildComparisons, type ReportCell, type VariableKind } from '../../analysis/index.js';
import { headlineDto } from './report-text.js';
import { summarizeTraining } from '../../analysis/training.js';
import { getProject } from '../projects/projects.service.js';
import { getTrial, trialDto } from '../trials/trials.service.js';
import { listSessions } from '../training/training.service.js';
import * as repo from './reports.repository.js';
import { listFarmers } from '../farmers/farmers.repository.js';
import { versionedCache } from '../versioned-cache.js';

/**
 * The treatment-versus-control report of a trial: per variable and treatment arm, each
 * site's comparison and the across-site summary with its headline worded in zh and en;
 * for trials with three or more arms the analysis of variance per variable (`anova`).
 * analysis/ does the statistics; this reads the per-plot values in one query, gathered per
 * site × arm × variable (site_arm_values), and hands them on as such cells, never as one
 * object per plot.
 */
async function buildTrialReport(db: Kysely<Database>, trialId: number) {
  const detail = await getTrial(db, trialId);
  const [sites, cells] = await Promise.all([repo.listTrialSites(db, trialId), repo.listReportValueCells(db, trialId)]);
  const armNames = new Map(detail.arms.map((a) => [a.id, a.name]));
  const variableCodes = new Map(detail.variables.map((v) => [v.id, v.code]));
  const reportCells: ReportCell[] = cells.map((c) => ({
    siteId: c.siteId,
    // A plot on another trial's arm is reported (and flagged) as an unlisted arm.
    arm: armNames.get(c.armId) ?? `#${c.armId}`,
    variable: variableCodes.get(c.variableId) ?? `#${c.variableId}`,
    plotIds: c.plotIds,
    blocks: c.blocks,
    values: c.missingPlanting === null || c.values === null ? c.values : c.values.map((v, i) => (c.missingPlanting![i] ? null : v)),
    texts: c.texts,
    flags: c.missingPlanting === null ? null : c.missingPlanting.map((m) => (m ? 'missingPlantingDate' : null)),
  }));
  const input = {
    design: detail.trial.design,
    arms: detail.arms.map((a) => ({ name: a.name, role: a.role })),
    sites: sites.map((s) => ({ id: s.id, name: s.name })),
    variables: detail.variables.map((v) => ({ code: v.code, name: v.name, nameEn: v.nameEn, kind: v.kind as VariableKind, unit: v.unit })),
    cells: reportCells,
  };
  const comparisons = buildComparisons(input).map((c) => ({ ...c, headline: headlineDto(c.variable, c.headline) }));
  return {
    trial: trialDto(detail),
    sites: sites.map((s) => ({ id: s.id, name: s.name, nameEn: s.nameEn })),
    comparisons,
    anova: buildAnova(input),
  };
}

interface CachedReport {
  /** The trial's data version the report was computed at (at least the one asked for). */
  version: number;
  report: TrialReport;
  /** The report as JSON, gzipped on first request for it, and its entity tag. */
  body?: ReportBody;
}

export interface ReportBody {
  json: Buffer;
  gzip?: Promise<Buffer>;
  etag: string;
}

const gzipAsync = promisify(gzip);

/** Reports of recently read trials (the least recently read dropped first), each under the
 * data version it was computed at. */
const cache = versionedCache<number, CachedReport>({ capacity: 100, versionOf: (c) => c.version });

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The version and the report read in one snapshot, so the report is exactly that version's. */
async function computeVersioned(db: Kysely<Database>, trialId: number): Promise<CachedReport> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (tx) => {
      const version = (await repo.findTrialDataVersion(tx, trialId)) ?? 0;
      return { version, report: deepFreeze(await buildTrialReport(tx, trialId)) };
    });
}

/**
 * The report of a trial, computed once per data version and shared until a write moves the
 * version (a version check is one indexed read). Any process on the same database sees the
 * same versions, so every process's cache stays correct. Concurrent readers of a version
 * being computed wait for that one computation.
 */
async function cachedReport(db: Kysely<Database>, trialId: number, knownVersion?: number): Promise<CachedReport> {
  if (db.isTransaction) return { version: 0, report: await buildTrialReport(db, trialId) };
  const version = knownVersion ?? (await repo.findTrialDataVersion(db, trialId));
  if (version === undefined) return { version: 0, report: await buildTrialReport(db, trialId) };
  return cache.get(trialId, version, () => computeVersioned(db, trialId));
}

/**
 * The treatment-versus-control report of a trial (see buildTrialReport). Shared between
 * callers and frozen: read it, never change it.
 */
export async function trialReport(db: Kysely<Database>, trialId: number) {
  return (await cachedReport(db, trialId)).report;
}

/**
 * The trial's report as JSON bytes with an entity tag (a hash of those bytes), made once per
 * data version, so answering an unchanged report costs a version check and a write. A caller
 * that has just read the trial's data version from the same database passes it
 * (`knownVersion`) and saves the check.
 */
export async function trialReportJson(db: Kysely<Database>, trialId: number, knownVersion?: number): Promise<ReportBody> {
  const c = await cachedReport(db, trialId, knownVersion);
  if (!c.body) {
    const json = Buffer.from(JSON.stringify(c.report));
    c.body = { json, etag: `"${createHash('sha1').update(json).digest('base64url')}"` };
  }
  return c.body;
}

/**
 * The report's JSON gzipped (about a quarter of the bytes), compressed once per data version
 * on the thread pool: the 400 KB of a large trial take 10-20 ms to compress, which would
 * otherwise hold up every other request of the process.
 */
export function gzipped(body: ReportBody): Promise<Buffer> {
  return (body.gzip ??= gzipAsync(body.json).catch((error: unknown) => {
    body.gzip = undefined;
    throw error;
  }));
}

/** Forgets every cached report (the benchmarks time the computation itself). */
export function clearReportCache(): void {
  cache.clear();
}
export type TrialReport = Awaited<ReturnType<typeof buildTrialReport>>;

/** Training figures of a project: person-times against unique farmers, women, households,
 * by month, kind and site, and progress against the project's targets. */
export async function trainingSummary(db: Kysely<Database>, projectId: number) {
  const project = await getProject(db, projectId);
  const [sessions, farmers] = await Promise.all([
    listSessions(db, projectId),
    listFarmers(db, projectId),
  ]);
  return summarizeTraining({
    sessions: sessions.map((s) => ({
      id: s.id,
      heldOn: s.heldOn,
      kind: s.kind,
      siteId: s.siteId,
      siteName: s.siteName,
      village: s.village,
      attendance: s.attendance,
      women: s.women,
      attendees: s.attendees,
    })),
    farmers,
    target: { personTimes: project.targetPersonTimes, demoHouseholds: project.targetDemoHouseholds },
  });
}
export type TrainingSummaryDto = Awaited<ReturnType<typeof trainingSummary>>;
