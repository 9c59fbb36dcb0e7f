import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect.js';
import { createTestDatabase, testDbKind, type TestDatabase } from '../support/context.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/** A CSV of about `bytes` bytes: a header, then rows of one observation each. */
function bigCsv(bytes: number): Buffer {
  const row = 'P1,yield,123.45,2017-09-01,' + 'x'.repeat(10_000) + '\n';
  return Buffer.from('plot,variable,value,observedOn,notes\n' + row.repeat(Math.ceil(bytes / row.length)));
}

/** Sends `total` declared bytes but only `sent` of them, then drops the connection. */
function abortedUpload(base: string, path: string, headers: Record<string, string>, total: number, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const url = new URL(base + path);
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'content-type': 'text/csv', 'content-length': String(total) } });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(bigCsv(sent).subarray(0, sent), () => setTimeout(() => {
      req.destroy();
      resolve();
    }, 200));
  });
}

describe('uploads over the limit, truncated or aborted never stop the server', () => {
  let server: ServerProcess;
  let spoolDir: string;
  let dataDir: string | undefined;
  let database: TestDatabase | undefined;
  let trialPath: string;
  let projectPath: string;

  const spools = () => readdirSync(spoolDir).filter((f) => f.startsWith('demoplot-import-'));
  const healthy = async () => (await fetch(`${server.base}/api/health`)).status;

  beforeAll(async () => {
    spoolDir = mkdtempSync(join(tmpdir(), 'demoplot-spool-'));
    let env: Record<string, string>;
    if (testDbKind() === 'pglite') {
      dataDir = mkdtempSync(join(tmpdir(), 'demoplot-upload-'));
      env = { DEMOPLOT_DATA_DIR: dataDir };
    } else {
      database = await createTestDatabase();
      env = { DATABASE_URL: database.url! };
    }
    server = await startServerProcess({ ...env, TMPDIR: spoolDir, DEMOPLOT_MAX_UPLOAD_MB: '1', DEMOPLOT_MAX_IMPORT_ROWS: '1000' }, { startTimeoutMs: 120_000 });
    const project = await server.request('POST', '/api/projects', { name: '上传', code: 'UPL1' });
    const site = await server.request('POST', `/api/projects/${project.body.id}/sites`, { name: 'S' });
    await server.request('POST', '/api/variables', { code: 'yield', name: '产量', kind: 'number' });
    const trial = await server.request('POST', `/api/projects/${project.body.id}/trials`, { name: 't', crop: 'c', design: 'crd', arms: [{ name: 'T', role: 'treatment' }, { name: 'C', role: 'control' }], variables: ['yield'] });
    await server.request('POST', `/api/trials/${trial.body.id}/plots`, { siteId: site.body.id, label: 'P1', arm: 'T' });
    trialPath = `/api/trials/${trial.body.id}/imports`;
    projectPath = `/api/projects/${project.body.id}/imports`;
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    if (dataDir) {
      // Nothing was left in `checking`: the process that owned the folder has stopped.
      const handle = await openDatabase({ dataDir });
      const stuck = await handle.db.selectFrom('imports').select('id').where('status', '=', 'checking').execute();
      await handle.close();
      rmSync(dataDir, { recursive: true, force: true });
      expect(stuck).toEqual([]);
    }
    await database?.drop();
    rmSync(spoolDir, { recursive: true, force: true });
  });

  it('answers 413 naming the limit to a raw body over DEMOPLOT_MAX_UPLOAD_MB, with or without a declared length', async () => {
    const file = bigCsv(3 * 1024 * 1024);
    const declared = await fetch(server.base + trialPath, { method: 'POST', headers: { ...server.headers, 'content-type': 'text/csv', 'accept-language': 'en' }, body: new Uint8Array(file) });
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.message).toMatch(/1 MB/);
    // A streamed body has no Content-Length: the spool counts and refuses it.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < file.length; i += 64 * 1024) c.enqueue(new Uint8Array(file.subarray(i, i + 64 * 1024)));
        c.close();
      },
    });
    const chunked = await fetch(server.base + trialPath, { method: 'POST', headers: { ...server.headers, 'content-type': 'text/csv' }, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await chunked.json()).error.message).toMatch(/1 MB/);
    expect(await healthy()).toBe(200);
  });

  it('answers 413 to a multipart file over the limit, on the API and the page', async () => {
    const form = new FormData();
    form.append('kind', 'training');
    form.append('file', new Blob([new Uint8Array(bigCsv(3 * 1024 * 1024))]), 'big.csv');
    const res = await fetch(server.base + projectPath, { method: 'POST', headers: server.headers, body: form });
    expect(res.status).toBe(413);
    expect(await healthy()).toBe(200);
  });

  it('answers 400 to a truncated multipart body and survives aborted uploads', async () => {
    const boundary = 'xyzBOUNDARY';
    const truncated = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nplot,variable,value\r\nP1,yield,1\r\n`;
    const res = await fetch(server.base + trialPath, { method: 'POST', headers: { ...server.headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, body: truncated });
    expect(res.status).toBe(400);
    for (let i = 0; i < 3; i++) await abortedUpload(server.base, trialPath, server.headers, 900_000, 200_000);
    expect(await healthy()).toBe(200);
  });

  it('refuses a file with more rows than DEMOPLOT_MAX_IMPORT_ROWS with 413', async () => {
    const rows = ['plot,variable,value', ...Array.from({ length: 1500 }, (_, i) => `P1,yield,${i}`)].join('\n');
    const res = await fetch(server.base + trialPath, { method: 'POST', headers: { ...server.headers, 'content-type': 'text/csv', 'accept-language': 'en' }, body: rows });
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toMatch(/1000/);
  });

  it('keeps answering and leaves no spool file behind', async () => {
    expect(server.child.exitCode).toBeNull();
    const ok = await fetch(server.base + trialPath, { method: 'POST', headers: { ...server.headers, 'content-type': 'text/csv' }, body: 'plot,variable,value\nP1,yield,1\n' });
    expect(ok.status).toBe(201);
    // Aborted requests finish on the server a moment after the client has gone.
    for (let i = 0; i < 50 && spools().length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(spools()).toEqual([]);
    if (database) {
      const stuck = await database.handle.db.selectFrom('imports').select('id').where('status', '=', 'checking').execute();
      expect(stuck).toEqual([]);
    }
  });
});
