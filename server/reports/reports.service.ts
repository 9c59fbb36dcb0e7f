import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { buildComparisons, type ReportPlotValue, type VariableKind } from '../../analysis/index.js';
import { summarizeTraining } from '../../analysis/training.js';
import { getProject } from '../projects/projects.service.js';
import { getTrial, trialDto } from '../trials/trials.service.js';
import { listSessions } from '../training/training.service.js';
import * as repo from './reports.repository.js';

/**
 * The treatment-versus-control report of a trial: per variable and treatment arm, each
 * site's comparison and the across-site summary with its headline (analysis/ does the
 * statistics; this reads the per-plot values in one query).
 */
export async function trialReport(db: Kysely<Database>, trialId: number) {
  const detail = await getTrial(db, trialId);
  const [sites, values] = await Promise.all([repo.listTrialSites(db, trialId), repo.listReportPlotValues(db, trialId)]);
  const plotValues: ReportPlotValue[] = values.map((v) => ({
    plotId: v.plotId,
    siteId: v.siteId,
    arm: v.arm,
    block: v.block,
    variable: v.variable,
    value: v.missingPlanting || v.value === null ? null : Number(v.value),
    text: v.text,
    ...(v.missingPlanting ? { flag: 'missingPlantingDate' as const } : {}),
  }));
  const comparisons = buildComparisons({
    design: detail.trial.design,
    arms: detail.arms.map((a) => ({ name: a.name, role: a.role })),
    sites: sites.map((s) => ({ id: s.id, name: s.name })),
    variables: detail.variables.map((v) => ({ code: v.code, name: v.name, nameEn: v.nameEn, kind: v.kind as VariableKind, unit: v.unit })),
    plotValues,
  });
  const siteNamesEn = Object.fromEntries(sites.map((s) => [s.id, s.nameEn]));
  return { trial: trialDto(detail), sites: sites.map((s) => ({ id: s.id, name: s.name, nameEn: siteNamesEn[s.id] })), comparisons };
}
export type TrialReport = Awaited<ReturnType<typeof trialReport>>;

/** Training figures of a project: person-times against unique farmers, women, households,
 * by month, kind and site, and progress against the project's targets. */
export async function trainingSummary(db: Kysely<Database>, projectId: number) {
  const project = await getProject(db, projectId);
  const [sessions, farmers] = await Promise.all([
    listSessions(db, projectId),
    db
      .selectFrom('farmers')
      .select(['id', 'gender', 'demoHousehold', 'household'])
      .where('projectId', '=', projectId)
      .where('deletedAt', 'is', null)
      .execute(),
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
