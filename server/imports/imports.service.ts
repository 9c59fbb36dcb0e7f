import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database, ImportKind } from '../../db/database.js';
import { AppError, ValidationError } from '../errors.js';
import { keyUnder, messageKey, translate, type Lang, type Params } from '../i18n/i18n.js';
import { exactValue } from '../observations/observation-values.js';
import { IMPORT_HANDLERS, ImportOptions } from './import-handlers.js';
import * as repo from './imports.repository.js';
import type { ObservationShape } from './observations-import.js';
import { Stager } from './stager.js';
import { NotUtf8, decodeText, readCsv, readXlsx, sniff, type TextEncoding } from './table-reader.js';
import { receiveUpload, type Upload, type UploadLimits } from './upload.js';
import { PLOT_TARGETS, type PlotTarget } from './columns.js';
import { CHECKER, limitRows } from './recovery.js';

/** A plot file up to this size is kept with its preview, to be checked again with another mapping. */
export const MAX_KEPT_SOURCE_BYTES = 4 * 1024 * 1024;

/** How long a preview can be committed. */
export const PREVIEW_TTL_MS = 60 * 60 * 1000;
/** Problems and rows a preview answer lists (all are counted). */
export const LISTED_ISSUES = 1000;
export const LISTED_ROWS = 100;

export interface ImportTarget {
  kind: ImportKind;
  projectId: number;
  trialId: number | null;
}


/**
 * Reads an uploaded file while it arrives, checks every row and stages what committing it
 * would write; answers the preview's id. A CSV is read as UTF-8 unless it is not valid
 * UTF-8, in which case it is read again from the spooled copy as GB18030. Nothing outside
 * the staging tables is written.
 */
export async function createPreview(db: Kysely<Database>, target: ImportTarget, upload: Upload, opts: { shape?: ObservationShape; mapping?: Record<string, PlotTarget> } = {}): Promise<string> {
  if (opts.mapping && target.kind !== 'plots') {
    upload.spool.detachLive();
    await upload.done.catch(() => undefined);
    await upload.spool.remove();
    throw new ValidationError([{ path: 'mapping', key: 'imp.map.onlyPlots' }]);
  }
  await repo.expireImports(db);
  const handler = IMPORT_HANDLERS[target.kind];
  const id = randomUUID();
  await repo.insertImport(db, {
    id,
    projectId: target.projectId,
    trialId: target.trialId,
    kind: target.kind,
    shape: handler.stagedShape(opts.shape),
    status: 'checking',
    checkedBy: CHECKER,
    fileName: upload.fileName?.slice(0, 300) ?? null,
    expiresAt: new Date(Date.now() + PREVIEW_TTL_MS),
  });
  const { spool } = upload;
  let stager: Stager | undefined;
  try {
    const { format, bom } = sniff(await spool.head());
    let encoding: TextEncoding | null = format === 'csv' ? (bom ?? 'utf-8') : null;
    // Read before anything is checked: any write the check or its classification depends on
    // moves it, and the commit then classifies again.
    const before = await handler.beforeCheck(db, target);
    const run = async (source: Readable, enc: TextEncoding | null) => {
      stager = new Stager(db, id, { copy: handler.copyStaging });
      const rows = limitRows((format === 'xlsx' ? readXlsx(source) : readCsv(decodeText(source, enc!)))[Symbol.asyncIterator](), upload.maxRows);
      const c = await handler.check(db, target, rows, stager, { shape: opts.shape, requestedMapping: opts.mapping, ...before });
      await stager.flush();
      return { stager, shape: c.shape, options: c.options, columns: c.columns };
    };
    let out: Awaited<ReturnType<typeof run>>;
    try {
      out = await run(spool.live!, encoding);
    } catch (err) {
      if (!(err instanceof NotUtf8)) throw err;
      await stager?.abort();
      spool.detachLive();
      await upload.done;
      await repo.clearStaging(db, id);
      encoding = 'gb18030';
      out = await run(spool.replay(), encoding);
    }
    spool.detachLive();
    await upload.done;
    const source = handler.keepsSource && spool.bytes <= MAX_KEPT_SOURCE_BYTES ? await readFile(spool.path) : null;
    await handler.afterCheck(db, target, id, out.options);
    const counts = await repo.countActions(db, id);
    const stored = await repo.countIssues(db, id);
    const errors = out.stager.issueCount + (stored - out.stager.storedIssues);
    await repo.updateImport(db, id, {
      status: errors > 0 ? 'invalid' : 'ready',
      checkedBy: null,
      shape: out.shape,
      fileFormat: format,
      encoding,
      columns: out.columns.slice(0, 500),
      options: JSON.stringify(out.options),
      rowCount: out.stager.dataRows,
      createCount: counts.create,
      updateCount: counts.update,
      unchangedCount: counts.unchanged,
      errorCount: errors,
      source,
    });
    return id;
  } catch (err) {
    await stager?.abort();
    spool.detachLive();
    await upload.done.catch(() => undefined);
    await repo.deleteImport(db, id);
    throw err;
  } finally {
    await spool.remove();
  }
}

