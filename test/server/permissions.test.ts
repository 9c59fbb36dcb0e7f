import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { RULES, parseRoute, type Rule } from '../../server/accounts/policy.js';
import { startTestApp, type Client as ApiClient, type Role, type TestApp, type TestUser } from '../support/context.js';
import { listRoutes } from '../support/routes.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

/**
 * The permission matrix, written out by hand (not derived from the policy): for each route,
 * who may call it. `member` routes concern one project's record (`:id`), so the account must
 * also be a member of that project. A route the app serves that is missing here fails.
 */
type Who = 'public' | 'signedIn' | Role[];
const ALL: Role[] = ['admin', 'lead', 'agronomist', 'viewer'];
const STAFF: Role[] = ['admin', 'lead', 'agronomist'];
const DATA: Role[] = ['admin', 'agronomist'];
const LEAD: Role[] = ['admin', 'lead'];
const ADMIN: Role[] = ['admin'];

const MATRIX: Record<string, { who: Who; member?: boolean }> = {
  'GET /api/health': { who: 'public' },
  'POST /api/tokens': { who: 'public' },
  'GET /login': { who: 'public' },
  'POST /login': { who: 'public' },
  'POST /logout': { who: 'public' },
  'GET /api/tokens': { who: 'signedIn' },
  'DELETE /api/tokens/:id': { who: 'signedIn' },
  'GET /api/me': { who: 'signedIn' },
  'GET /api/projects': { who: 'signedIn' },
  'GET /api/search': { who: 'signedIn' },
  'GET /search': { who: 'signedIn' },
  'GET /api/variables': { who: 'signedIn' },
  'GET /api/variables/:id': { who: 'signedIn' },
  'POST /api/variables': { who: DATA },
  'GET /api/users': { who: ADMIN },
  'POST /api/users': { who: ADMIN },
  'GET /api/users/:id': { who: ADMIN },
  'PATCH /api/users/:id': { who: ADMIN },
  'POST /api/projects': { who: ADMIN },

  'GET /api/projects/:id': { who: ALL, member: true },
  'PATCH /api/projects/:id': { who: LEAD, member: true },
  'GET /api/projects/:id/sites': { who: ALL, member: true },
  'POST /api/projects/:id/sites': { who: DATA, member: true },
  'GET /api/sites/:id': { who: ALL, member: true },
  'PATCH /api/sites/:id': { who: DATA, member: true },
  'GET /api/projects/:id/trials': { who: ALL, member: true },
  'POST /api/projects/:id/trials': { who: DATA, member: true },
  'GET /api/trials/:id': { who: ALL, member: true },
  'PATCH /api/trials/:id': { who: DATA, member: true },
  'DELETE /api/trials/:id': { who: DATA, member: true },
  'POST /api/trials/:id/restore': { who: DATA, member: true },
  'GET /api/trials/:id/history': { who: STAFF, member: true },
  'POST /api/trials/:id/lock': { who: LEAD, member: true },
  'POST /api/trials/:id/unlock': { who: LEAD, member: true },
  'GET /api/trials/:id/report': { who: ALL, member: true },
  'GET /api/trials/:id/plots': { who: ALL, member: true },
  'POST /api/trials/:id/plots': { who: DATA, member: true },
  'GET /api/plots/:id': { who: ALL, member: true },
  'PATCH /api/plots/:id': { who: DATA, member: true },
  'DELETE /api/plots/:id': { who: DATA, member: true },
  'POST /api/plots/:id/restore': { who: DATA, member: true },
  'GET /api/plots/:id/history': { who: STAFF, member: true },
  'GET /api/trials/:id/layouts': { who: ALL, member: true },
  'POST /api/trials/:id/layouts': { who: DATA, member: true },
  'GET /api/layouts/:id': { who: ALL, member: true },
  'POST /api/layouts/:id/commit': { who: DATA, member: true },
  'POST /api/layouts/:id/rerandomise': { who: DATA, member: true },
  'GET /api/trials/:id/labels.csv': { who: ALL, member: true },
  'GET /api/trials/:id/observations': { who: ALL, member: true },
  'POST /api/trials/:id/observations': { who: DATA, member: true },
  'GET /api/observations/:id': { who: ALL, member: true },
  'PATCH /api/observations/:id': { who: DATA, member: true },
  'DELETE /api/observations/:id': { who: DATA, member: true },
  'POST /api/observations/:id/restore': { who: DATA, member: true },
  'GET /api/observations/:id/history': { who: STAFF, member: true },
  'GET /api/plots/:id/photos': { who: ALL, member: true },
  'POST /api/plots/:id/photos': { who: DATA, member: true },
  'DELETE /api/photos/:id': { who: DATA, member: true },
  'POST /api/photos/:id/restore': { who: DATA, member: true },
  'GET /api/projects/:id/farmers': { who: ALL, member: true },
  'POST /api/projects/:id/farmers': { who: LEAD, member: true },
  'GET /api/farmers/:id': { who: ALL, member: true },
  'PATCH /api/farmers/:id': { who: LEAD, member: true },
  'DELETE /api/farmers/:id': { who: LEAD, member: true },
  'POST /api/farmers/:id/restore': { who: LEAD, member: true },
  'GET /api/farmers/:id/history': { who: STAFF, member: true },
  'GET /api/projects/:id/training-sessions': { who: ALL, member: true },
  'POST /api/projects/:id/training-sessions': { who: LEAD, member: true },
  'GET /api/training-sessions/:id': { who: ALL, member: true },
  'PATCH /api/training-sessions/:id': { who: LEAD, member: true },
  'DELETE /api/training-sessions/:id': { who: LEAD, member: true },
  'POST /api/training-sessions/:id/restore': { who: LEAD, member: true },
  'GET /api/training-sessions/:id/history': { who: STAFF, member: true },
  'GET /api/projects/:id/training-summary': { who: ALL, member: true },

  'POST /api/trials/:id/imports': { who: DATA, member: true },
  'POST /api/projects/:id/imports': { who: LEAD, member: true },
  'GET /api/imports/:id': { who: STAFF, member: true },
  'POST /api/imports/:id/commit': { who: DATA, member: true }, // per kind: KINDS below
  'POST /api/imports/:id/mapping': { who: DATA, member: true }, // a plot file's preview
  'GET /api/trials/:id/observations/export': { who: ALL, member: true },
  'GET /api/trials/:id/report/export': { who: ALL, member: true },
  'GET /api/trials/:id/fieldbook/field.csv': { who: ALL, member: true },
  'GET /api/trials/:id/fieldbook/traits.trt': { who: ALL, member: true },
  'GET /api/projects/:id/training-sessions/export': { who: ALL, member: true },

  'GET /api/programmes': { who: 'signedIn' },
  'POST /api/programmes': { who: LEAD },
  'GET /api/programmes/:id': { who: 'signedIn' },
  'GET /api/programmes/:id/summary': { who: 'signedIn' },
  'GET /api/programmes/:id/export': { who: 'signedIn' },
  'GET /api/projects/:id/inspections': { who: ALL, member: true },
  'POST /api/projects/:id/inspections': { who: LEAD, member: true },
  'POST /api/rectifications/:id/close': { who: LEAD, member: true },
  'GET /api/projects/:id/outputs': { who: ALL, member: true },
  'POST /api/projects/:id/outputs': { who: LEAD, member: true },

  // Pages
  'GET /': { who: 'signedIn' },
  'GET /projects/new': { who: ADMIN },
  'POST /projects/new': { who: ADMIN },
  'GET /projects/:id': { who: ALL, member: true },
  'GET /programmes': { who: 'signedIn' },
  'GET /programmes/:id': { who: 'signedIn' },
  'GET /programmes/:id/summary': { who: 'signedIn' },
  'GET /rectifications/:id/close': { who: LEAD, member: true },
  'POST /rectifications/:id/close': { who: LEAD, member: true },
  'GET /projects/:id/edit': { who: LEAD, member: true },
  'POST /projects/:id/edit': { who: LEAD, member: true },
  'GET /projects/:id/sites/new': { who: DATA, member: true },
  'POST /projects/:id/sites/new': { who: DATA, member: true },
  'GET /sites/:id/edit': { who: DATA, member: true },
  'POST /sites/:id/edit': { who: DATA, member: true },
  'GET /variables/new': { who: DATA },
  'POST /variables/new': { who: DATA },
  'GET /projects/:id/trials/new': { who: DATA, member: true },
  'POST /projects/:id/trials/new': { who: DATA, member: true },
  'GET /trials/:id': { who: ALL, member: true },
  'GET /trials/:id/cells': { who: ALL, member: true },
  'GET /trials/:id/manifest.webmanifest': { who: ALL, member: true },
  'GET /sw.js': { who: 'public' },
  'GET /photos/:id': { who: ALL, member: true },
  'GET /photos/:id/thumbnail': { who: ALL, member: true },
  'GET /trials/:id/edit': { who: DATA, member: true },
  'POST /trials/:id/edit': { who: DATA, member: true },
  'GET /trials/:id/report': { who: ALL, member: true },
  'GET /trials/:id/plots/new': { who: DATA, member: true },
  'GET /trials/:id/layouts/new': { who: DATA, member: true },
  'POST /trials/:id/layouts/new': { who: DATA, member: true },
  'GET /layouts/:id': { who: ALL, member: true },
  'POST /layouts/:id/commit': { who: DATA, member: true },
  'POST /layouts/:id/rerandomise': { who: DATA, member: true },
  'GET /trials/:id/map': { who: ALL, member: true },
  'GET /trials/:id/map.svg': { who: ALL, member: true },
  'GET /trials/:id/labels': { who: ALL, member: true },
  'POST /trials/:id/plots/new': { who: DATA, member: true },
  'GET /plots/:id/edit': { who: DATA, member: true },
  'POST /plots/:id/edit': { who: DATA, member: true },
  'POST /plots/:id/delete': { who: DATA, member: true },
  'GET /trials/:id/observations': { who: DATA, member: true },
  'POST /trials/:id/observations': { who: DATA, member: true },
  'GET /observations/:id/edit': { who: DATA, member: true },
  'POST /observations/:id/edit': { who: DATA, member: true },
  'POST /observations/:id/delete': { who: DATA, member: true },
  'POST /observations/:id/restore': { who: DATA, member: true },
  'POST /plots/:id/restore': { who: DATA, member: true },
  'POST /trials/:id/lock': { who: LEAD, member: true },
  'POST /trials/:id/unlock': { who: LEAD, member: true },
  'GET /projects/:id/training': { who: ALL, member: true },
  'GET /projects/:id/training-sessions/new': { who: LEAD, member: true },
  'POST /projects/:id/training-sessions/new': { who: LEAD, member: true },
  'GET /training-sessions/:id/edit': { who: LEAD, member: true },
  'POST /training-sessions/:id/edit': { who: LEAD, member: true },
  'POST /training-sessions/:id/delete': { who: LEAD, member: true },
  'GET /projects/:id/farmers': { who: ALL, member: true },
  'GET /projects/:id/farmers/new': { who: LEAD, member: true },
  'POST /projects/:id/farmers/new': { who: LEAD, member: true },
  'GET /farmers/:id/edit': { who: LEAD, member: true },
  'POST /farmers/:id/edit': { who: LEAD, member: true },
  'GET /trials/:id/import': { who: DATA, member: true },
  'POST /trials/:id/import': { who: DATA, member: true },
  'GET /projects/:id/training/import': { who: LEAD, member: true },
  'POST /projects/:id/training/import': { who: LEAD, member: true },
  'GET /imports/:id': { who: STAFF, member: true },
  'POST /imports/:id/commit': { who: DATA, member: true },
  'POST /imports/:id/mapping': { who: DATA, member: true },
};

