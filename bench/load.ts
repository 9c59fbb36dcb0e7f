import type { BulkTarget } from './bulk.js';
import {
  csvField,
  isoDay,
  observationChunks,
  planPlots,
  planSites,
  VARIABLES,
  type ObservationRecord,
  type PlotPlan,
  type Scale,
} from './programme.js';
import { seeded } from './random.js';

export interface LoadedProgramme {
  projectId: number;
  /** The programme-wide trial: every site, every generated observation. */
  trialId: number;
  /** Three trials of identical shape, without observations: one for the CSV import, one for
   * the XLSX import of the same rows, one for COPY. */
  importTrialId: number;
  xlsxTrialId: number;
  copyTrialId: number;
  variableIds: Map<string, number>;
  /** Plot ids by label, per import trial. */
  importPlots: Map<string, number>;
  copyPlots: Map<string, number>;
  importPlan: PlotPlan[];
  siteIds: number[];
  plots: number;
  observations: number;
}

/** The import file's rows: the import trial's plots, observed like the programme's. */
export function importRecords(plan: PlotPlan[]): ObservationRecord[] {
  return [...observationChunks(plan, 7, plan.length)].flat();
}

/** CSV lines for `copy observations (plot_id, variable_id, value_number, value_date, value_text, observed_on)`. */
export function observationLines(records: ObservationRecord[], plotIds: Map<string, number>, variableIds: Map<string, number>): string[] {
  const kinds = new Map<string, string>(VARIABLES.map((v) => [v.code, v.kind]));
  return records.map((o) => {
    const kind = kinds.get(o.variable);
    const number = kind === 'number' || kind === 'count' ? o.value : '';
    const date = kind === 'date' ? o.value : '';
    const text = kind === 'category' || kind === 'text' ? csvField(o.value) : '';
    return `${plotIds.get(o.plot)},${variableIds.get(o.variable)},${number},${date},${text},${o.observedOn}`;
  });
}
export const OBSERVATION_COLUMNS = ['plot_id', 'variable_id', 'value_number', 'value_date', 'value_text', 'observed_on'];

async function insertTrial(t: BulkTarget, projectId: number, name: string, variableIds: number[]) {
  const [trial] = await t.query<{ id: number }>(
    `insert into trials (project_id, name, crop, season, design) values ($1, $2, '番茄', '2026', 'crd') returning id`,
    [projectId, name],
  );
  await t.query(`insert into trial_arms (trial_id, name, role, position) values ($1, 'T', 'treatment', 0), ($1, 'C', 'control', 1)`, [trial.id]);
  await t.query(
    `insert into trial_variables (trial_id, variable_id, position) select $1, id, ord from unnest($2::int[]) with ordinality as v(id, ord)`,
    [trial.id, variableIds],
  );
  return trial.id;
}

async function copyPlots(t: BulkTarget, trialId: number, plan: PlotPlan[], siteIds: number[]): Promise<Map<string, number>> {
  const arms = new Map((await t.query<{ id: number; name: string }>(`select id, name from trial_arms where trial_id = $1`, [trialId])).map((a) => [a.name, a.id]));
  const lines = plan.map((p) => `${trialId},${siteIds[p.site.index]},${arms.get(p.arm)},${p.label},${isoDay(p.site.plantedDay)}`);
  for (let i = 0; i < lines.length; i += 50_000) await t.copy('plots', ['trial_id', 'site_id', 'arm_id', 'label', 'planted_on'], lines.slice(i, i + 50_000));
  const rows = await t.query<{ id: number; label: string }>(`select id, label from plots where trial_id = $1`, [trialId]);
  return new Map(rows.map((r) => [r.label, r.id]));
}

/**
 * Writes the programme into an empty, migrated database with COPY (the fastest way in, so
 * generation does not dominate the run). Observations go in chunks of 100,000 rows; the
 * per-plot values triggers fire on each chunk as they would for any writer.
 */
