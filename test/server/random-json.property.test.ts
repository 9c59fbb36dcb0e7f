import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { startTestApp, type TestApp } from '../support/context.js';
import { listRoutes } from '../support/routes.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

/**
 * Random JSON thrown at every JSON write route of the app (read from the router, `:id` filled
 * with real records), as the admin: never a 5xx, and a refused request (4xx) changes no
 * table's row count. Uploads (CSV/XLSX imports, photos) take files, not JSON, and have their
 * own tests (upload-limits, xlsx-bomb, photos).
 */
const RUNS_PER_ROUTE = 20;
const NOT_JSON = new Set(['POST /api/trials/:id/imports', 'POST /api/projects/:id/imports', 'POST /api/plots/:id/photos']);
/** Tables a refused request may legitimately add to: a wrong password is counted. */
const MAY_GROW_ON_REFUSAL = new Set(['login_failures']);

/** Field names the schemas know, so that random bodies reach past "unknown field". */
const FIELDS = [
  'name', 'nameEn', 'code', 'label', 'siteId', 'arm', 'arms', 'role', 'block', 'areaM2', 'plantedOn', 'row', 'column', 'notes',
  'plot', 'variable', 'variables', 'value', 'reading', 'observedOn', 'version', 'attendance', 'women', 'attendees', 'heldOn',
  'kind', 'topic', 'village', 'trainer', 'targets', 'personTimes', 'demoHouseholds', 'programmeId', 'budget', 'status', 'startsOn',
  'endsOn', 'email', 'password', 'projects', 'active', 'closedOn', 'note', 'date', 'experts', 'findings', 'rectifications', 'item',
  'design', 'plotsPerArm', 'rows', 'columns', 'labelPattern', 'seed', 'plotArea', 'year', 'crop', 'minimum', 'maximum', 'unit',
  'aggregation', 'gender', 'phone', 'household', 'latitude', 'longitude', 'count', 'type', 'supportingProvince', 'supportingUnit',
  'mappings', 'sheet', 'decisions', 'zh', 'en', 'id',
];

const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', 'a\u0000b', '\u0000', '🌾🍅', '𠀀', '\ud800', 'x\udfff', '=HYPERLINK("http://x")', '<script>alert(1)</script>', "'; drop table plots; --", '2017-02-30', '2017-05-01', '1e400', '-1', 'NaN', 'T', 'P1', 'yield_kg_per_mu'),
  fc.string({ minLength: 300, maxLength: 5000 }).map((s) => s.padEnd(300, '长')),
);
const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1, -1, 0.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 53, 2 ** 63, -1e308, 1e308, 5e-324, 1e-7, 123456789.123456789),
);
const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null));
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
}));
const body = fc.oneof(
  { weight: 5, arbitrary: fc.dictionary(key, value, { maxKeys: 10 }) },
  { weight: 2, arbitrary: fc.array(fc.dictionary(key, value, { maxKeys: 8 }), { maxLength: 4 }) },
  { weight: 1, arbitrary: value },
);

/**
 * A valid body for a route, given the seeded records: the random bodies below change one or
 * two of its fields, so that they get past the first check and reach the service and the
 * database (unique names, foreign keys, CHECKs, numeric ranges).
 */
