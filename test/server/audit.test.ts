import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type Client, type TestApp, type TestUser } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

/** Every change of observations, plots, trials, farmers and training sessions is in the audit
 * trail with its author, the row before and after, and the reason when one was given. */
describe('the audit trail', () => {
  let app: TestApp;
  let agronomist: TestUser;
  let lead: TestUser;
  let asAgronomist: Client;
  let asLead: Client;
  let projectId: number;
  let siteId: number;
  let trialId: number;

  const history = async (kind: string, id: number) => {
    const res = await app.get(`/api/${kind}/${id}/history`);
    expect(res.status).toBe(200);
    return res.body as { action: string; actor: { id: number; name: string } | null; reason: string | null; before: any; after: any; table: string }[];
  };

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    const { project, sites } = await makeProject(app, ['S']);
    projectId = project.id;
    siteId = sites[0].id;
    agronomist = await app.createUser({ role: 'agronomist', projects: [projectId], name: '李农技' });
    lead = await app.createUser({ role: 'lead', projects: [projectId], name: '王负责' });
    asAgronomist = await app.as(agronomist);
    asLead = await app.as(lead);
    const trial = await asAgronomist.post(`/api/projects/${projectId}/trials`, {
      name: 'audit',
      crop: 'tomato',
      design: 'crd',
      arms: [
        { name: 'T', role: 'treatment' },
        { name: 'C', role: 'control' },
      ],
      variables: [YIELD.code],
    });
    trialId = trial.body.id;
    const plots = await asAgronomist.post(`/api/trials/${trialId}/plots`, [
      { siteId, label: 'T1', arm: 'T' },
      { siteId, label: 'C1', arm: 'C' },
    ]);
    expect(plots.status).toBe(201);
  });
  afterAll(() => app?.close());

  it('records who created, corrected (with the reason), deleted and restored an observation', async () => {
    const created = await asAgronomist.post(`/api/trials/${trialId}/observations`, { plot: 'T1', variable: YIELD.code, value: '5427.10' });
    const id = created.body.id;
    const fixed = await asAgronomist.patch(`/api/observations/${id}`, { value: '5472.10', version: created.body.version }, { 'x-change-reason': encodeURIComponent('抄录错误：数字颠倒') });
    expect(fixed.status).toBe(200);
    expect((await asAgronomist.del(`/api/observations/${id}`)).status).toBe(204);
    expect((await asAgronomist.get(`/api/observations/${id}`)).status).toBe(404);
    const restored = await asAgronomist.post(`/api/observations/${id}/restore`, { reason: 'deleted by mistake' });
    expect(restored.status).toBe(200);
    expect(restored.body.valueText).toBe('5472.10');

    const entries = await history('observations', id);
    expect(entries.map((e) => e.action)).toEqual(['create', 'update', 'delete', 'restore']);
    expect(entries.every((e) => e.actor?.id === agronomist.id && e.actor.name === '李农技')).toBe(true);
    expect(entries[0].before).toBeNull();
    // Decimals keep their exact text (5427.10, not 5427.1).
    expect(entries[0].after.valueNumber).toBe('5427.10');
    expect(entries[1].before.valueNumber).toBe('5427.10');
    expect(entries[1].after.valueNumber).toBe('5472.10');
    expect(entries[1].reason).toBe('抄录错误：数字颠倒');
    expect(entries[2].after.deletedAt).not.toBeNull();
    expect(entries[3].reason).toBe('deleted by mistake');
  });

  it('records changes of plots and trials, with the trial’s arms and variables', async () => {
    const plots = (await app.get(`/api/trials/${trialId}/plots`)).body as { id: number; label: string; version: number }[];
    const t1 = plots.find((p) => p.label === 'T1')!;
    expect((await asAgronomist.patch(`/api/plots/${t1.id}`, { block: 'B1', version: t1.version })).status).toBe(200);
    const plotEntries = await history('plots', t1.id);
    expect(plotEntries.map((e) => [e.action, e.actor?.id])).toEqual([
      ['create', agronomist.id],
      ['update', agronomist.id],
    ]);
    expect(plotEntries[1].after.block).toBe('B1');

    const trial = (await app.get(`/api/trials/${trialId}`)).body;
    const renamed = await asAgronomist.patch(`/api/trials/${trialId}`, { season: '2018', arms: [...trial.arms.map((a: any) => ({ name: a.name, role: a.role })), { name: 'T2', role: 'treatment' }], version: trial.version });
    expect(renamed.status).toBe(200);
    const trialEntries = await history('trials', trialId);
    const update = trialEntries.find((e) => e.table === 'trials' && e.action === 'update')!;
    expect(update.before.season).toBeNull();
    expect(update.after.season).toBe('2018');
    expect(trialEntries.some((e) => e.table === 'trial_arms' && e.action === 'create' && e.after.name === 'T2' && e.actor?.id === agronomist.id)).toBe(true);
  });

  it('records farmers and training sessions with their rosters, by the lead', async () => {
    const farmer = await asLead.post(`/api/projects/${projectId}/farmers`, { name: '张三', phone: '13800000000', gender: 'male' });
    const session = await asLead.post(`/api/projects/${projectId}/training-sessions`, { heldOn: '2017-06-01', kind: 'field_day', topic: '秸秆还田', attendance: 12, attendees: [farmer.body.id] });
    expect(session.status).toBe(201);
    expect((await asLead.patch(`/api/farmers/${farmer.body.id}`, { phone: '13900000000', version: farmer.body.version })).status).toBe(200);
    expect((await asLead.patch(`/api/training-sessions/${session.body.id}`, { attendance: 15, attendees: [], version: session.body.version })).status).toBe(200);
    expect((await asLead.del(`/api/training-sessions/${session.body.id}`)).status).toBe(204);

    const farmerEntries = await history('farmers', farmer.body.id);
    expect(farmerEntries.map((e) => e.action)).toEqual(['create', 'update']);
    expect(farmerEntries[1].before.phone).toBe('13800000000');
    expect(farmerEntries[1].after.phone).toBe('13900000000');
    const sessionEntries = await history('training-sessions', session.body.id);
    expect(sessionEntries.map((e) => `${e.table}:${e.action}`)).toEqual([
      'training_sessions:create',
      'training_attendees:create',
      'training_sessions:update',
      'training_attendees:delete',
      'training_sessions:delete',
    ]);
    expect(sessionEntries.every((e) => e.actor?.id === lead.id)).toBe(true);
  });

  it('records every row written by a spreadsheet import, with the account that committed it', async () => {
    const csv = `plot,variable,value\nT1,${YIELD.code},600\nC1,${YIELD.code},500\n`;
    const preview = await asAgronomist.post(`/api/trials/${trialId}/imports?kind=observations&shape=long`, csv, { 'content-type': 'text/csv' });
    expect(preview.status, JSON.stringify(preview.body)).toBe(201);
    const before = await countEntries();
    const committed = await asAgronomist.post(`/api/imports/${preview.body.id}/commit`, undefined, { 'x-change-reason': 'harvest sheet 2017-07' });
    expect(committed.status, JSON.stringify(committed.body)).toBe(200);
    const { rows } = await sql<{ actorId: number; reason: string; action: string }>`
      select actor_id, reason, action from audit_log where entity = 'observation' and id > ${before} order by id
    `.execute(app.db);
    // T1 already has a yield (the first test), which the import corrects; C1 has none yet.
    expect(rows.map((r) => r.action).sort()).toEqual(['create', 'update']);
    expect(rows.every((r) => r.actorId === agronomist.id && r.reason === 'harvest sheet 2017-07')).toBe(true);
  });

  it('keeps the log append-only', async () => {
    await expect(sql`delete from audit_log`.execute(app.db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_log set actor_id = null`.execute(app.db)).rejects.toThrow(/append-only/);
  });

  it('does not show the history to a viewer', async () => {
    const viewer = await app.as('viewer', [projectId]);
    const obs = (await app.get(`/api/trials/${trialId}/observations`)).body[0];
    expect((await viewer.get(`/api/observations/${obs.id}/history`)).status).toBe(403);
  });

  async function countEntries(): Promise<number> {
    const { rows } = await sql<{ n: number }>`select coalesce(max(id), 0)::int as n from audit_log`.execute(app.db);
    return rows[0].n;
  }
});