/** The smallest PNG: one transparent pixel. */
const PNG_1PX = new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'));

/** A multipart form as a browser sends an upload: the file as `file`, and `fields`. */
function upload(file: Blob, name: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', file, name);
  return form;
}
const photoUpload = () => upload(new Blob([PNG_1PX], { type: 'image/png' }), 'p.png');

let seq = 0;
const next = () => `${Date.now().toString(36)}${++seq}`;

/** An observations sheet for the fixture's plot P1 with a value of its own, and a training
 * sheet with a topic of its own: each import of them is a new preview. */
const observationsCsv = () => `plot,variable,value\nP1,${YIELD.code},${100 + seq++}\n`;
const trainingCsv = () => `日期,类型,主题,参加人数\n2017-06-01,培训,t${next()},5\n`;
const csvUpload = (csv: string, fields?: Record<string, string>) => upload(new Blob([csv], { type: 'text/csv' }), 'sheet.csv', fields);

/** The records of one project that `:id` is replaced with, by the path's first segment. */
type Ids = Record<string, string>;

async function seedProject(app: TestApp, name: string): Promise<Ids> {
  const { project, sites } = await makeProject(app, [`${name} site`]);
  const trial = await app.post(`/api/projects/${project.id}/trials`, {
    name: `${name} trial`,
    crop: 'tomato',
    design: 'crd',
    arms: [
      { name: 'T', role: 'treatment' },
      { name: 'C', role: 'control' },
    ],
    variables: [YIELD.code],
  });
  const plot = await app.post(`/api/trials/${trial.body.id}/plots`, { siteId: sites[0].id, label: 'P1', arm: 'T' });
  const obs = await app.post(`/api/trials/${trial.body.id}/observations`, { plot: 'P1', variable: YIELD.code, value: 100 });
  const farmer = await app.post(`/api/projects/${project.id}/farmers`, { name: `${name} farmer`, gender: 'female' });
  // The farmer the matrix deletes is on no roster (one on a roster cannot be deleted).
  const attendee = await app.post(`/api/projects/${project.id}/farmers`, { name: `${name} attendee`, gender: 'female' });
  expect(attendee.status).toBe(201);
  const session = await app.post(`/api/projects/${project.id}/training-sessions`, { heldOn: '2017-05-01', kind: 'training', topic: 't', attendance: 3, attendees: [attendee.body.id] });
  const inspection = await app.post(`/api/projects/${project.id}/inspections`, { date: '2017-11-01', experts: ['e'], findings: 'f', rectifications: [{ item: `${name} item` }] });
  for (const r of [trial, plot, obs, farmer, session, inspection]) expect(r.status).toBe(201);
  const layout = await app.post(`/api/trials/${trial.body.id}/layouts`, { siteId: sites[0].id, design: 'crd', plotsPerArm: 1, rows: 1, columns: 2, labelPattern: 'L{n}' });
  expect(layout.status).toBe(201);
  for (const r of [trial, plot, obs, farmer, session]) expect(r.status).toBe(201);
  const photo = await fetch(`${app.baseUrl}/api/plots/${plot.body.id}/photos`, { method: 'POST', body: photoUpload(), headers: { authorization: `Bearer ${app.admin.token}` } });
  expect(photo.status).toBe(201);
  const photoId = ((await photo.json()) as { id: number }).id;
  const csv = `plot,variable,value\nP1,${YIELD.code},120\n`;
  const preview = await app.post(`/api/trials/${trial.body.id}/imports?kind=observations&shape=long`, csv, { 'content-type': 'text/csv' });
  expect(preview.status, JSON.stringify(preview.body)).toBe(201);
  return {
    imports: preview.body.id,
    layouts: String(layout.body.id),
    projects: String(project.id),
    sites: String(sites[0].id),
    trials: String(trial.body.id),
    plots: String(plot.body.id),
    observations: String(obs.body.id),
    farmers: String(farmer.body.id),
    attendee: String(attendee.body.id),
    'training-sessions': String(session.body.id),
    rectifications: String(inspection.body.rectifications[0].id),
    photos: String(photoId),
    siteName: sites[0].name,
  };
}

