import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type Client, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

describe('designing a layout: preview, commit, re-randomise', () => {
  let app: TestApp;
  let projectId: number;
  let siteId: number;
  let otherSiteId: number;
  let agronomist: Client;
  let seq = 0;

  async function makeTrial(design = 'rcbd', arms = [['T1', 'treatment'], ['T2', 'treatment'], ['C', 'control']]) {
    const res = await agronomist.post(`/api/projects/${projectId}/trials`, {
      name: `layout trial ${++seq}`,
      crop: 'wheat',
      design,
      arms: arms.map(([name, role]) => ({ name, role })),
      variables: [YIELD.code],
    });
    expect(res.status).toBe(201);
    return res.body.id as number;
  }

  const rcbd = (extra: Record<string, unknown> = {}) => ({ siteId, design: 'rcbd', blocks: 4, rows: 4, columns: 3, serpentine: true, labelPattern: 'S-{block}-{n}', plotArea: 20, plantedOn: '2026-04-01', seed: 12345, north: 'up', entrance: 'left', ...extra });

  async function plotCount(trialId: number) {
    return ((await agronomist.get(`/api/trials/${trialId}/plots`)).body as unknown[]).length;
  }

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    const made = await makeProject(app, ['北场', '南场']);
    projectId = made.project.id;
    [siteId, otherSiteId] = made.sites.map((s: { id: number }) => s.id);
    agronomist = await app.as('agronomist', [projectId]);
  });
  afterAll(() => app?.close());

  it('previews an RCBD with every arm once per block, in field order, from the seed it shows', async () => {
    const trialId = await makeTrial();
    const res = await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd());
    expect(res.status).toBe(201);
    const l = res.body;
    expect(l).toMatchObject({ trialId, siteId, design: 'rcbd', blocks: 4, rows: 4, columns: 3, serpentine: true, seed: 12345, status: 'preview', north: 'up', entrance: 'left', plotArea: 20 });
    expect(l.plots).toHaveLength(12);
    expect(l.plots.slice(0, 4).map((p: { label: string; row: number; column: number }) => [p.label, p.row, p.column])).toEqual([
      ['S-1-01', 1, 1], ['S-1-02', 1, 2], ['S-1-03', 1, 3], ['S-2-04', 2, 3],
    ]);
    for (let b = 1; b <= 4; b++) {
      expect(l.plots.filter((p: { block: number }) => p.block === b).map((p: { arm: string }) => p.arm).sort()).toEqual(['C', 'T1', 'T2']);
    }
    expect(l.plots.find((p: { arm: string }) => p.arm === 'C').armRole).toBe('control');
    // The same seed gives the same layout; a preview makes no plots.
    const again = await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd());
    expect(again.body.plots).toEqual(l.plots);
    expect(await plotCount(trialId)).toBe(0);
    // ... and the newer preview of the site replaced the older one.
    expect((await agronomist.get(`/api/layouts/${l.id}`)).status).toBe(404);
    expect((await agronomist.get(`/api/layouts/${again.body.id}`)).body.plots).toEqual(l.plots);
  });

  it('draws a seed when none is given, and keeps it', async () => {
    const trialId = await makeTrial();
    const res = await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd({ seed: undefined }));
    expect(res.status).toBe(201);
    expect(Number.isInteger(res.body.seed)).toBe(true);
    const same = await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd({ seed: res.body.seed }));
    expect(same.body.plots).toEqual(res.body.plots);
  });

  it('answers 400 naming each bad field, in Chinese by default and in English, and keeps nothing', async () => {
    const trialId = await makeTrial();
    const bad = await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd({ design: 'crd', rows: 'four', labelPattern: '{site}-{arm}' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('ValidationFailed');
    expect(bad.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['rows']);
    const checks = await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd({ design: 'crd', labelPattern: '{site}-{arm}' }));
    expect(checks.status).toBe(400);
    const byPath = Object.fromEntries(checks.body.error.issues.map((i: { path: string; message: string }) => [i.path, i.message]));
    expect(byPath.design).toContain('设计“crd”与试验的设计“rcbd”不一致');
    expect(byPath.labelPattern).toContain('{arm}');
    expect(byPath.labelPattern).toContain('{site} {block} {n}');
    const small = await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd({ rows: 2, columns: 3 }), { 'accept-language': 'en' });
    expect(small.status).toBe(400);
    expect(small.body.error.issues).toEqual([{ path: 'rows', message: 'needs 12 plots but rows × columns gives only 6 places' }]);
    const noBlocks = await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd({ blocks: undefined }), { 'accept-language': 'en' });
    expect(noBlocks.body.error.issues).toEqual([{ path: 'blocks', message: 'is required' }]);
    const dup = await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd({ labelPattern: '{site}-{block}' }), { 'accept-language': 'en' });
    expect(dup.body.error.issues[0]).toMatchObject({ path: 'labelPattern' });
    expect(dup.body.error.issues[0].message).toContain('include {n}');
    const foreign = await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd({ siteId: 999999 }));
    expect(foreign.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['siteId']);
    expect((await agronomist.get(`/api/trials/${trialId}/layouts`)).body).toEqual([]);
  });

  it('lays out a CRD with n plots per arm and a paired trial with one of each per pair', async () => {
    const crd = await makeTrial('crd');
    const c = await agronomist.post(`/api/trials/${crd}/layouts`, { siteId, design: 'crd', plotsPerArm: 3, rows: 3, columns: 3, seed: 7 });
    expect(c.status).toBe(201);
    expect(c.body.labelPattern).toBe('{site}-{block}-{n}');
    expect(c.body.plots.map((p: { label: string }) => p.label)).toContain('北场-9');
    for (const arm of ['T1', 'T2', 'C']) expect(c.body.plots.filter((p: { arm: string }) => p.arm === arm)).toHaveLength(3);
    const paired = await makeTrial('paired', [['新品种', 'treatment'], ['对照', 'control']]);
    const p = await agronomist.post(`/api/trials/${paired}/layouts`, { siteId, design: 'paired', blocks: 5, rows: 2, columns: 5, seed: 3, labelPattern: 'P{block}-{n}' });
    expect(p.status).toBe(201);
    for (let pair = 1; pair <= 5; pair++) expect(p.body.plots.filter((x: { block: number }) => x.block === pair).map((x: { arm: string }) => x.arm).sort()).toEqual(['对照', '新品种']);
  });

  it('commits all plots in one go; committing again answers the same plots and writes nothing', async () => {
    const trialId = await makeTrial();
    const preview = (await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd())).body;
    const first = await agronomist.post(`/api/layouts/${preview.id}/commit`, undefined);
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('committed');
    expect(first.body.plots).toHaveLength(12);
    const plots = (await agronomist.get(`/api/trials/${trialId}/plots`)).body;
    expect(plots).toHaveLength(12);
    const byLabel = new Map(plots.map((p: { label: string }) => [p.label, p]));
    for (const planned of preview.plots) {
      expect(byLabel.get(planned.label)).toMatchObject({ arm: planned.arm, block: String(planned.block), row: planned.row, column: planned.column, areaM2: 20, plantedOn: '2026-04-01', siteId });
    }
    const second = await agronomist.post(`/api/layouts/${preview.id}/commit`, undefined);
    expect(second.status).toBe(200);
    expect(second.body.plots).toEqual(first.body.plots);
    expect(await plotCount(trialId)).toBe(12);
    // A committed layout is not replaced by the next preview, which now finds the places taken.
    const clash = await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd({ labelPattern: 'X-{n}' }), { 'accept-language': 'en' });
    expect(clash.status).toBe(400);
    expect(clash.body.error.issues[0]).toMatchObject({ path: 'rows', message: expect.stringContaining('row 1, column 1 already holds plot "S-1-01"') });
    expect((await agronomist.get(`/api/layouts/${preview.id}`)).body.status).toBe('committed');
  });

  it('creates the plots once when the same layout is committed several times at once', async () => {
    const trialId = await makeTrial();
    const preview = (await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd())).body;
    const answers = await Promise.all(Array.from({ length: 4 }, () => agronomist.post(`/api/layouts/${preview.id}/commit`, undefined)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    for (const a of answers) expect(a.body.plots.map((p: { id: number }) => p.id)).toEqual(answers[0].body.plots.map((p: { id: number }) => p.id));
    expect(await plotCount(trialId)).toBe(12);
  });

  it('commits nothing when one plot cannot be made (a label taken since the preview)', async () => {
    const trialId = await makeTrial();
    const preview = (await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd())).body;
    expect((await agronomist.post(`/api/trials/${trialId}/plots`, { siteId: otherSiteId, label: 'S-4-12', arm: 'C' })).status).toBe(201);
    const res = await agronomist.post(`/api/layouts/${preview.id}/commit`, undefined);
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0].path).toBe('labelPattern');
    expect(await plotCount(trialId)).toBe(1);
    expect((await agronomist.get(`/api/layouts/${preview.id}`)).body.status).toBe('preview');
  });

  it('refuses layouts on a signed-off trial with 423, and to viewers and leads with 403', async () => {
    const trialId = await makeTrial();
    const preview = (await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd())).body;
    const lead = await app.as('lead', [projectId]);
    const viewer = await app.as('viewer', [projectId]);
    expect((await lead.post(`/api/layouts/${preview.id}/commit`, undefined)).status).toBe(403);
    expect((await viewer.post(`/api/trials/${trialId}/layouts`, rcbd())).status).toBe(403);
    expect((await viewer.get(`/api/layouts/${preview.id}`)).status).toBe(200);
    expect((await lead.post(`/api/trials/${trialId}/lock`, undefined)).status).toBe(200);
    const locked = await agronomist.post(`/api/layouts/${preview.id}/commit`, undefined);
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe('TrialLocked');
    expect((await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd())).status).toBe(423);
    expect((await agronomist.post(`/api/layouts/${preview.id}/rerandomise`, {})).status).toBe(423);
    expect(await plotCount(trialId)).toBe(0);
    expect((await lead.post(`/api/trials/${trialId}/unlock`, undefined)).status).toBe(200);
    expect((await agronomist.post(`/api/layouts/${preview.id}/commit`, undefined)).status).toBe(201);
  });

  it('re-randomises a preview, and a committed layout only until a plot has an observation', async () => {
    const trialId = await makeTrial();
    const preview = (await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd())).body;
    const redrawn = await agronomist.post(`/api/layouts/${preview.id}/rerandomise`, { seed: 999 });
    expect(redrawn.status).toBe(200);
    expect(redrawn.body.seed).toBe(999);
    expect(redrawn.body.plots.map((p: { label: string }) => p.label)).toEqual(preview.plots.map((p: { label: string }) => p.label));
    expect(redrawn.body.plots).toEqual((await agronomist.post(`/api/trials/${trialId}/layouts`, rcbd({ seed: 999 }))).body.plots);
    const latest = (await agronomist.get(`/api/trials/${trialId}/layouts`)).body.at(-1);
    await agronomist.post(`/api/layouts/${latest.id}/commit`, undefined);
    const again = await agronomist.post(`/api/layouts/${latest.id}/rerandomise`, { seed: 4242 });
    expect(again.status).toBe(200);
    const plots = (await agronomist.get(`/api/trials/${trialId}/plots`)).body;
    for (const p of again.body.plots) expect(plots.find((x: { label: string }) => x.label === p.label).arm).toBe(p.arm);
    expect(again.body.plots.map((p: { arm: string }) => p.arm)).not.toEqual(redrawn.body.plots.map((p: { arm: string }) => p.arm));
    expect((await agronomist.post(`/api/trials/${trialId}/observations`, { plot: 'S-1-01', variable: YIELD.code, value: 5 })).status).toBe(201);
    const refused = await agronomist.post(`/api/layouts/${latest.id}/rerandomise`, { seed: 1 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('LayoutHasObservations');
    const after = (await agronomist.get(`/api/trials/${trialId}/plots`)).body;
    expect(after.map((p: { arm: string }) => p.arm)).toEqual(plots.map((p: { arm: string }) => p.arm));
  });
});
