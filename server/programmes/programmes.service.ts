import type { Kysely } from 'kysely';
import type { Database, ProgrammeRow, ProjectRow } from '../../db/database.js';
import { CATEGORIES, OUTPUT_KINDS, programmeSentences, type Category, type OutputKind, type Sentences } from '../../analysis/programme-summary.js';
import { visibleProjectIds } from '../accounts/access.js';
import { ValidationError, mustFind } from '../errors.js';
import { listInspections, today, type InspectionDto } from '../inspections/inspections.service.js';
import { listOutputs, type OutputDto } from '../outputs/outputs.service.js';
import { PROJECT_STATUSES } from '../projects/projects.schemas.js';
import { projectDto, type ProjectDto } from '../projects/projects.service.js';
import { trainingSummary, type TrainingSummaryDto } from '../reports/reports.service.js';
import { messageKey, translate, type Lang } from '../i18n/i18n.js';
import type { Table } from '../imports/exports.service.js';
import type { OutCell } from '../imports/sheet-writer.js';
import * as repo from './programmes.repository.js';
import { ugSentence } from './summary-ug.js';
import type { ProgrammeInput } from './programmes.schemas.js';

export function programmeDto(p: ProgrammeRow) {
  return { id: p.id, name: p.name, nameEn: p.nameEn, year: p.year, version: p.version, createdAt: p.createdAt, updatedAt: p.updatedAt };
}
export type ProgrammeDto = ReturnType<typeof programmeDto>;

export async function listProgrammes(db: Kysely<Database>): Promise<ProgrammeRow[]> {
  return repo.listProgrammes(db);
}

export async function getProgramme(db: Kysely<Database>, id: number): Promise<ProgrammeRow> {
  return mustFind(await repo.findProgramme(db, id), 'ProgrammeNotFound', id);
}

export async function createProgramme(db: Kysely<Database>, input: ProgrammeInput): Promise<ProgrammeRow> {
  return db.transaction().execute(async (tx) => {
    if (await repo.findProgrammeByName(tx, input.name)) {
      throw new ValidationError([{ path: 'name', key: 'v.duplicateName', params: { value: input.name } }]);
    }
    return repo.insertProgramme(tx, { name: input.name, nameEn: input.nameEn ?? null, year: input.year });
  });
}

/**
 * The programme's projects that the current account may see, and whether that is all of
 * them: a summary for an account that sees only some projects says so (`complete: false`).
 */
export async function programmeProjects(db: Kysely<Database>, programmeId: number, opts: { all?: boolean } = {}): Promise<{ projects: ProjectRow[]; complete: boolean }> {
  const all = await repo.listProgrammeProjects(db, programmeId);
  const visible = opts.all ? undefined : visibleProjectIds();
  const projects = visible ? all.filter((p) => visible.includes(p.id)) : all;
  return { projects, complete: projects.length === all.length };
}

export interface ProjectFigures {
  project: ProjectDto;
  training: TrainingSummaryDto;
  outputs: OutputDto[];
  inspections: InspectionDto[];
}

export interface ProgrammeOverview {
  programme: ProgrammeDto;
  complete: boolean;
  projects: ProjectFigures[];
}

/** Everything the programme page and summary read, for the projects the account may see. */
export async function programmeOverview(db: Kysely<Database>, programmeId: number): Promise<ProgrammeOverview> {
  const programme = programmeDto(await getProgramme(db, programmeId));
  const { projects, complete } = await programmeProjects(db, programmeId);
  const ids = projects.map((p) => p.id);
  const [outputs, inspections, training] = await Promise.all([
    listOutputs(db, ids),
    listInspections(db, ids),
    Promise.all(projects.map((p) => trainingSummary(db, p.id))),
  ]);
  return {
    programme,
    complete,
    projects: projects.map((p, i) => ({
      project: projectDto(p),
      training: training[i],
      outputs: outputs.filter((o) => o.projectId === p.id),
      inspections: inspections.filter((x) => x.projectId === p.id),
    })),
  };
}

/** How a distinct count from rosters is known: every session had a roster, some did not
 * (the count is a lower bound), or none did (unknown). */
export type RosterBasis = 'exact' | 'lowerBound' | 'unknown';

export function rosterBasis(value: number | null, sessionsWithoutRoster: number): RosterBasis {
  return value === null ? 'unknown' : sessionsWithoutRoster > 0 ? 'lowerBound' : 'exact';
}