/** Credentials at an address: a token, a session cookie with its CSRF token, or none. */
interface Client {
  base: string;
  headers: Record<string, string>;
}
const bound = (base: string, headers: Record<string, string>): Client => ({ base, headers });

async function send(client: Client, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const json = body !== undefined && typeof body !== 'string' && !(body instanceof FormData);
  const res = await fetch(client.base + path, {
    method,
    redirect: 'manual',
    headers: { accept: 'application/json', ...(json ? { 'content-type': 'application/json' } : {}), ...client.headers, ...headers },
    body: body === undefined ? undefined : json ? JSON.stringify(body) : (body as string | FormData),
  });
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, location: res.headers.get('location') };
}

/** What public routes answer to a request without credentials (with the body of their
 * SUCCESS entry: a token is made for anyone with a password; the login form refuses a post
 * without its CSRF token). */
const ANONYMOUS_PUBLIC: Record<string, number> = {
  'GET /api/health': 200,
  'POST /api/tokens': 201,
  'GET /login': 200,
  'POST /login': 403,
  'POST /logout': 303,
  'GET /sw.js': 200,
};

/** What an allowed call answers, route by route: its exact status (and, for a 4xx that the
 * route itself gives, its error code, so that the policy's own 404 for an unruled route can
 * never pass for it). `body` is sent as JSON; `before` prepares a fresh target and answers
 * the id to use (a deleted record to restore, an import not yet committed). Without an entry,
 * a GET answers 200. A few routes are refused for their content on purpose (the route ran,
 * nothing changed): these name the code they answer. `form` is sent as a page's form
 * (urlencoded); `location` is where an allowed call must redirect to. */
