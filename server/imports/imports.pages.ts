import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { AppError, toAppError } from '../errors.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { isMessageKey, keyUnder, translate, type KeysUnder, type Lang, type MessageKey } from '../i18n/i18n.js';
import { fieldLabel } from '../audit/audit.view.js';
import { listVariables } from '../variables/variables.service.js';
import { getProject } from '../projects/projects.service.js';
import { getTrial } from '../trials/trials.service.js';
import { parseOrThrow } from '../validation.js';
import { sendPage, type Renderer } from '../web/render.js';
import { langOf, nameIn } from '../web/labels.js';
import { IMPORT_SHAPES, PlotMapping, TrialImportQuery } from './imports.schemas.js';
import { PLOT_TARGETS } from './columns.js';
import * as service from './imports.service.js';
import { receiveUpload } from './upload.js';
import { IMPORT_HANDLERS } from './import-handlers.js';


interface UploadPage {
  /** Where the form posts (without JS) and the API address the script posts to. */
  action: string;
  api: string;
  title: string;
  crumbs: { href: string; label: string }[];
  kinds: { value: string; label: string; selected: boolean }[];
  shapes: { value: string; label: string; selected: boolean }[] | null;
  exports: { href: string; label: string }[];
  help: string[];
}

/**
 * The import pages: an upload form, the preview (problems first, then the rows with what
 * each will do) and its commit button. They work as plain form posts; public/import.js adds
 * upload progress and a progress bar while the file is checked and committed.
 */
