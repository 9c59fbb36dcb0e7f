import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { TestApp } from './context.js';
import { ensureVariables } from './factories.js';

/** ../shared/reference beside the repository (as laid out for developers and CI), or
 * DEMOPLOT_REFERENCE_DIR when the checkout sits elsewhere. */
export const REFERENCE_DIR = process.env.DEMOPLOT_REFERENCE_DIR
  ? process.env.DEMOPLOT_REFERENCE_DIR.replace(/\/?$/, '/')
  : fileURLToPath(new URL('../../../shared/reference/', import.meta.url));

export const readReferenceCsv = (name: string): Record<string, string>[] =>
  parse(readFileSync(REFERENCE_DIR + name, 'utf8'), { columns: true, skip_empty_lines: true });

export interface ExpectedRow {
  trial: string;
  variable: string;
  site: string;
  [key: string]: string | number;
}
export const readExpected = (): ExpectedRow[] => JSON.parse(readFileSync(REFERENCE_DIR + 'expected.json', 'utf8'));

export const REFERENCE_VARIABLES = [
  { code: 'flowering_date', name: { zh: '开花期', en: 'flowering' }, kind: 'date', aggregation: 'first' },
  { code: 'first_ripening_date', name: { zh: '第一穗果成熟期', en: 'first-truss ripening' }, kind: 'date', aggregation: 'first' },
  { code: 'yield_kg_per_mu', name: { zh: '产量', en: 'yield' }, kind: 'number', unit: 'kg/亩', aggregation: 'mean' },
  { code: 'dry_yield_g_per_bag', name: { zh: '单袋干耳产量', en: 'dry yield per bag' }, kind: 'number', unit: 'g/袋', aggregation: 'mean' },
];

/**
 * Loads the reference plots and observations through the JSON API, as an outside client
 * would: one project, its sites, a `crd` greenhouse trial and a `paired` fungus-line trial.
 * Returns the trial ids by the reference's trial name.
 */
export async function loadReferenceThroughApi(app: TestApp): Promise<Record<string, number>> {
  await ensureVariables(app, REFERENCE_VARIABLES);
  const plots = readReferenceCsv('plots.csv');
  const observations = readReferenceCsv('observations.csv');
  const project = await expectCreated(app, '/api/projects', { name: '参考数据', code: `REF${Date.now()}` });
  const siteIds: Record<string, number> = {};
  for (const name of [...new Set(plots.map((p) => p.site))]) {
    siteIds[name] = (await expectCreated(app, `/api/projects/${project.id}/sites`, { name })).id;
  }
  const trials: Record<string, number> = {};
  for (const [name, design] of [['greenhouse', 'crd'], ['fungus-line', 'paired']] as const) {
    const vars = [...new Set(observations.filter((o) => o.trial === name).map((o) => o.variable))];
    const trial = await expectCreated(app, `/api/projects/${project.id}/trials`, {
      name,
      crop: name === 'greenhouse' ? 'tomato' : 'black fungus',
      design,
      arms: [
        { name: 'treatment', role: 'treatment' },
        { name: 'control', role: 'control' },
      ],
      variables: vars,
    });
    trials[name] = trial.id;
    await expectCreated(
      app,
      `/api/trials/${trial.id}/plots`,
      plots
        .filter((p) => p.trial === name)
        .map((p) => ({ siteId: siteIds[p.site], label: p.plot, arm: p.arm, block: p.block || null, plantedOn: p.planted_on })),
    );
    await expectCreated(
      app,
      `/api/trials/${trial.id}/observations`,
      observations.filter((o) => o.trial === name).map((o) => ({ plot: o.plot, variable: o.variable, value: o.value, notes: o.notes || null })),
    );
  }
  return trials;
}

async function expectCreated(app: TestApp, path: string, body: unknown) {
  const res = await app.post(path, body);
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The multi-arm worked example (spec §7): plots with their values of `y` and `f`. */
export interface MultiArmPlot {
  site: string;
  plot: string;
  arm: string;
  block: string;
  y: number;
  f: number;
}
export const readMultiArm = (): MultiArmPlot[] =>
  readReferenceCsv('multiarm/data.csv').map((r) => ({ site: r.site, plot: r.plot, arm: r.arm, block: r.block, y: Number(r.y), f: Number(r.f) }));

export interface MultiArmExpected {
  variable: string;
  site: string;
  model: string;
  f: number;
  df1: number;
  df2: number;
  p: number;
  mse: number;
  arms: { arm: string; n: number; mean: number }[];
  pairs: { a: string; b: string; diff: number; lwr: number; upr: number; pAdj: number }[];
}
export const readMultiArmExpected = (): MultiArmExpected[] => JSON.parse(readFileSync(REFERENCE_DIR + 'multiarm/expected.json', 'utf8'));

/** The worked example's two variables, under codes of their own. */
export const MULTI_ARM_VARIABLES = [
  { code: 'ma_yield', name: { zh: '产量（多处理）', en: 'yield (multi-arm)' }, kind: 'number', unit: 'kg/ha', aggregation: 'mean' },
  { code: 'ma_flowering', name: { zh: '开花天数（多处理）', en: 'days to flowering (multi-arm)' }, kind: 'number', unit: 'd', aggregation: 'mean' },
];
export const MULTI_ARM_CODE: Record<string, string> = { y: 'ma_yield', f: 'ma_flowering' };
export const MULTI_ARMS = ['control', 'low', 'mid', 'high'];

/**
 * Loads the multi-arm worked example (design rcbd; 什托洛盖 has no blocks) into a new
 * project through the JSON API; returns the trial and its project.
 */
export async function loadMultiArmThroughApi(app: TestApp, name = '秸秆腐熟剂剂量'): Promise<{ trialId: number; projectId: number; siteIds: Record<string, number> }> {
  await ensureVariables(app, MULTI_ARM_VARIABLES);
  const plots = readMultiArm();
  const project = await expectCreated(app, '/api/projects', { name: '多处理参考', code: `MA${Date.now()}${Math.floor(Math.random() * 1000)}` });
  const siteIds: Record<string, number> = {};
  for (const site of [...new Set(plots.map((p) => p.site))]) siteIds[site] = (await expectCreated(app, `/api/projects/${project.id}/sites`, { name: site })).id;
  const trial = await createMultiArmTrial(app, project.id, name);
  await expectCreated(app, `/api/trials/${trial.id}/plots`, plots.map((p) => ({ siteId: siteIds[p.site], label: p.plot, arm: p.arm, block: p.block || null })));
  await expectCreated(
    app,
    `/api/trials/${trial.id}/observations`,
    plots.flatMap((p) => [
      { plot: p.plot, variable: 'ma_yield', value: p.y },
      { plot: p.plot, variable: 'ma_flowering', value: p.f },
    ]),
  );
  return { trialId: trial.id, projectId: project.id, siteIds };
}

/** An empty rcbd trial with the worked example's arms and variables. */
export async function createMultiArmTrial(app: TestApp, projectId: number, name: string) {
  return expectCreated(app, `/api/projects/${projectId}/trials`, {
    name,
    crop: 'cotton',
    design: 'rcbd',
    arms: MULTI_ARMS.map((a) => ({ name: a, role: a === 'control' ? 'control' : 'treatment' })),
    variables: MULTI_ARM_VARIABLES.map((v) => v.code),
  });
}