export async function loadProgramme(t: BulkTarget, scale: Scale, onProgress: (msg: string) => void = () => {}): Promise<LoadedProgramme> {
  const variableIds = new Map<string, number>();
  for (const v of VARIABLES) {
    const [row] = await t.query<{ id: number }>(
      `insert into variables (code, name, name_en, kind, unit, aggregation, minimum, maximum, categories) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
      [v.code, v.name, v.nameEn, v.kind, v.unit, v.aggregation, v.minimum, v.maximum, v.categories],
    );
    variableIds.set(v.code, row.id);
  }
  const [project] = await t.query<{ id: number }>(
    `insert into projects (code, name, name_en, starts_on, ends_on, target_person_times, target_demo_households)
     values ('BENCH-2026', '设施蔬菜绿色高效技术示范推广', 'Greenhouse vegetables: demonstration programme', '2026-01-01', '2026-12-31', 200000, 2000) returning id`,
  );
  const sites = planSites(scale);
  await t.copy('sites', ['project_id', 'name', 'kind'], sites.map((s) => `${project.id},${s.name},greenhouse`));
  const siteIds = (await t.query<{ id: number }>(`select id from sites where project_id = $1 order by id`, [project.id])).map((r) => r.id);

  const vars = [...variableIds.values()];
  const trialId = await insertTrial(t, project.id, '番茄全项目对比试验', vars);
  const importTrialId = await insertTrial(t, project.id, '导入试验', vars);
  const copyTrialId = await insertTrial(t, project.id, 'COPY 对照试验', vars);
  const xlsxTrialId = await insertTrial(t, project.id, 'XLSX 导入试验', vars);

  const plan = planPlots(sites, scale.plotsPerSite);
  const plotIds = await copyPlots(t, trialId, plan, siteIds);
  const importPlan = planPlots(sites, scale.importPlotsPerSite);
  const importPlots = await copyPlots(t, importTrialId, importPlan, siteIds);
  const copyPlots_ = await copyPlots(t, copyTrialId, importPlan, siteIds);
  await copyPlots(t, xlsxTrialId, importPlan, siteIds);

  let observations = 0;
  for (const chunk of observationChunks(plan, 20261130)) {
    await t.copy('observations', OBSERVATION_COLUMNS, observationLines(chunk, plotIds, variableIds));
    observations += chunk.length;
    onProgress(`${observations.toLocaleString('en')} observations`);
  }

  const r = seeded(5000);
  const farmers = Array.from({ length: scale.farmers }, (_, i) => {
    const site = sites[i % sites.length];
    return `${project.id},农户${i + 1},${site.name},户${Math.floor(i / 2) + 1},${r.next() < 0.45 ? 'female' : 'male'},${r.next() < 0.3}`;
  });
  await t.copy('farmers', ['project_id', 'name', 'village', 'household', 'gender', 'demo_household'], farmers);
  const farmerIds = (await t.query<{ id: number }>(`select id from farmers where project_id = $1 order by id`, [project.id])).map((f) => f.id);
  const kinds = ['training', 'field_day', 'hands_on'];
  const sessions = Array.from({ length: scale.sessions }, (_, i) => {
    const site = sites[i % sites.length];
    const attendance = r.int(10, 60);
    return `${project.id},${siteIds[site.index]},${site.name},${isoDay(site.plantedDay - 30 + r.int(0, 200))},${kinds[i % 3]},栽培管理,${attendance},${r.int(0, attendance)}`;
  });
  await t.copy('training_sessions', ['project_id', 'site_id', 'village', 'held_on', 'kind', 'topic', 'attendance', 'women'], sessions);
  const sessionIds = (await t.query<{ id: number }>(`select id from training_sessions where project_id = $1 order by id`, [project.id])).map((s) => s.id);
  const attendees: string[] = [];
  for (const [i, s] of sessionIds.entries()) {
    for (let k = 0; k < 3; k++) attendees.push(`${s},${farmerIds[(i * 3 + k * 7) % farmerIds.length]}`);
  }
  await t.copy('training_attendees', ['session_id', 'farmer_id'], attendees);
  await t.query('analyze');
  return { projectId: project.id, trialId, importTrialId, xlsxTrialId, copyTrialId, variableIds, importPlots, copyPlots: copyPlots_, importPlan, siteIds, plots: plan.length, observations };
}