export function importPages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();
  const t = (lang: Lang, key: MessageKey, params?: Record<string, string | number>) => translate(lang, key, params);

  async function trialPage(res: Response, trialId: number, kind: string, error?: string, status = 200) {
    const lang = langOf(res);
    const detail = await getTrial(db, trialId);
    const project = await getProject(db, detail.trial.projectId);
    const e = `/api/trials/${trialId}`;
    const page: UploadPage = {
      action: `/trials/${trialId}/import`,
      api: `${e}/imports`,
      title: t(lang, 'imp.page.trialTitle'),
      crumbs: [
        { href: '/', label: t(lang, 'imp.page.home') },
        { href: `/projects/${project.id}`, label: nameIn(lang, project) },
        { href: `/trials/${trialId}`, label: nameIn(lang, detail.trial) },
      ],
      kinds: (['observations', 'plots'] as const).map((k) => ({ value: k, label: t(lang, keyUnder('imp.page.kind', k)), selected: k === kind })),
      shapes: [{ value: '', label: t(lang, 'imp.page.shape.auto'), selected: true }, ...IMPORT_SHAPES.map((s) => ({ value: s, label: t(lang, keyUnder('imp.page.shape', s)), selected: false }))],
      exports: [
        { href: `${e}/observations/export?format=xlsx&shape=wide`, label: t(lang, 'imp.page.export.wideXlsx') },
        { href: `${e}/observations/export?format=csv&shape=wide`, label: t(lang, 'imp.page.export.wideCsv') },
        { href: `${e}/observations/export?format=xlsx&shape=long`, label: t(lang, 'imp.page.export.longXlsx') },
        { href: `${e}/observations/export?format=csv&shape=long`, label: t(lang, 'imp.page.export.longCsv') },
        { href: `${e}/report/export?format=xlsx`, label: t(lang, 'imp.page.export.report') },
        { href: `${e}/fieldbook/field.csv`, label: t(lang, 'imp.page.export.fieldBookField') },
        { href: `${e}/fieldbook/traits.trt`, label: t(lang, 'imp.page.export.fieldBookTraits') },
      ],
      help: (['long', 'wide', 'fieldbook', 'plots', 'dates', 'numbers'] as const).map((k) => t(lang, keyUnder('imp.page.help', k))),
    };
    sendPage(res, renderer, 'imports/upload', { ...page, subtitle: nameIn(lang, detail.trial), error, bodyClass: 'import-page' }, status);
  }

  async function trainingPage(res: Response, projectId: number, error?: string, status = 200) {
    const lang = langOf(res);
    const project = await getProject(db, projectId);
    const page: UploadPage = {
      action: `/projects/${projectId}/training/import`,
      api: `/api/projects/${projectId}/imports?kind=training`,
      title: t(lang, 'imp.page.trainingTitle'),
      crumbs: [
        { href: '/', label: t(lang, 'imp.page.home') },
        { href: `/projects/${projectId}`, label: nameIn(lang, project) },
        { href: `/projects/${projectId}/training`, label: t(lang, 'imp.page.training') },
      ],
      kinds: [],
      shapes: null,
      exports: [
        { href: `/api/projects/${projectId}/training-sessions/export?format=xlsx`, label: t(lang, 'imp.page.export.trainingXlsx') },
        { href: `/api/projects/${projectId}/training-sessions/export?format=csv`, label: t(lang, 'imp.page.export.trainingCsv') },
      ],
      help: (['training', 'roster', 'dates'] as const).map((k) => t(lang, keyUnder('imp.page.help', k))),
    };
    sendPage(res, renderer, 'imports/upload', { ...page, subtitle: nameIn(lang, project), error, bodyClass: 'import-page' }, status);
  }

  /** A failed upload shows the form again with the reason; anything unexpected goes on. */
  function uploadError(err: unknown, lang: Lang): { message: string; status: number } | undefined {
    const e = toAppError(err);
    if (e.status >= 500 || e.status === 404) return undefined;
    const issues = e.extra.issues as { message: string }[] | undefined;
    return { message: [translate(lang, e.messageKey, e.params), ...(issues ?? []).map((i) => i.message)].join(' '), status: e.status };
  }

  async function acceptUpload(req: Request, res: Response, target: service.ImportTarget) {
    const upload = await receiveUpload(req, req.headers, req.app.locals.limits);
    let shape: (typeof IMPORT_SHAPES)[number] | undefined;
    let mapping: PlotMapping | undefined;
    let kind = target.kind;
    try {
      if (target.kind !== 'training') {
        const q = parseOrThrow(TrialImportQuery, { kind: upload.fields.kind || undefined, shape: upload.fields.shape || undefined, mapping: upload.fields.mapping || undefined });
        shape = q.shape;
        kind = q.kind;
        mapping = q.mapping;
      }
    } catch (err) {
      upload.spool.detachLive();
      await upload.done.catch(() => undefined);
      await upload.spool.remove();
      throw err;
    }
    const id = await service.createPreview(db, { ...target, kind }, upload, { shape, mapping });
    res.redirect(303, `/imports/${id}`);
  }

  r.get('/trials/:id/import', async (req, res) => {
    await trialPage(res, paramId(req, 'TrialNotFound'), req.query.kind === 'plots' ? 'plots' : 'observations');
  });
  r.post('/trials/:id/import', async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    const trial = await getTrial(db, trialId);
    try {
      await acceptUpload(req, res, { kind: 'observations', projectId: trial.trial.projectId, trialId });
    } catch (err) {
      const shown = uploadError(err, langOf(res));
      if (!shown) throw err;
      await trialPage(res, trialId, 'observations', shown.message, shown.status);
    }
  });
  r.get('/projects/:id/training/import', async (req, res) => {
    await trainingPage(res, paramId(req, 'ProjectNotFound'));
  });
  r.post('/projects/:id/training/import', async (req, res) => {
    const projectId = paramId(req, 'ProjectNotFound');
    await getProject(db, projectId);
    try {
      await acceptUpload(req, res, { kind: 'training', projectId, trialId: null });
    } catch (err) {
      const shown = uploadError(err, langOf(res));
      if (!shown) throw err;
      await trainingPage(res, projectId, shown.message, shown.status);
    }
  });

  async function previewPage(res: Response, id: string, error?: string, status = 200) {
    const lang = langOf(res);
    const view = await service.importView(db, id, lang);
    const crumbs = [{ href: '/', label: t(lang, 'imp.page.home') }];
    let back: string;
    if (view.trialId) {
      const detail = await getTrial(db, view.trialId);
      const project = await getProject(db, detail.trial.projectId);
      crumbs.push({ href: `/projects/${project.id}`, label: nameIn(lang, project) }, { href: `/trials/${view.trialId}`, label: nameIn(lang, detail.trial) });
      back = `/trials/${view.trialId}`;
    } else {
      const project = await getProject(db, view.projectId);
      crumbs.push({ href: `/projects/${view.projectId}`, label: nameIn(lang, project) }, { href: `/projects/${view.projectId}/training`, label: t(lang, 'imp.page.training') });
      back = `/projects/${view.projectId}/training`;
    }
    const again = view.kind === 'training' ? `/projects/${view.projectId}/training/import` : `/trials/${view.trialId}/import${view.kind === 'plots' ? '?kind=plots' : ''}`;
    const columns = IMPORT_HANDLERS[view.kind].previewColumns.map((c) => ({ key: c, label: t(lang, keyUnder('imp.page.col', c)) }));
    const variableNames = new Map(view.kind === 'observations' ? (await listVariables(db)).map((v) => [v.code, nameIn(lang, v)]) : []);
    const committed = view.status === 'committed';
    /** A training kind by its label (a value the catalogue does not know stays as written). */
    const kindWord = (v: string) => {
      const key = `trainingKind.${v}`;
      return isMessageKey(key) ? translate(lang, key) : v;
    };
    /** A cell in words: a variable by its name, a training kind by its label. */
    const cell = (c: string, v: unknown) => {
      if (c === 'variable' && typeof v === 'string') return variableNames.get(v) ?? v;
      if (c === 'kind' && typeof v === 'string') return kindWord(v);
      return show(v);
    };
    const rows = view.preview.map((p) => {
      const record = p as Record<string, unknown>;
      const changes = (record.changes as service.FieldChange[] | undefined)?.map((ch) => ({
        field: fieldLabel(lang, ch.field),
        before: ch.field === 'kind' && ch.before ? kindWord(ch.before) : (ch.before ?? '—'),
        after: ch.field === 'kind' && ch.after ? kindWord(ch.after) : (ch.after ?? '—'),
      }));
      return {
        row: p.row,
        column: record.column,
        action: p.action,
        actionLabel: t(lang, committed ? `imp.result.action.${p.action}` : `imp.page.action.${p.action}`),
        isError: p.action === 'error',
        cells: IMPORT_HANDLERS[view.kind].previewColumns.map((c) => cell(c, record[c])),
        changes,
        unchanged: p.action === 'unchanged',
        problems: (record.problems as { column: string; message: string }[] | undefined)?.map((x) => (x.column ? `${x.column}: ${x.message}` : x.message)),
      };
    });
    const mapping = view.mapping?.length
      ? {
          source: view.mappingSource ? t(lang, keyUnder('imp.page.mapping.source', view.mappingSource)) : null,
          editable: !committed && !!view.remappable,
          notKept: !committed && !view.remappable,
          columns: view.mapping.map((m, i) => ({
            selectName: `map${i}`,
            id: `map-${i}`,
            column: m.column,
            field: t(lang, keyUnder('imp.map.field', m.field)),
            ignored: m.field === 'ignore',
            options: PLOT_TARGETS.map((f) => ({ value: f, label: t(lang, keyUnder('imp.map.field', f)), selected: f === m.field })),
          })),
        }
      : null;
    const links = view.trialId
      ? [
          { href: `/trials/${view.trialId}#entry`, label: t(lang, 'imp.result.toGrid') },
          { href: `/trials/${view.trialId}/report`, label: t(lang, 'imp.result.toReport') },
        ]
      : [{ href: `/projects/${view.projectId}/training`, label: t(lang, 'imp.result.toTraining') }];
    sendPage(
      res,
      renderer,
      'imports/preview',
      {
        title: t(lang, committed ? 'imp.result.title' : 'imp.page.previewTitle'),
        resultSummary: committed ? t(lang, 'imp.result.summary', { created: view.created ?? 0, updated: view.updated ?? 0, unchanged: view.unchanged ?? 0 }) : null,
        resultLinks: links,
        rowsCaption: t(lang, committed ? 'imp.result.rows' : 'imp.page.previewRows'),
        changesLabel: t(lang, 'imp.page.col.changes'),
        bodyClass: 'import-page',
        crumbs,
        view,
        kindLabel: t(lang, `imp.page.kind.${view.kind}`),
        shapeLabel: view.kind === 'observations' ? t(lang, `imp.page.shape.${view.shape}`) : null,
        ready: view.status === 'ready',
        invalid: view.status === 'invalid',
        committed,
        nothingToDo: view.status === 'ready' && view.summary.create + view.summary.update === 0,
        issuesTruncated: view.summary.errors > view.issuesListed,
        rowsTruncated: view.preview.length < view.summary.create + view.summary.update + view.summary.unchanged,
        expiresAt: view.expiresAt.replace('T', ' ').slice(0, 16) + ' UTC',
        columns,
        rows,
        mapping,
        back,
        again,
        error,
      },
      status,
    );
  }

  r.get('/imports/:id', async (req, res) => {
    await previewPage(res, String(req.params.id));
  });
  /** The mapping form: one select per file column (`map0`, `map1` … in the preview's order). */
  r.post('/imports/:id/mapping', async (req, res) => {
    const id = String(req.params.id);
    const view = await service.importView(db, id, langOf(res));
    const body = (req.body ?? {}) as Record<string, unknown>;
    const chosen = Object.fromEntries((view.mapping ?? []).map((m, i) => [m.column, body[`map${i}`] ?? m.field]));
    let next: string;
    try {
      next = await service.remapPreview(db, id, parseOrThrow(PlotMapping, chosen), req.app.locals.limits);
    } catch (err) {
      const shown = uploadError(err, langOf(res));
      if (!shown) throw err;
      return previewPage(res, id, shown.message, shown.status);
    }
    res.redirect(303, `/imports/${next}`);
  });
  r.post('/imports/:id/commit', idempotent(db), async (req, res) => {
    const id = String(req.params.id);
    try {
      await service.commitImport(db, id, langOf(res));
    } catch (err) {
      if (!(err instanceof AppError) || (err.status !== 422 && err.status !== 409)) throw err;
      return previewPage(res, id, translate(langOf(res), err.messageKey, err.params), err.status);
    }
    res.redirect(303, `/imports/${id}`);
  });
  return r;
}


function show(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== null && x !== undefined)
      .map(([k, x]) => `${k}: ${String(x)}`)
      .join('; ');
  }
  return String(v);
}