type ImportRecord = NonNullable<Awaited<ReturnType<typeof repo.findImport>>>;

function isExpired(imp: ImportRecord): boolean {
  return imp.status === 'expired' || (imp.status !== 'committed' && new Date(imp.expiresAt).getTime() < Date.now());
}

async function findLive(db: Kysely<Database>, id: string): Promise<ImportRecord> {
  const imp = /^[0-9a-f-]{36}$/i.test(id) ? await repo.findImport(db, id) : undefined;
  if (!imp) throw AppError.notFound('ImportNotFound', id);
  if (isExpired(imp)) throw new AppError(410, 'ImportExpired', 'error.ImportExpired', { id });
  return imp;
}

/** The import's record, for routes that check which trial or project it belongs to. */
export async function getImport(db: Kysely<Database>, id: string): Promise<ImportRecord> {
  return findLive(db, id);
}

/** Issues are stored with their message key; the key is checked when the issue is shown. A
 * `field` or `other` parameter naming a plot field is shown in words. */
const message = (lang: Lang, key: string, params: unknown) => {
  const p = { ...((params ?? {}) as Params) };
  for (const k of ['field', 'other']) {
    const v = p[k];
    if (typeof v === 'string' && (PLOT_TARGETS as readonly string[]).includes(v)) p[k] = translate(lang, keyUnder('imp.map.field', v as PlotTarget));
  }
  return translate(lang, messageKey(key), p);
};

/** A preview (or a committed import) as the API and the page show it, in the given language. */
export async function importView(db: Kysely<Database>, id: string, lang: Lang) {
  const imp = await findLive(db, id);
  const [issues, rows] = await Promise.all([repo.listIssues(db, id, LISTED_ISSUES), repo.listPreviewRows(db, id, LISTED_ROWS)]);
  const committed = imp.status === 'committed';
  return {
    id: imp.id,
    status: imp.status,
    kind: imp.kind,
    shape: imp.shape,
    projectId: imp.projectId,
    trialId: imp.trialId,
    fileName: imp.fileName,
    format: imp.fileFormat,
    encoding: imp.encoding,
    columns: imp.columns,
    ignoredColumns: ((imp.options ?? {}) as ImportOptions).ignored ?? [],
    ...(imp.kind === 'plots'
      ? {
          mapping: ((imp.options ?? {}) as ImportOptions).mapping ?? [],
          mappingSource: ((imp.options ?? {}) as ImportOptions).mappingSource ?? null,
          remappable: imp.source !== null && !committed,
        }
      : {}),
    rows: imp.rowCount,
    summary: { create: imp.createCount, update: imp.updateCount, unchanged: imp.unchangedCount, errors: imp.errorCount },
    issues: issues.map((i) => ({ row: i.rowNumber, column: i.columnName, message: message(lang, i.key, i.params) })),
    issuesListed: issues.length,
    preview: rows.map((r) => {
      const { problems, previous, ...shown } = r.shown as { problems?: { column: string; key: string; params?: Params }[]; previous?: unknown };
      const prior = imp.kind === 'observations' ? (r.action === 'update' ? exactValue(r) : undefined) : previous;
      const changes = r.action !== 'update' ? undefined : imp.kind === 'observations' ? observationChanges(r, (imp.options ?? {}) as ImportOptions) : recordChanges(shown, previous);
      return {
        row: r.rowNumber,
        ...(r.columnName ? { column: r.columnName } : {}),
        action: r.action,
        ...shown,
        ...(prior !== undefined ? { previous: prior } : {}),
        ...(changes ? { changes } : {}),
        ...(problems?.length ? { problems: problems.map((p) => ({ column: p.column, message: message(lang, p.key, p.params) })) } : {}),
      };
    }),
    expiresAt: new Date(imp.expiresAt).toISOString(),
    ...(committed ? { created: imp.created, updated: imp.updated, unchanged: imp.unchanged, committedAt: imp.committedAt } : {}),
  };
}
export type ImportView = Awaited<ReturnType<typeof importView>>;

/** One field an update changes: its name (`value`, `observedOn`, `recordedBy`, `notes`, …), before and after. */
export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

type PreviewRow = Awaited<ReturnType<typeof repo.listPreviewRows>>[number];

/**
 * What an observation update writes over the stored one, field by field, as commit would
 * (notes and recorder only when the file has those columns). An update whose value is the
 * same still changes the recorder or the notes, and this says which.
 */
function observationChanges(r: PreviewRow, options: ImportOptions): FieldChange[] {
  const out: FieldChange[] = [];
  const after = exactValue({ valueNumber: r.newValueNumber, valueDate: r.newValueDate, valueText: r.newValueText });
  if (!r.sameValue) out.push({ field: 'value', before: exactValue(r) ?? null, after: after ?? null });
  if ((r.storedObservedOn ?? null) !== (r.newObservedOn ?? null)) out.push({ field: 'observedOn', before: r.storedObservedOn ?? null, after: r.newObservedOn ?? null });
  if (options.recordedBy && (r.storedRecordedBy ?? null) !== (r.newRecordedBy ?? null)) out.push({ field: 'recordedBy', before: r.storedRecordedBy ?? null, after: r.newRecordedBy ?? null });
  if (options.notes && (r.storedNotes ?? null) !== (r.newNotes ?? null)) out.push({ field: 'notes', before: r.storedNotes ?? null, after: r.newNotes ?? null });
  return out;
}