export interface RosterTotals {
  sessions: number;
  /** Sum over the projects that know it; null when no session of any project had a roster. */
  uniqueFarmers: number | null;
  demoHouseholds: number | null;
  /** Sessions with a head count only: when above 0 the sums are lower bounds. */
  sessionsWithoutRoster: number;
}

/**
 * Distinct counts from rosters added up over projects (spec §6): a project whose count is
 * unknown adds nothing and its sessions make the total a lower bound; the total is unknown
 * (null) only when no session of any project had a roster, never 0.
 * @example rosterTotals([
 *   { training: { sessions: 2, uniqueFarmers: null, demoHouseholds: null, sessionsWithoutRoster: 2 } },
 *   { training: { sessions: 2, uniqueFarmers: 5, demoHouseholds: 1, sessionsWithoutRoster: 1 } },
 * ]) // => { sessions: 4, uniqueFarmers: 5, demoHouseholds: 1, sessionsWithoutRoster: 3 } (lower bounds)
 */
export function rosterTotals(projects: readonly { training: Pick<TrainingSummaryDto, 'sessions' | 'uniqueFarmers' | 'demoHouseholds' | 'sessionsWithoutRoster'> }[]): RosterTotals {
  let sessions = 0;
  let sessionsWithoutRoster = 0;
  let uniqueFarmers = 0;
  let demoHouseholds = 0;
  for (const { training: t } of projects) {
    sessions += t.sessions;
    sessionsWithoutRoster += t.sessionsWithoutRoster;
    uniqueFarmers += t.uniqueFarmers ?? 0;
    demoHouseholds += t.demoHouseholds ?? 0;
  }
  const unknown = sessions > 0 && sessionsWithoutRoster === sessions;
  return { sessions, uniqueFarmers: unknown ? null : uniqueFarmers, demoHouseholds: unknown ? null : demoHouseholds, sessionsWithoutRoster };
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export interface ProgrammeSummary {
  programme: ProgrammeDto;
  /** False when the account sees only some of the programme's projects. */
  complete: boolean;
  projects: number;
  newProjects: number;
  byCategory: Record<Category, number>;
  newByCategory: Record<Category, number>;
  byStatus: Record<(typeof PROJECT_STATUSES)[number] | 'none', number>;
  outputs: Record<OutputKind, number>;
  extensionMaterialsDistributed: number;
  training: {
    sessions: number;
    personTimes: number;
    uniqueFarmers: number;
    sessionsWithoutRoster: number;
    demoHouseholds: number;
    targets: { personTimes: number; demoHouseholds: number };
  };
  inspections: { inspections: number; projectsInspected: number; rectifications: number; closed: number; open: number; overdue: number };
  sentences: Sentences & { ug: string };
}

/**
 * The annual summary: counts of what is in the database (never typed-in totals) and the
 * sentences written from them. Unique farmers add up per project: farmers are registered
 * per project, so a person trained in two projects is two registrations.
 */
export function summarize(o: ProgrammeOverview, asOf = today()): ProgrammeSummary {
  const byCategory = zeros(CATEGORIES);
  const newByCategory = zeros(CATEGORIES);
  const byStatus = zeros([...PROJECT_STATUSES, 'none'] as const);
  const outputs = zeros(OUTPUT_KINDS);
  let newProjects = 0;
  let newUncategorised = 0;
  let extensionDistributed = 0;
  let extensionWithCount = 0;
  const training = { sessions: 0, personTimes: 0, uniqueFarmers: 0, sessionsWithoutRoster: 0, demoHouseholds: 0, targets: { personTimes: 0, demoHouseholds: 0 } };
  const insp = { inspections: 0, projectsInspected: 0, rectifications: 0, closed: 0, open: 0, overdue: 0 };
  const centreTitles: string[] = [];
  const postdocTitles: string[] = [];
  for (const f of o.projects) {
    const p = f.project;
    if (p.category) byCategory[p.category]++;
    if (p.newThisYear) {
      newProjects++;
      if (p.category) newByCategory[p.category]++;
      else newUncategorised++;
    }
    byStatus[p.status ?? 'none']++;
    for (const out of f.outputs) {
      outputs[out.kind]++;
      if (out.kind === 'extension_material' && out.count !== null) {
        extensionDistributed += out.count;
        extensionWithCount++;
      }
      if (out.kind === 'centre') centreTitles.push(out.title);
      if (out.kind === 'postdoc_station') postdocTitles.push(out.title);
    }
    training.sessions += f.training.sessions;
    training.personTimes += f.training.personTimes;
    // Distinct counts come from rosters: unknown (null) for a project without any adds
    // nothing, and sessionsWithoutRoster says the total is a lower bound.
    training.uniqueFarmers += f.training.uniqueFarmers ?? 0;
    training.sessionsWithoutRoster += f.training.sessionsWithoutRoster;
    training.demoHouseholds += f.training.demoHouseholds ?? 0;
    training.targets.personTimes += p.targets.personTimes ?? 0;
    training.targets.demoHouseholds += p.targets.demoHouseholds ?? 0;
    if (f.inspections.length) insp.projectsInspected++;
    insp.inspections += f.inspections.length;
    for (const r of f.inspections.flatMap((i) => i.rectifications)) {
      insp.rectifications++;
      if (r.open) insp.open++;
      else insp.closed++;
      if (r.open && r.dueOn !== null && r.dueOn < asOf) insp.overdue++;
    }
  }
  const counts = {
    year: o.programme.year,
    projects: o.projects.length,
    newProjects,
    newByCategory,
    newUncategorised,
    outputs,
    centreTitles,
    postdocTitles,
    extensionDistributed,
    extensionWithCount,
    training,
    inspections: insp,
  };
  // Chinese and English from analysis/, Uyghur from the same counts (summary-ug.ts).
  const sentences = { ...programmeSentences(counts), ug: ugSentence(counts) };
  return {
    programme: o.programme,
    complete: o.complete,
    projects: o.projects.length,
    newProjects,
    byCategory,
    newByCategory,
    byStatus,
    outputs,
    extensionMaterialsDistributed: extensionDistributed,
    training,
    inspections: insp,
    sentences,
  };
}

export async function programmeSummary(db: Kysely<Database>, programmeId: number): Promise<ProgrammeSummary> {
  return summarize(await programmeOverview(db, programmeId));
}

/** The programme's projects as a table for CSV / XLSX: one row per project with its
 * programme fields, training against targets, outputs and open rectifications. */
export function programmeTable(o: ProgrammeOverview, lang: Lang): Table {
  const t = (key: string) => translate(lang, messageKey(key));
  const header = [
    'project.code', 'project.name', 'project.nameEn', 'programme.category', 'programme.newThisYear', 'programme.prefecture', 'programme.county',
    'programme.povertyCounty', 'programme.supportingProvince', 'programme.host', 'project.partners', 'programme.budget', 'programme.status',
    'project.targetPersonTimes', 'training.personTimes', 'training.uniqueFarmers', 'project.targetDemoHouseholds', 'training.demoHouseholds',
    ...OUTPUT_KINDS.map((k) => `outputKind.${k}`), 'programme.openRectifications', 'programme.overdueRectifications',
    // Added after the original columns (outside clients read them by position): whether the
    // unique farmers and demonstration households are exact, a lower bound or unknown.
    'programme.rosterBasis', 'programme.sessionsWithoutRoster',
  ].map(t);
  const asOf = today();
  const yesNo = (b: boolean) => t(b ? 'programme.yes' : 'programme.no');
  const rows: OutCell[][] = o.projects.map((f) => {
    const p = f.project;
    const items = f.inspections.flatMap((i) => i.rectifications).filter((r) => r.open);
    return [
      p.code, p.name, p.nameEn, p.category ? t(`category.${p.category}`) : null, yesNo(p.newThisYear), p.prefecture, p.county,
      yesNo(p.povertyCounty), p.supportingProvince, p.leadOrganisation, p.partnerOrganisations.join(lang === 'zh' ? '、' : '; '),
      p.budget === null ? null : { number: p.budget }, p.status ? t(`status.${p.status}`) : null,
      p.targets.personTimes, f.training.personTimes, f.training.uniqueFarmers, p.targets.demoHouseholds, f.training.demoHouseholds,
      ...OUTPUT_KINDS.map((k) => f.outputs.filter((x) => x.kind === k).length),
      items.length, items.filter((r) => r.dueOn !== null && r.dueOn < asOf).length,
      t(`programme.basis.${rosterBasis(f.training.uniqueFarmers, f.training.sessionsWithoutRoster)}`), f.training.sessionsWithoutRoster,
    ];
  });
  return {
    name: `${lang === 'en' && o.programme.nameEn ? o.programme.nameEn : o.programme.name}-${t('programme.projects')}`,
    header,
    rows: (async function* () {
      yield* rows;
    })(),
  };
}
