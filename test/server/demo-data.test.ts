import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';

describe('demonstration data from the programme report', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ demo: true });
  });
  afterAll(() => app?.close());

  async function projectByCode(code: string) {
    const projects = (await app.get('/api/projects')).body as any[];
    const p = projects.find((x) => x.code === code);
    expect(p, code).toBeDefined();
    expect(p.isDemo).toBe(true);
    return p;
  }

  it('reads 3–4 days earlier flowering, 4–5 days earlier ripening and +10% yield for Tacheng', async () => {
    const project = await projectByCode('TC-STRAW-2017');
    const sites = (await app.get(`/api/projects/${project.id}/sites`)).body;
    expect(sites.map((s: any) => s.name)).toEqual(['塔城市二工镇', '和布克赛尔县', '什托洛盖镇']);
    const [trial] = (await app.get(`/api/projects/${project.id}/trials`)).body;
    const plots = (await app.get(`/api/trials/${trial.id}/plots`)).body as any[];
    expect(plots.filter((p) => p.armRole === 'treatment')).toHaveLength(4);
    const report = (await app.get(`/api/trials/${trial.id}/report`)).body;
    const byCode = Object.fromEntries(report.comparisons.map((c: any) => [c.variable.code, c]));
    expect(byCode.flowering_date.headline.zh).toBe('开花期提前3–4天');
    expect(byCode.flowering_date.headline.en).toBe('flowering 3–4 days earlier');
    expect(byCode.first_ripening_date.headline.zh).toBe('第一穗果成熟期提前4–5天');
    expect(byCode.yield_kg_per_mu.headline.zh).toBe('产量增加10%');
    expect(byCode.yield_kg_per_mu.headline.en).toBe('yield +10%');
    expect(byCode.flowering_date.overall.sitesLower).toBe(3);
    // A field day at each of the three sites.
    const sessions = (await app.get(`/api/projects/${project.id}/training-sessions`)).body as any[];
    const fieldDays = sessions.filter((s) => s.kind === 'field_day');
    expect(new Set(fieldDays.map((s) => s.siteId))).toEqual(new Set(sites.map((s: any) => s.id)));
  });

  it('counts 300+ person-times of training for Aksu, against fewer unique farmers', async () => {
    const project = await projectByCode('AKS-WMYY-2017');
    const summary = (await app.get(`/api/projects/${project.id}/training-summary`)).body;
    expect(summary.personTimes).toBeGreaterThanOrEqual(300);
    expect(summary.uniqueFarmers).toBeLessThan(summary.personTimes);
    expect(summary.sessionsWithoutRoster).toBeGreaterThan(0);
    expect(summary.demoHouseholds).toBeGreaterThanOrEqual(90);
    expect(summary.target.personTimes).toBe(300);
    expect(summary.target.progress).toBeCloseTo(summary.personTimes / 300, 10);
    const sites = (await app.get(`/api/projects/${project.id}/sites`)).body as any[];
    expect(sites.filter((s) => s.kind === 'production_line')).toHaveLength(4);
  });
});