/** Fields shown under another name than their own (a plot's place: the preview's `row` is the file's row). */
const SHOWN_FIELD: Record<string, string> = { roster: 'attendees', plotRow: 'row', plotColumn: 'column' };

/** The fields of a plot or training session that differ from the stored record. */
function recordChanges(shown: Record<string, unknown>, previous: unknown): FieldChange[] {
  if (!previous || typeof previous !== 'object') return [];
  const text = (v: unknown) => (v === null || v === undefined || v === '' ? null : Array.isArray(v) ? String(v.length) : String(v));
  const out: FieldChange[] = [];
  const same = (a: string | null, b: string | null) => a === b || (a !== null && b !== null && a.trim() !== '' && Number(a) === Number(b));
  for (const [field, before] of Object.entries(previous as Record<string, unknown>)) {
    if (!(field in shown) && field !== 'roster') continue;
    // A roster is compared by its size: the file names farmers as "name#number; …".
    const now = field === 'roster' ? (typeof shown.attendees === 'string' ? String(shown.attendees.split(/[;；,，、\n]/).filter((x) => x.trim()).length) : null) : text(shown[field]);
    if (!same(text(before), now)) out.push({ field: SHOWN_FIELD[field] ?? field, before: text(before), after: now });
  }
  return out;
}

const commitResult = (imp: { id: string; created: number | null; updated: number | null; unchanged: number | null }) => ({
  id: imp.id,
  status: 'committed' as const,
  created: imp.created ?? 0,
  updated: imp.updated ?? 0,
  unchanged: imp.unchanged ?? 0,
});
export type CommitResult = ReturnType<typeof commitResult>;

/**
 * Writes a checked preview in one transaction. Committing again answers the first result
 * and writes nothing; a preview with problems, an expired one or one still being checked
 * is refused. For observations the trial's data version is locked first (writers to the
 * trial wait until the commit ends); when it has moved since the preview, the rows are
 * classified again inside the transaction, so what was written by others since the preview
 * is neither duplicated nor lost. When it has not, the preview's classification stands.
 */
export async function commitImport(db: Kysely<Database>, id: string, lang: Lang): Promise<CommitResult> {
  return db.transaction().execute(async (tx) => {
    const imp = /^[0-9a-f-]{36}$/i.test(id) ? await repo.lockImport(tx, id) : undefined;
    if (!imp) throw AppError.notFound('ImportNotFound', id);
    if (imp.status === 'committed') return commitResult(imp);
    if (isExpired(imp)) throw new AppError(410, 'ImportExpired', 'error.ImportExpired', { id });
    if (imp.status === 'checking') throw new AppError(409, 'ImportNotReady', 'error.ImportNotReady');
    if (imp.status === 'invalid') {
      const issues = await repo.listIssues(tx, id, LISTED_ISSUES);
      throw new AppError(
        422,
        'ImportHasErrors',
        'error.ImportHasErrors',
        { count: imp.errorCount },
        [],
        { issues: issues.map((i) => ({ row: i.rowNumber, column: i.columnName, message: message(lang, i.key, i.params) })) },
      );
    }
    const options = ImportOptions.parse(imp.options ?? {});
    const counts = await IMPORT_HANDLERS[imp.kind].apply(tx, imp, options, lang);
    const done = { created: counts.create, updated: counts.update, unchanged: counts.unchanged };
    await repo.updateImport(tx, id, { status: 'committed', ...done, committedAt: new Date(), source: null });
    return commitResult({ id, ...done });
  });
}

/**
 * Checks a plot file again with another column mapping, from the copy kept with its
 * preview: answers the new preview's id. The preview it replaces can no longer be
 * committed (a stale page cannot commit the old mapping). 409 when the file was not kept.
 */
export async function remapPreview(db: Kysely<Database>, id: string, mapping: Record<string, PlotTarget>, limits: Partial<UploadLimits>): Promise<string> {
  const imp = await findLive(db, id);
  if (imp.kind !== 'plots') throw new ValidationError([{ path: 'mapping', key: 'imp.map.onlyPlots' }]);
  if (imp.status === 'committed' || imp.status === 'checking' || !imp.source) throw new AppError(409, 'ImportSourceGone', 'error.ImportSourceGone');
  const upload = await receiveUpload(Readable.from([Buffer.from(imp.source)]), { 'content-type': 'application/octet-stream' }, limits);
  upload.fileName = imp.fileName;
  const next = await createPreview(db, { kind: imp.kind, projectId: imp.projectId, trialId: imp.trialId }, upload, { mapping });
  await repo.expireImport(db, id);
  return next;
}
