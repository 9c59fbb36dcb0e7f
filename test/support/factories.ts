import type { Client, TestApp } from './context.js';

let seq = 0;
const unique = (p: string) => `${p}${++seq}_${Math.floor(Math.random() * 1e6)}`;

/** A project with one site per name given, through the API. */
export async function makeProject(app: TestApp, siteNames: string[] = ['Site A']) {
  const project = (await app.post('/api/projects', { name: unique('项目'), code: unique('P') })).body;
  const sites = [];
  for (const name of siteNames) sites.push((await app.post(`/api/projects/${project.id}/sites`, { name, kind: 'greenhouse' })).body);
  return { project, sites };
}

/** Creates the variables (by code) that do not exist yet. */
export async function ensureVariables(app: TestApp, vars: Record<string, unknown>[]) {
  const have = new Set(((await app.get('/api/variables')).body as { code: string }[]).map((v) => v.code));
  for (const v of vars) {
    if (!have.has(v.code as string)) {
      const res = await app.post('/api/variables', v);
      if (res.status !== 201) throw new Error(`variable ${v.code}: ${JSON.stringify(res.body)}`);
    }
  }
}

export const YIELD = { code: 'yield_kg_per_mu', name: { zh: '产量', en: 'yield' }, kind: 'number', unit: 'kg/亩', aggregation: 'sum', minimum: 0, maximum: 30000 };
export const FLOWERING = { code: 'flowering_date', name: { zh: '开花期', en: 'flowering' }, kind: 'date', aggregation: 'first' };

/** A completely randomised trial with a treatment arm `T` and a control arm `C`, measuring
 * `variables` (yield by default), created by `client` in the project; answers the trial. */
export async function makeTwoArmTrial(client: Client, projectId: number, name: string, variables: string[] = [YIELD.code]) {
  const res = await client.post(`/api/projects/${projectId}/trials`, {
    name,
    crop: 'tomato',
    design: 'crd',
    arms: [
      { name: 'T', role: 'treatment' },
      { name: 'C', role: 'control' },
    ],
    variables,
  });
  if (res.status !== 201) throw new Error(`trial ${name}: ${JSON.stringify(res.body)}`);
  return res.body;
}