interface Success {
  status: number;
  code?: string;
  body?: (ids: Ids) => unknown | Promise<unknown>;
  form?: (ids: Ids) => Record<string, string> | Promise<Record<string, string>>;
  location?: (ids: Ids) => string | RegExp;
  before?: (ids: Ids) => Promise<string>;
  query?: string | ((ids: Ids) => string);
  /** A sheet sent as the body (text/csv), or a multipart upload. */
  csv?: () => string;
  multipart?: () => FormData;
}

type Ctx = { app: TestApp };
const ctx = {} as Ctx;

async function versionOf(path: string): Promise<number> {
  const res = await ctx.app.get(path);
  expect(res.status, path).toBe(200);
  return res.body.version as number;
}

/** A fresh preview of each import kind, made by the admin. */
async function freshImport(ids: Ids, kind: 'observations' | 'plots' | 'training'): Promise<string> {
  const { app } = ctx;
  const res =
    kind === 'training'
      ? await app.post(`/api/projects/${ids.projects}/imports?kind=training`, trainingCsv(), { 'content-type': 'text/csv' })
      : kind === 'plots'
        ? await app.post(`/api/trials/${ids.trials}/imports?kind=plots`, `示范点,小区,处理\n${ids.siteName},Q${next()},T\n`, { 'content-type': 'text/csv' })
        : await app.post(`/api/trials/${ids.trials}/imports?kind=observations&shape=long`, observationsCsv(), { 'content-type': 'text/csv' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(res.body.summary.errors, JSON.stringify(res.body)).toBe(0);
  return res.body.id as string;
}

/** An open rectification item of its own (closing one cannot be undone). */
async function freshRectification(ids: Ids): Promise<string> {
  const res = await ctx.app.post(`/api/projects/${ids.projects}/inspections`, { date: '2017-11-02', experts: ['e'], findings: 'f', rectifications: [{ item: `i${next()}` }] });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return String(res.body.rectifications[0].id);
}

/** A date of its own, so that each new observation of the fixture's plot is a new one. */
const freshDay = () => new Date(Date.UTC(2017, 0, 1 + ++seq)).toISOString().slice(0, 10);

/** Deletes a record (as the admin) so that restoring it can succeed. */
function deleted(family: string) {
  return async (ids: Ids) => {
    const res = await ctx.app.del(`/api/${family}/${ids[family]}`);
    expect(res.status, `delete ${family}`).toBe(204);
    return ids[family];
  };
}

/** An edit form as its page fills it: the record's `fields` as they are (read as the admin;
 * `renamed` maps a form field to the API's name for it) and its current version, so that
 * saving it succeeds and leaves the fixture as later cases need it. */
async function edited(path: string, fields: string[], renamed: Record<string, string> = {}): Promise<Record<string, string>> {
  const res = await ctx.app.get(path);
  expect(res.status, path).toBe(200);
  const form: Record<string, string> = { version: String(res.body.version) };
  for (const f of fields) form[f] = String(res.body[renamed[f] ?? f] ?? '');
  return form;
}

/** The trial form's arms and variables, as the fixture's trials have them. */
const TRIAL_FORM = { crop: 'tomato', design: 'crd', 'arms.0.name': 'T', 'arms.0.role': 'treatment', 'arms.1.name': 'C', 'arms.1.role': 'control', [`var.${YIELD.code}`]: '1' };

const SUCCESS: Record<string, Success> = {
  'POST /api/tokens': { status: 201, body: () => ({ email: ctx.app.admin.email, password: ctx.app.admin.password, name: `t${next()}` }) },
  'DELETE /api/tokens/:id': { status: 404, code: 'TokenNotFound' },
  'GET /api/variables/:id': { status: 200 },
  'POST /api/variables': { status: 201, body: () => ({ code: `v_${next()}`, name: { zh: '指标', en: 'v' }, kind: 'number', aggregation: 'mean' }) },
  'POST /api/users': { status: 201, body: () => ({ email: `u${next()}@test.example`, name: 'u', password: 'a-long-password-1', role: 'viewer', projects: [] }) },
  'PATCH /api/users/:id': { status: 200, body: async (ids) => ({ version: await versionOf(`/api/users/${ids.users}`) }) },
  'POST /api/projects': { status: 201, body: () => ({ name: `项目${next()}`, code: `P${next()}` }) },
  'PATCH /api/projects/:id': { status: 200, body: async (ids) => ({ version: await versionOf(`/api/projects/${ids.projects}`) }) },
  'POST /api/projects/:id/sites': { status: 201, body: () => ({ name: `S${next()}`, kind: 'greenhouse' }) },
  'PATCH /api/sites/:id': { status: 200, body: async (ids) => ({ version: await versionOf(`/api/sites/${ids.sites}`) }) },
  'POST /api/projects/:id/trials': { status: 201, body: () => ({ name: `T${next()}`, crop: 'tomato', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: [YIELD.code] }) },
  'PATCH /api/trials/:id': { status: 200, body: async (ids) => ({ version: await versionOf(`/api/trials/${ids.trials}`) }) },
  'DELETE /api/trials/:id': { status: 204 },
  'POST /api/trials/:id/restore': { status: 200, before: deleted('trials') },
  'POST /api/trials/:id/lock': { status: 200 },
  'POST /api/trials/:id/unlock': { status: 200 },
  'POST /api/trials/:id/plots': { status: 201, body: (ids) => ({ siteId: Number(ids.sites), label: `N${next()}`, arm: 'T' }) },
  'PATCH /api/plots/:id': { status: 200, body: async (ids) => ({ version: await versionOf(`/api/plots/${ids.plots}`) }) },
  'DELETE /api/plots/:id': { status: 204 },
  'POST /api/plots/:id/restore': { status: 200, before: deleted('plots') },
  'POST /api/trials/:id/layouts': { status: 201, body: async (ids) => ({ siteId: await freshSite(ids), design: 'crd', plotsPerArm: 1, rows: 1, columns: 2, labelPattern: `L${next()}-{n}` }) },
  'POST /api/layouts/:id/commit': { status: 201, before: async (ids) => freshLayout(ids) },
  'POST /api/layouts/:id/rerandomise': { status: 200, before: async (ids) => freshLayout(ids) },
  'POST /api/trials/:id/observations': { status: 201, body: () => ({ plot: 'P1', variable: YIELD.code, value: 100, observedOn: freshDay() }) },
  'PATCH /api/observations/:id': { status: 200, body: async (ids) => ({ version: await versionOf(`/api/observations/${ids.observations}`) }) },
  'DELETE /api/observations/:id': { status: 204 },
  'POST /api/observations/:id/restore': { status: 200, before: deleted('observations') },
  'POST /api/plots/:id/photos': { status: 201, multipart: photoUpload },
  'DELETE /api/photos/:id': { status: 204 },
  'POST /api/photos/:id/restore': { status: 200, before: deleted('photos') },
  'POST /api/projects/:id/farmers': { status: 201, body: () => ({ name: `F${next()}`, gender: 'female' }) },
  'PATCH /api/farmers/:id': { status: 200, body: async (ids) => ({ version: await versionOf(`/api/farmers/${ids.farmers}`) }) },
  'DELETE /api/farmers/:id': { status: 204 },
  'POST /api/farmers/:id/restore': { status: 200, before: deleted('farmers') },
  'POST /api/projects/:id/training-sessions': { status: 201, body: () => ({ heldOn: '2017-05-02', kind: 'training', topic: `t${next()}`, attendance: 2 }) },
  'PATCH /api/training-sessions/:id': { status: 200, body: async (ids) => ({ version: await versionOf(`/api/training-sessions/${ids['training-sessions']}`) }) },
  'DELETE /api/training-sessions/:id': { status: 204 },
  'POST /api/training-sessions/:id/restore': { status: 200, before: deleted('training-sessions') },
  'POST /api/imports/:id/commit': { status: 200 },
  'POST /api/imports/:id/mapping': { status: 201, body: () => ({ mapping: { 示范点: 'site' } }) },
  'POST /api/trials/:id/imports': { status: 201, query: '?kind=observations&shape=long', csv: observationsCsv },
  'POST /api/projects/:id/imports': { status: 201, query: '?kind=training', csv: trainingCsv },
  'POST /api/programmes': { status: 201, body: () => ({ name: `P${next()}`, year: 2017 }) },
  'POST /api/projects/:id/inspections': { status: 201, body: () => ({ date: '2017-11-02', experts: ['e'], findings: 'f', rectifications: [{ item: `i${next()}` }] }) },
  'POST /api/rectifications/:id/close': { status: 200, before: freshRectification, body: () => ({ closedOn: '2017-12-01', note: 'put right' }) },
  'POST /api/projects/:id/outputs': { status: 201, body: () => ({ kind: 'publication', title: `O${next()}` }) },

  // Pages: a form that is saved redirects (303) to the page that shows what it saved.
  'GET /login': { status: 303 },
  // A wrong password for an address of its own each time, so the sign-in throttle's
  // per-account count never answers 429 instead.
  'POST /login': { status: 401, form: () => ({ email: `nobody${next()}@test.example`, password: 'not-the-password' }) },
  'POST /logout': { status: 303 },
  'GET /trials/:id/cells': { status: 200, query: (ids) => `?plot=${ids.plots}&variable=${YIELD.code}` },
  'GET /trials/:id/observations': { status: 303 },
  'POST /projects/new': { status: 303, form: () => ({ name: `项目${next()}`, code: `P${next()}` }), location: () => /^\/projects\/\d+$/ },
  'POST /rectifications/:id/close': { status: 303, before: freshRectification, form: () => ({ closedOn: '2017-12-01', note: 'put right' }), location: (ids) => `/projects/${ids.projects}` },
  'POST /projects/:id/edit': { status: 303, form: async (ids) => edited(`/api/projects/${ids.projects}`, ['name', 'code']), location: (ids) => `/projects/${ids.projects}` },
  'POST /projects/:id/sites/new': { status: 303, form: () => ({ name: `S${next()}`, kind: 'greenhouse' }), location: (ids) => `/projects/${ids.projects}#sites` },
  'POST /sites/:id/edit': { status: 303, form: async (ids) => edited(`/api/sites/${ids.sites}`, ['name', 'kind']), location: (ids) => `/projects/${ids.projects}#sites` },
  'POST /variables/new': { status: 303, form: () => ({ code: `v_${next()}`, name: '指标', kind: 'number' }), location: () => '/' },
  'POST /projects/:id/trials/new': { status: 303, form: () => ({ name: `T${next()}`, ...TRIAL_FORM }), location: () => /^\/trials\/\d+$/ },
  'POST /trials/:id/edit': { status: 303, form: async (ids) => ({ ...(await edited(`/api/trials/${ids.trials}`, ['name'])), ...TRIAL_FORM }), location: (ids) => `/trials/${ids.trials}` },
  'POST /trials/:id/plots/new': { status: 303, form: (ids) => ({ siteId: ids.sites, label: `N${next()}`, arm: 'T' }), location: (ids) => `/trials/${ids.trials}#plots` },
  'POST /trials/:id/layouts/new': { status: 303, form: async (ids) => ({ siteId: String(await freshSite(ids)), design: 'crd', plotsPerArm: '1', rows: '1', columns: '2', labelPattern: `L${next()}-{n}` }), location: () => /^\/layouts\/\d+$/ },
  'POST /imports/:id/commit': { status: 303 },
  'POST /imports/:id/mapping': { status: 303 },
  'POST /layouts/:id/commit': { status: 303, before: async (ids) => freshLayout(ids) },
  'POST /layouts/:id/rerandomise': { status: 303, before: async (ids) => freshLayout(ids) },
  'POST /plots/:id/edit': { status: 303, form: async (ids) => ({ ...(await edited(`/api/plots/${ids.plots}`, ['label', 'arm'])), siteId: ids.sites }), location: (ids) => `/trials/${ids.trials}#plots` },
  'POST /plots/:id/delete': { status: 303 },
  'POST /trials/:id/observations': { status: 303, form: (ids) => ({ [`v.${ids.plots}.${ids.variables}`]: '100', observedOn: freshDay() }), location: (ids) => new RegExp(`^/trials/${ids.trials}\\?saved=1&observedOn=[\\d-]+#entry$`) },
  'POST /observations/:id/edit': { status: 303, form: async (ids) => edited(`/api/observations/${ids.observations}`, ['value'], { value: 'valueText' }), location: (ids) => new RegExp(`^/trials/${ids.trials}\\?corrected=1&plot=P1#plot-${ids.plots}$`) },
  'POST /observations/:id/delete': { status: 303 },
  'POST /observations/:id/restore': { status: 303, before: deleted('observations') },
  'POST /plots/:id/restore': { status: 303, before: deleted('plots') },
  'POST /trials/:id/lock': { status: 303 },
  'POST /trials/:id/unlock': { status: 303 },
  'POST /projects/:id/training-sessions/new': { status: 303, form: () => ({ heldOn: '2017-05-02', kind: 'training', topic: `t${next()}`, attendance: '2' }), location: (ids) => `/projects/${ids.projects}/training#sessions` },
  'POST /training-sessions/:id/edit': { status: 303, form: async (ids) => ({ ...(await edited(`/api/training-sessions/${ids['training-sessions']}`, ['heldOn', 'kind', 'topic', 'attendance'])), [`attendee.${ids.attendee}`]: '1' }), location: (ids) => `/projects/${ids.projects}/training#sessions` },
  'POST /training-sessions/:id/delete': { status: 303 },
  'POST /projects/:id/farmers/new': { status: 303, form: () => ({ name: `F${next()}`, gender: 'female' }), location: (ids) => `/projects/${ids.projects}/farmers` },
  'POST /farmers/:id/edit': { status: 303, form: async (ids) => edited(`/api/farmers/${ids.farmers}`, ['name', 'gender']), location: (ids) => `/projects/${ids.projects}/farmers` },
  'POST /trials/:id/import': { status: 303, multipart: () => csvUpload(observationsCsv(), { kind: 'observations', shape: 'long' }), location: () => /^\/imports\/[\w-]+$/ },
  'POST /projects/:id/training/import': { status: 303, multipart: () => csvUpload(trainingCsv()), location: () => /^\/imports\/[\w-]+$/ },
};

/** The import commit routes are checked once per kind: training imports are the lead's. */
const KINDS = [
  { kind: 'observations', who: DATA },
  { kind: 'plots', who: DATA },
  { kind: 'training', who: LEAD },
] as const;

/** A site of its own for each layout, so that committed layouts never take each other's places. */
async function freshSite(ids: Ids): Promise<number> {
  const res = await ctx.app.post(`/api/projects/${ids.projects}/sites`, { name: `S${next()}`, kind: 'greenhouse' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as number;
}

async function freshLayout(ids: Ids): Promise<string> {
  const res = await ctx.app.post(`/api/trials/${ids.trials}/layouts`, { siteId: await freshSite(ids), design: 'crd', plotsPerArm: 1, rows: 1, columns: 2, labelPattern: `L${next()}-{n}` });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return String(res.body.id);
}

/** Whether an allowed call redirected where its entry says (any answer does without one). */
function locatedAt(success: Success, ids: Ids, location: string | null): boolean {
  if (!success.location) return true;
  const want = success.location(ids);
  return location !== null && (typeof want === 'string' ? location === want : want.test(location));
}

/** One call of the matrix: a route (and, for an import commit, the kind), whose expectation. */
interface Case {
  route: string;
  who: Who;
  member?: boolean;
  kind?: (typeof KINDS)[number]['kind'];
}

function cases(routes: string[]): Case[] {
  return routes.flatMap((route) =>
    route.endsWith('/imports/:id/commit')
      ? KINDS.map((k) => ({ route, who: k.who, member: true, kind: k.kind }))
      : route.endsWith('/imports/:id/mapping')
        ? [{ route, ...MATRIX[route], kind: 'plots' as const }]
        : [{ route, ...MATRIX[route] }],
  );
}

describe('the permission matrix: every route × every role × member or not', () => {
  let app: TestApp;
  let member: Ids;
  let other: Ids;
  const users = {} as Record<Role, TestUser>;
  const clients = {} as Record<Role, Client>;
  const sessions = {} as Record<Role, Client>;
  const api = {} as Record<Role, ApiClient>;
  let routes: string[];

  beforeAll(async () => {
    app = ctx.app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    member = await seedProject(app, 'A');
    other = await seedProject(app, 'B');
    const programme = await app.post('/api/programmes', { name: 'P', year: 2017 });
    expect(programme.status).toBe(201);
    member.programmes = other.programmes = String(programme.body.id);
    const variable = ((await app.get('/api/variables')).body as { id: number; code: string }[]).find((v) => v.code === YIELD.code)!;
    member.variables = other.variables = String(variable.id);
    member.users = other.users = String(app.admin.id);
    member.tokens = other.tokens = '999999';
    for (const role of ALL) {
      users[role] = role === 'admin' ? app.admin : await app.createUser({ role, projects: [Number(member.projects)] });
      api[role] = await app.as(users[role]);
      clients[role] = bound(app.baseUrl, { authorization: `Bearer ${users[role].token}` });
      const session = await app.login(users[role].email, users[role].password);
      sessions[role] = bound(app.baseUrl, { cookie: `demoplot_session=${session.cookie}`, 'x-csrf-token': session.csrfToken });
    }
    routes = listRoutes(createApp(app.config, app.database.handle));
  }, 180_000);
  afterAll(() => app?.close());

  it('has an expectation here and exactly one policy rule for every route the app serves', () => {
    const ruled = RULES.flatMap((r) => parseRoute(r.route).methods.map((m) => `${m} ${parseRoute(r.route).path}`));
    expect(routes.filter((r) => !(r in MATRIX)), 'routes missing from this matrix').toEqual([]);
    expect(routes.filter((r) => !ruled.includes(r)), 'routes without a policy rule').toEqual([]);
    expect(ruled.filter((r) => !routes.includes(r)), 'rules for routes that do not exist').toEqual([]);
    expect(ruled.length, 'a route with two rules').toBe(new Set(ruled).size);
    expect(Object.keys(SUCCESS).filter((r) => !routes.includes(r)), 'expected answers for routes that do not exist').toEqual([]);
  });

  it('refuses a route that has no rule, even to an admin', async () => {
    const res = await app.get('/api/not-a-route');
    expect(res.status).toBe(404);
    expect((await app.anonymous.get('/api/not-a-route')).status).toBe(401);
  });

  /** Sends one case's request to `baseUrl` with `client` and puts back anything it changed
   * (a delete is restored, a lock undone, a restore's record deleted again is left restored). */
  async function call(client: Client, c: Case, ids: Ids) {
    const [method, pattern] = c.route.split(' ');
    const family = pattern.replace(/^\/api/, '').split('/')[1];
    const success = SUCCESS[c.route];
    let id = ids[family];
    if (c.kind) id = await freshImport(ids, c.kind);
    else if (success?.before) id = await success.before(ids);
    const query = typeof success?.query === 'function' ? success.query(ids) : (success?.query ?? '');
    const path = pattern.replace(':id', id ?? '1') + query;
    let res;
    if (success?.multipart) res = await send(client, method, path, success.multipart());
    else if (success?.csv) res = await send(client, method, path, success.csv(), { 'content-type': 'text/csv' });
    else if (success?.form) res = await send(client, method, path, new URLSearchParams(await success.form(ids)).toString(), { 'content-type': 'application/x-www-form-urlencoded' });
    else res = await send(client, method, path, success?.body ? await success.body(ids) : method === 'POST' && !/\/(restore|lock|unlock|delete|commit|rerandomise|logout)$/.test(path) ? {} : undefined);
    // Put back what a refused call left changed (a restore's deleted record) and what an
    // allowed one changed.
    if (success?.before && /\/restore$/.test(pattern) && res.status >= 400) expect((await app.post(`/api/${family}/${id}/restore`, undefined)).status).toBe(200);
    if (res.status < 400) {
      if (method === 'DELETE' && family !== 'tokens') expect((await app.post(`/api/${family}/${id}/restore`, undefined)).status).toBe(200);
      if (method === 'POST' && path.endsWith('/delete')) expect((await app.post(`/api/${family}/${id}/restore`, undefined)).status).toBe(200);
      if (path.endsWith('/lock')) expect((await app.post(`/api/trials/${id}/unlock`, undefined)).status).toBe(200);
    }
    return res;
  }

  /** What is wrong with one call's answer (undefined when it is the expected one). */
  function problem(c: Case, role: Role | 'anonymous', where: string, ids: Ids, res: { status: number; body: any; location: string | null }): string | undefined {
    const success = SUCCESS[c.route] ?? { status: 200 };
    const allowed = c.who === 'public' || (role !== 'anonymous' && (c.who === 'signedIn' || c.who.includes(role)) && (where !== 'other project' || role === 'admin'));
    const isPage = !c.route.includes(' /api/');
    let ok: boolean;
    if (c.who === 'public') ok = res.status === (role === 'anonymous' ? ANONYMOUS_PUBLIC[c.route] : success.status);
    else if (role === 'anonymous') ok = isPage ? [303, 401].includes(res.status) : res.status === 401;
    else if (allowed) ok = res.status === success.status && (!success.code || res.body?.error?.code === success.code) && locatedAt(success, ids, res.location);
    else ok = res.status === 403;
    return ok ? undefined : `${c.route}${c.kind ? ` [${c.kind}]` : ''} (${where}): ${res.status} ${res.location ?? ''} ${JSON.stringify(res.body).slice(0, 120)}`;
  }

  async function check(role: Role, client: Client, list: Case[], stopAtFirst = false): Promise<string[]> {
    const problems: string[] = [];
    for (const c of list) {
      for (const [where, ids] of c.member ? ([['member', member], ['other project', other]] as const) : ([['-', member]] as const)) {
        const p = problem(c, role, where, ids, await call(client, c, ids));
        if (p) {
          problems.push(p);
          if (stopAtFirst) return problems;
        }
      }
    }
    return problems;
  }

  it('answers 401 (API) or a redirect to the login page (pages) to anonymous requests', async () => {
    const problems: string[] = [];
    for (const c of cases(routes)) {
      const p = problem(c, 'anonymous', '-', member, await call(bound(app.baseUrl, {}), c, member));
      if (p) problems.push(p);
    }
    expect(problems).toEqual([]);
  }, 120_000);

  for (const role of ALL) {
    it(`gives ${role} exactly what the matrix says, on their project and on another (API token)`, async () => {
      expect(await check(role, clients[role], cases(routes))).toEqual([]);
    }, 240_000);
  }

  for (const role of ALL) {
    it(`gives ${role} the same on the pages when signed in through the login form (session cookie, CSRF token)`, async () => {
      const pages = cases(routes).filter((c) => !c.route.includes(' /api/') && c.route !== 'POST /logout');
      expect(await check(role, sessions[role], pages)).toEqual([]);
      expect((await send(sessions[role], 'GET', '/api/me')).status, 'the session still works').toBe(200);
    }, 240_000);
  }

  it('fails when any one rule of the policy is removed, or its per-kind permission dropped', async () => {
    const mutants: { name: string; rules: Rule[] }[] = [];
    for (const rule of RULES) {
      mutants.push({ name: `without ${rule.route}`, rules: RULES.filter((r) => r !== rule) });
      if (rule.allowFor) mutants.push({ name: `${rule.route} without allowFor`, rules: RULES.map((r) => (r === rule ? { ...r, allowFor: undefined } : r)) });
    }
    let current = createApp(app.config, app.database.handle);
    const server = http.createServer((req, res) => current(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const survivors: string[] = [];
    try {
      for (const mutant of mutants) {
        current = createApp(app.config, app.database.handle, { rules: mutant.rules });
        const removed = RULES.find((r) => !mutant.rules.includes(r)) ?? RULES.find((r) => r.allowFor && !mutant.rules.some((m) => m.route === r.route && m.allowFor))!;
        const { methods, path } = parseRoute(removed.route);
        const list = cases(methods.map((m) => `${m} ${path}`));
        let caught = false;
        // Anonymous first (public rules), then each role, stopping at the first difference.
        for (const c of list) {
          if (problem(c, 'anonymous', '-', member, await call(bound(base, {}), c, member))) caught = true;
          if (caught) break;
        }
        for (const role of ['admin', 'agronomist', 'lead', 'viewer'] as Role[]) {
          if (caught) break;
          caught = (await check(role, bound(base, { authorization: `Bearer ${users[role].token}` }), list, true)).length > 0;
        }
        if (!caught) survivors.push(mutant.name);
      }
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect(mutants.length).toBeGreaterThan(RULES.length);
    expect(survivors, 'policy changes the matrix does not notice').toEqual([]);
  }, 300_000);

  it('answers 404 for an id that does not exist, and 403 for one of another project', async () => {
    const agronomist = api.agronomist;
    expect((await agronomist.get('/api/trials/999999')).status).toBe(404);
    expect((await agronomist.get('/api/trials/abc')).status).toBe(404);
    expect((await agronomist.get(`/api/trials/${other.trials}`)).status).toBe(403);
    expect((await agronomist.get(`/api/observations/${other.observations}`)).status).toBe(403);
  });

  it('lists only the projects an account is a member of', async () => {
    const mine = (await api.viewer.get('/api/projects')).body as { id: number }[];
    expect(mine.map((p) => p.id)).toEqual([Number(member.projects)]);
    const all = (await app.get('/api/projects')).body as { id: number }[];
    expect(all.map((p) => p.id)).toEqual(expect.arrayContaining([Number(member.projects), Number(other.projects)]));
  });

  it('hides farmers’ personal data from viewers, and only from them', async () => {
    // The matrix above added farmers to the project: none shows its personal data.
    const seen = (await api.viewer.get(`/api/projects/${member.projects}/farmers`)).body as { id: number }[];
    expect(seen.map((f) => f.id)).toContain(Number(member.farmers));
    for (const f of seen) expect(f).toMatchObject({ name: `#${f.id}`, phone: null, household: null, notes: null });
    expect(seen.find((f) => f.id === Number(member.farmers))).toMatchObject({ gender: 'female' });
    expect((await api.viewer.get(`/api/farmers/${member.farmers}`)).body.name).toBe(`#${member.farmers}`);
    expect((await api.lead.get(`/api/farmers/${member.farmers}`)).body.name).toBe('A farmer');
    const page = await api.viewer.get(`/projects/${member.projects}/farmers`, { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('A farmer');
    const ledger = await api.viewer.get(`/api/projects/${member.projects}/training-sessions/export?format=csv`);
    expect(ledger.status).toBe(200);
    // The ledger's rosters name the session's attendee (the deleted farmer above is on none).
    expect(ledger.body).toContain(`#${member.attendee}`);
    expect(ledger.body).not.toContain('A attendee');
    const leadLedger = await api.lead.get(`/api/projects/${member.projects}/training-sessions/export?format=csv`);
    expect(leadLedger.body).toContain('A attendee');
  });
});