function templates(ids: Record<string, string>, siteId: number, emptySiteId: number): Record<string, Record<string, unknown>> {
  const session = { heldOn: '2017-05-02', kind: 'training', topic: 't', attendance: 3, women: 1, siteId, attendees: [Number(ids.farmers)] };
  return {
    'POST /api/projects': { name: 'p', code: 'Q1', startsOn: '2017-01-01', endsOn: '2017-12-31', budget: '100.5', targets: { personTimes: 10, demoHouseholds: 2 } },
    'PATCH /api/projects/:id': { name: 'p2', targets: { personTimes: 1, demoHouseholds: 1 }, budget: '10', startsOn: '2017-01-01', endsOn: '2017-12-31', programmeId: Number(ids.programmes) },
    'POST /api/projects/:id/sites': { name: 'S2', latitude: 30.5, longitude: 100.25 },
    'PATCH /api/sites/:id': { name: 'S3', latitude: 1 },
    'POST /api/projects/:id/trials': { name: 't2', crop: 'c', design: 'rcbd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: [YIELD.code] },
    'PATCH /api/trials/:id': { name: 'trial', crop: 'x' },
    'POST /api/trials/:id/plots': { siteId, label: 'P2', arm: 'T', areaM2: '10', block: '1', row: 5, column: 5, plantedOn: '2017-04-01' },
    'PATCH /api/plots/:id': { areaM2: '12.5', notes: 'n', row: 2, column: 2 },
    'POST /api/trials/:id/observations': { plot: 'P1', variable: YIELD.code, value: 5, observedOn: '2017-06-01', reading: 2 },
    'PATCH /api/observations/:id': { value: 7, observedOn: '2017-06-02' },
    'POST /api/projects/:id/farmers': { name: 'f', gender: 'male', phone: '123' },
    'PATCH /api/farmers/:id': { name: 'f2', household: 'h' },
    'POST /api/projects/:id/training-sessions': session,
    'PATCH /api/training-sessions/:id': { attendance: 4, women: 2 },
    'POST /api/projects/:id/inspections': { date: '2017-11-02', experts: ['e'], findings: 'f', rectifications: [{ item: 'i' }] },
    'POST /api/trials/:id/layouts': { siteId: emptySiteId, design: 'crd', plotsPerArm: 1, rows: 1, columns: 2, labelPattern: 'M{n}', seed: 7 },
    'POST /api/programmes': { name: 'P2', year: 2018 },
    'POST /api/variables': { code: 'v2', name: { zh: '变量', en: 'v' }, kind: 'number', minimum: 0, maximum: 10, unit: 'kg', aggregation: 'mean' },
    'POST /api/projects/:id/outputs': { kind: 'extension_material', title: 'm', date: '2017-03-01', count: 5 },
  };
}

/** A field's random replacement: mostly a number or text, which reach furthest. */
const replacement = fc.oneof({ weight: 3, arbitrary: number }, { weight: 2, arbitrary: text }, { weight: 1, arbitrary: value });

/** The template with one or two of its fields replaced by random values. */
function mutated(template: Record<string, unknown>) {
  const keys = Object.keys(template);
  return fc
    .tuple(fc.subarray(keys, { minLength: 1, maxLength: 2 }), replacement, replacement, fc.boolean())
    .map(([ks, v1, v2, asList]) => {
      const b = { ...template, [ks[0]]: v1, ...(ks[1] ? { [ks[1]]: v2 } : {}) };
      return asList ? [b] : b;
    });
}

describe('random JSON at every write route: no 5xx, and a refusal writes nothing', () => {
  let app: TestApp;
  let routes: string[];
  let ids: Record<string, string>;
  let tables: string[];
  let valid: Record<string, Record<string, unknown>>;

  async function rowCounts(): Promise<Record<string, number>> {
    const q = tables.map((t) => `select '${t}' as t, count(*)::int as n from "${t}"`).join(' union all ');
    const rows = (await sql.raw<{ t: string; n: number }>(q).execute(app.db)).rows;
    return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)]));
  }

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    const { project, sites } = await makeProject(app, ['Site A', 'Site B']);
    const trial = await app.post(`/api/projects/${project.id}/trials`, { name: 'trial', crop: 'tomato', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: [YIELD.code] });
    const plot = await app.post(`/api/trials/${trial.body.id}/plots`, { siteId: sites[0].id, label: 'P1', arm: 'T' });
    const obs = await app.post(`/api/trials/${trial.body.id}/observations`, { plot: 'P1', variable: YIELD.code, value: 100 });
    const farmer = await app.post(`/api/projects/${project.id}/farmers`, { name: 'farmer', gender: 'female' });
    const session = await app.post(`/api/projects/${project.id}/training-sessions`, { heldOn: '2017-05-01', kind: 'training', topic: 't', attendance: 3, attendees: [farmer.body.id] });
    const inspection = await app.post(`/api/projects/${project.id}/inspections`, { date: '2017-11-01', experts: ['e'], findings: 'f', rectifications: [{ item: 'item' }] });
    const layout = await app.post(`/api/trials/${trial.body.id}/layouts`, { siteId: sites[0].id, design: 'crd', plotsPerArm: 1, rows: 1, columns: 2, labelPattern: 'L{n}' });
    const preview = await app.post(`/api/trials/${trial.body.id}/imports?kind=observations&shape=long`, `plot,variable,value\nP1,${YIELD.code},120\n`, { 'content-type': 'text/csv' });
    const programme = await app.post('/api/programmes', { name: 'P', year: 2017 });
    // Not the admin whose token sends the requests: a random body could give it a new password.
    const other = await app.createUser({ role: 'agronomist', projects: [project.id] });
    for (const r of [trial, plot, obs, farmer, session, inspection, layout, preview, programme]) expect(r.status, JSON.stringify(r.body)).toBe(201);
    ids = {
      projects: String(project.id),
      sites: String(sites[0].id),
      trials: String(trial.body.id),
      plots: String(plot.body.id),
      observations: String(obs.body.id),
      farmers: String(farmer.body.id),
      'training-sessions': String(session.body.id),
      rectifications: String(inspection.body.rectifications[0].id),
      layouts: String(layout.body.id),
      imports: String(preview.body.id),
      programmes: String(programme.body.id),
      users: String(other.id),
      photos: '1',
    };
    valid = templates(ids, sites[0].id, sites[1].id);
    routes = listRoutes(createApp(app.config, app.database.handle)).filter((r) => /^(POST|PATCH|PUT) \/api\//.test(r) && !NOT_JSON.has(r));
    const found = await sql<{ tablename: string }>`select tablename from pg_tables where schemaname = 'public' order by tablename`.execute(app.db);
    tables = found.rows.map((r) => r.tablename);
  }, 120_000);
  afterAll(() => app?.close());

  it('covers the JSON write routes', () => {
    expect(Object.keys(valid).filter((r) => !routes.includes(r)), 'templates for routes that do not exist').toEqual([]);
    expect(routes.length).toBeGreaterThan(25);
    expect(routes).toEqual(expect.arrayContaining(['PATCH /api/observations/:id', 'PATCH /api/plots/:id', 'POST /api/projects/:id/training-sessions', 'POST /api/variables']));
    expect(tables).toEqual(expect.arrayContaining(['observations', 'plots', 'audit_log']));
  });

  it('never answers 5xx, and a 4xx leaves every table as it was', async () => {
    const problems: string[] = [];
    const seen: Record<string, number> = {};
    for (const route of routes) {
      const [method, pattern] = route.split(' ');
      const family = pattern.replace(/^\/api/, '').split('/')[1];
      const path = pattern.replace(':id', ids[family] ?? '1');
      if (valid[route]) {
        // The template itself goes through (so the random ones start from a valid body);
        // sent again below it meets its own unique names.
        const res = await app.request(method, path, JSON.stringify(valid[route]));
        if (res.status >= 300) problems.push(`${route} template -> ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      }
      let before = await rowCounts();
      await fc.assert(
        fc.asyncProperty(valid[route] ? fc.oneof({ weight: 1, arbitrary: body }, { weight: 2, arbitrary: mutated(valid[route]) }) : body, async (b) => {
          const res = await app.request(method, path, JSON.stringify(b), { 'accept-language': 'en' });
          seen[`${res.status}`] = (seen[`${res.status}`] ?? 0) + 1;
          const after = await rowCounts();
          const changed = res.status >= 400 ? tables.filter((t) => !MAY_GROW_ON_REFUSAL.has(t) && after[t] !== before[t]) : [];
          before = after;
          // A lock that went through would make every later write a 409: undo it.
          if (path.endsWith('/lock') && res.status < 300) {
            await app.post(path.replace(/lock$/, 'unlock'), undefined);
            before = await rowCounts();
          }
          if (res.status >= 500 || changed.length) {
            problems.push(`${route} ${JSON.stringify(b).slice(0, 200)} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}${changed.length ? ` changed ${changed.join(', ')}` : ''}`);
            return false;
          }
          return true;
        }),
        { numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      ).catch((e: unknown) => {
        // A failed property was recorded above; anything else thrown (a connection reset by
        // a crashed server, say) is recorded here.
        if (!problems.some((p) => p.startsWith(`${route} `))) problems.push(`${route} : ${String(e).slice(0, 500)}`);
      });
    }
    expect(problems).toEqual([]);
    // Most answers are refusals; the point is that they are refusals and not failures.
    expect(Object.keys(seen).every((s) => Number(s) < 500)).toBe(true);
  }, 300_000);
});
