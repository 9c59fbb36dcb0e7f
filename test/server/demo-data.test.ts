import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';

describe('demonstration data from the programme report', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ demo: true });
  }, 180_000);
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

  it('counts 343 person-times of training for Aksu, against 102 unique farmers', async () => {
    const project = await projectByCode('AKS-WMYY-2017');
    const summary = (await app.get(`/api/projects/${project.id}/training-summary`)).body;
    // server/demo/demo-data.ts: 102 farmers in 12 villages (9 in each of the first six, 8 in
    // the others), 98 of them demonstration households. Seven group trainings: rosters of
    // 27 + 9, 27 + 7, 32 + 12 and 48 + 6 named and unnamed people, and head counts of 41,
    // 52 and 33 without a roster (294); then 49 hands-on visits to every other demonstration
    // household, one person each: 294 + 49 = 343 person-times in 56 sessions.
    expect(summary.sessions).toBe(56);
    expect(summary.personTimes).toBe(343);
    expect(summary.sessionsWithoutRoster).toBe(3);
    expect(summary.uniqueFarmers).toBe(102);
    expect(summary.uniqueWomen).toBe(41);
    expect(summary.demoHouseholds).toBe(98);
    expect(summary.coverage).toBeCloseTo(53 / 56, 12);
    expect(summary.target.personTimes).toBe(300);
    expect(summary.target.progress).toBeCloseTo(343 / 300, 12);
    expect(summary.target.demoHouseholds).toBe(100);
    expect(summary.target.demoHouseholdsProgress).toBeCloseTo(98 / 100, 12);
    expect(summary.registeredDemoHouseholds).toBe(98);
    expect(summary.byKind.map((k: any) => [k.kind, k.sessions, k.personTimes])).toEqual([
      ['training', 7, 294],
      ['hands_on', 49, 49],
    ]);
    const sites = (await app.get(`/api/projects/${project.id}/sites`)).body as any[];
    expect(sites.filter((s) => s.kind === 'production_line')).toHaveLength(4);
  });
});
