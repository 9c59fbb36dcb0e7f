import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/context.js';
import { ensureVariables, makeProject, YIELD } from '../support/factories.js';

/** A JPEG as a phone camera makes it: large, with the GPS position in its EXIF. */
async function cameraJpeg(width = 3000, height = 1500): Promise<Uint8Array<ArrayBuffer>> {
  return sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 60 } } })
    .withExif({ IFD0: { Make: 'TestPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '46/1 45/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '82/1 59/1 0/1' } })
    .jpeg()
    .toBuffer()
    .then((b) => new Uint8Array(b));
}

async function upload(app: TestApp, plotId: number, file: Blob, fields: Record<string, string> = {}, headers: Record<string, string> = {}, token = app.admin.token) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', file, 'photo.jpg');
  const res = await fetch(`${app.baseUrl}/api/plots/${plotId}/photos`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...headers } });
  return { status: res.status, body: await res.json() };
}

async function fetchBytes(app: TestApp, path: string, token = app.admin.token) {
  const res = await fetch(app.baseUrl + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('photos of plots and observations', () => {
  let app: TestApp;
  let plotId: number;
  let otherPlotId: number;
  let observationId: number;
  let otherObservationId: number;
  let projectId: number;

  beforeAll(async () => {
    app = await startTestApp();
    await ensureVariables(app, [YIELD]);
    const { project, sites } = await makeProject(app);
    projectId = project.id;
    const trial = (await app.post(`/api/projects/${project.id}/trials`, { name: '照片试验', crop: 'tomato', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: [YIELD.code] })).body;
    plotId = (await app.post(`/api/trials/${trial.id}/plots`, { siteId: sites[0].id, label: 'P1', arm: 'T' })).body.id;
    otherPlotId = (await app.post(`/api/trials/${trial.id}/plots`, { siteId: sites[0].id, label: 'P2', arm: 'C' })).body.id;
    observationId = (await app.post(`/api/trials/${trial.id}/observations`, { plot: 'P1', variable: YIELD.code, value: 100 })).body.id;
    otherObservationId = (await app.post(`/api/trials/${trial.id}/observations`, { plot: 'P2', variable: YIELD.code, value: 90 })).body.id;
  }, 60_000);
  afterAll(() => app?.close());

  it('stores a photo scaled to 2048 px without its location, with a thumbnail, and lists it', async () => {
    const res = await upload(app, plotId, new Blob([await cameraJpeg()], { type: 'image/jpeg' }), { observationId: String(observationId), takenOn: '2017-05-02', caption: '结果期' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ url: `/photos/${res.body.id}`, thumbnailUrl: `/photos/${res.body.id}/thumbnail` });
    const image = await fetchBytes(app, res.body.url);
    expect(image.status).toBe(200);
    expect(image.type).toBe('image/jpeg');
    const meta = await sharp(image.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([2048, 1024]);
    expect(meta.exif).toBeUndefined();
    const thumb = await sharp((await fetchBytes(app, res.body.thumbnailUrl)).bytes).metadata();
    expect(Math.max(thumb.width!, thumb.height!)).toBe(320);
    const list = await app.get(`/api/plots/${plotId}/photos`);
    expect(list.body).toEqual([expect.objectContaining({ id: res.body.id, observationId, takenOn: '2017-05-02', caption: '结果期', keepsLocation: false })]);
  });

  it('keeps the location only when asked to', async () => {
    const res = await upload(app, otherPlotId, new Blob([await cameraJpeg(800, 600)]), { keepLocation: '1' });
    expect(res.status).toBe(201);
    const meta = await sharp((await fetchBytes(app, res.body.url)).bytes).metadata();
    expect(meta.exif).toBeDefined();
    expect(meta.exif!.includes(Buffer.from('TestPhone'))).toBe(true);
    expect((await app.del(`/api/photos/${res.body.id}`)).status).toBe(204);
  });

  it('stores a photo once when the same Idempotency-Key is sent again', async () => {
    const before = (await app.get(`/api/plots/${otherPlotId}/photos`)).body.length;
    const file = new Blob([await cameraJpeg(400, 300)]);
    const a = await upload(app, otherPlotId, file, {}, { 'idempotency-key': 'photo-key-1' });
    const b = await upload(app, otherPlotId, file, {}, { 'idempotency-key': 'photo-key-1' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect((await app.get(`/api/plots/${otherPlotId}/photos`)).body.length).toBe(before + 1);
  });

  it('refuses a file over 10 MB (413) and a file that is not an image (415), storing nothing', async () => {
    const before = (await app.get(`/api/plots/${plotId}/photos`)).body.length;
    const big = await upload(app, plotId, new Blob([new Uint8Array(10 * 1024 * 1024 + 1)]));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PhotoTooLarge');
    expect(big.body.error.message).toContain('10 MB');
    const text = await upload(app, plotId, new Blob(['plot,value\nP1,3\n'], { type: 'image/jpeg' }));
    expect(text.status).toBe(415);
    expect(text.body.error.message).toBe('只能上传图片（JPEG、PNG、WebP、HEIC 等），该文件不是图片');
    const json = await app.post(`/api/plots/${plotId}/photos`, {});
    expect(json.status).toBe(415);
    expect((await app.get(`/api/plots/${plotId}/photos`)).body.length).toBe(before);
  });

  it('names the field when the observation is not one of the plot’s, in the reader’s language', async () => {
    const res = await upload(app, plotId, new Blob([await cameraJpeg(100, 100)]), { observationId: String(otherObservationId) }, { 'accept-language': 'en' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toEqual([{ path: 'observationId', message: `observation ${otherObservationId} does not belong to this plot` }]);
    const noFile = await fetch(`${app.baseUrl}/api/plots/${plotId}/photos`, { method: 'POST', body: new FormData(), headers: { authorization: `Bearer ${app.admin.token}` } });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as any).error.issues[0].path).toBe('file');
  });

  it('deletes softly with an audit entry, and restores', async () => {
    const res = await upload(app, plotId, new Blob([await cameraJpeg(200, 100)]));
    expect((await app.del(`/api/photos/${res.body.id}`)).status).toBe(204);
    expect((await fetchBytes(app, res.body.url)).status).toBe(404);
    expect((await app.get(`/api/plots/${plotId}/photos`)).body.map((p: { id: number }) => p.id)).not.toContain(res.body.id);
    const audit = await app.db.selectFrom('auditLog').select(['action', 'actorId', 'after']).where('entity', '=', 'photo').where('entityId', '=', res.body.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['create', 'delete']);
    expect(audit[1].actorId).toBe(app.admin.id);
    expect(audit[1].after).not.toHaveProperty('bytes');
    expect((await app.post(`/api/photos/${res.body.id}/restore`, undefined)).status).toBe(200);
    expect((await fetchBytes(app, res.body.thumbnailUrl)).status).toBe(200);
  });

  it('shows a photo only to members of the plot’s project', async () => {
    const res = await upload(app, plotId, new Blob([await cameraJpeg(200, 100)]));
    const member = await app.createUser({ role: 'viewer', projects: [projectId] });
    const stranger = await app.createUser({ role: 'viewer', projects: [] });
    expect((await fetchBytes(app, res.body.url, member.token)).status).toBe(200);
    expect((await fetchBytes(app, res.body.thumbnailUrl, stranger.token)).status).toBe(403);
    expect((await upload(app, plotId, new Blob([await cameraJpeg(10, 10)]), {}, {}, member.token)).status).toBe(403);
  });
});
