import type { TestApp } from './context.js';

export const CSV = 'text/csv';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Posts a file as the request body (or as a multipart field when `multipart` is set). */
export async function upload(
  app: TestApp,
  path: string,
  file: Buffer,
  opts: { type?: string; lang?: 'zh' | 'en'; multipart?: { fileName: string; fields?: Record<string, string> } } = {},
) {
  let body: Blob | FormData = new Blob([new Uint8Array(file)]);
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': opts.lang ?? 'zh', authorization: `Bearer ${app.admin.token}` };
  if (opts.multipart) {
    const form = new FormData();
    for (const [k, v] of Object.entries(opts.multipart.fields ?? {})) form.append(k, v);
    form.append('file', new Blob([new Uint8Array(file)], { type: opts.type ?? 'application/octet-stream' }), opts.multipart.fileName);
    body = form;
  } else {
    headers['content-type'] = opts.type ?? CSV;
  }
  const res = await fetch(app.baseUrl + path, { method: 'POST', headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** Downloads an export: status, headers and the raw bytes. */
export async function download(app: TestApp, path: string, lang: 'zh' | 'en' = 'zh') {
  const res = await fetch(app.baseUrl + path, { headers: { 'accept-language': lang, authorization: `Bearer ${app.admin.token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

export const commit = (app: TestApp, id: string, lang: 'zh' | 'en' = 'zh') => app.post(`/api/imports/${id}/commit`, undefined, { 'accept-language': lang });

/** Every live observation of a trial, as the API lists them. */
export async function observations(app: TestApp, trialId: number) {
  const res = await app.get(`/api/trials/${trialId}/observations?limit=100000`);
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return res.body as { id: number; plot: string; variable: string; value: unknown; valueText: string; observedOn: string | null; notes: string | null; recordedBy: string | null; version: number }[];
}
