import { randomUUID } from 'node:crypto';
import { Router, type Response } from 'express';
import type { Kysely } from 'kysely';
import type { Database, ProjectRow, SiteRow } from '../../db/database.js';
import { AppError } from '../errors.js';
import { paramId } from '../http.js';
import { idempotent } from '../idempotency/idempotency.js';
import { ObservationList } from '../observations/observations.schemas.js';
import { createObservations } from '../observations/observations.service.js';
import { PlotInput, PlotPatch } from '../plots/plots.schemas.js';
import * as plots from '../plots/plots.service.js';
import { getProject } from '../projects/projects.service.js';
import { listSites } from '../sites/sites.service.js';
import { DESIGNS, ROLES, TrialInput, TrialPatch } from './trials.schemas.js';
import * as trials from './trials.service.js';
import { listVariables } from '../variables/variables.service.js';
import { parseOrThrow } from '../validation.js';
import { COMMON_FIELDS, cellPlotIds, cellRename, collectEntries, columnView, dedupe, gridRow, historyItem } from '../observations/entry-grid.js';
import * as grid from '../observations/entry-grid.service.js';
import { today } from '../web/format.js';
import { asText, fieldView, formBody, formErrors, mountForm, read, type FieldSpec, type FormBody, type FormErrors, type FormState } from '../web/forms.js';
import { asName, enumLabel, enumOptions, langOf, nameIn, otherName, titled, tr, withNote } from '../web/labels.js';
import { signOffText } from '../audit/audit.view.js';
import { sendPage, type RenderedPart, type Renderer } from '../web/render.js';
import { listPhotosOfPlots } from '../photos/photos.service.js';
import { offlineConfig, photoView } from '../web/offline-view.js';
import { KINDS } from '../variables/kinds.js';
import { crumbs } from '../web/crumbs.js';
import { controlsFor } from '../web/role-controls.js';
import { versionedCache } from '../versioned-cache.js';

/** Above this many plots the grid shows one site at a time (unless all sites are asked for)
 * and pages its plots; smaller trials show every plot at once. */
export const LARGE_TRIAL_PLOTS = 200;
/** Plots per page of a large trial's grid. */
export const GRID_PAGE_SIZE = 100;

interface GridFilter {
  site?: string;
  var?: string;
  page?: string;
  /** The shared fields of the last save, kept for the next plot. */
  observedOn?: string;
  recordedBy?: string;
  notes?: string;
  /** The form key of the save the server has just confirmed. */
  savedKey?: string;
  /** A plot's label (`?plot=`, the link of its QR label): the grid opens at its site and page. */
  plot?: string;
}

/** A trial page's parts that grow with its plots and cells, rendered (see showTrial). */
interface TrialPageParts {
  gridRows: RenderedPart;
  plotTables: RenderedPart;
  /** The plots in the grid. */
  plotIds: number[];
}

/** What a trial page shows of the trial, its project and its sites, and its plots per site
 * and arm (which place the grid's pages). */
interface TrialFrame {
  detail: trials.TrialDetail;
  project: ProjectRow;
  siteRows: SiteRow[];
  counts: readonly grid.SiteArmCount[];
}

/** The frames of recently shown trials, each under the trial's data version it was read at
 * (the trial, its arms and variables, its plots, its project, the names of its sites and of
 * who signed it off all move the version: trial_data_versions). Shared between requests:
 * read only. */
const trialFrames = versionedCache<number, TrialFrame>({ capacity: 200 });

/** Rendered parts of recently shown trial pages, each under the trial's data version it was
 * read at; the least recently shown go first once they hold more than about 32 MB (a page of
 * a large trial is about half a megabyte). */
const pageParts = versionedCache<string, TrialPageParts>({
  capacity: 500,
  weigh: (p) => p.gridRows.bytes.length + p.plotTables.bytes.length,
  maxWeight: 32 * 1024 * 1024,
});

function trialHref(id: number, filter: GridFilter, extra: Record<string, string | number> = {}): string {
  const q = new URLSearchParams();
  if (filter.site) q.set('site', filter.site);
  if (filter.var) q.set('var', filter.var);
  if (filter.page && filter.page !== '1') q.set('page', filter.page);
  for (const [k, v] of Object.entries(extra)) q.set(k, String(v));
  const s = q.toString();
  return `/trials/${id}${s ? `?${s}` : ''}`;
}

/** Page numbers to link to: the first, the last and two either side of the current one. */
function pageNumbers(page: number, pages: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let n = 1; n <= pages; n++) {
    if (n === 1 || n === pages || Math.abs(n - page) <= 2) out.push(n);
    else if (out.at(-1) !== null) out.push(null);
  }
  return out;
}

/** Trial pages: plots by site, arm and block, the data-entry grid, and the trial and plot forms. */
export function trialPages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();

  /** The trial page, with the grid's typed values and errors after a failed submission. It reads
   * what it shows: plot counts per site and arm, the plots of the page, and for those plots each
   * cell's count and latest observations; never all of a trial's observations. */
  async function showTrial(
    res: Response,
    trialId: number,
    filter: GridFilter,
    form: { values?: FormBody; errors?: FormErrors; flash?: string; undo?: number; flashAtPlot?: boolean; plotsFlash?: string; undoPlot?: number } = {},
  ) {
    const lang = langOf(res);
    // The permission check has read the trial's data version: what the page shows of the
    // trial, its project, sites and plot counts is kept under it, and read again once a
    // write moves it.
    const version = res.locals.target?.dataVersion;
    const readFrame = async (): Promise<TrialFrame> => {
      const [detail, counts] = await Promise.all([trials.getTrial(db, trialId), grid.plotCountsBySiteAndArm(db, trialId)]);
      const [project, siteRows] = await Promise.all([getProject(db, detail.trial.projectId), listSites(db, detail.trial.projectId)]);
      return { detail, project, siteRows, counts };
    };
    const [{ detail, project, siteRows, counts }, target] = await Promise.all([
      version != null && !db.isTransaction ? trialFrames.get(trialId, Number(version), readFrame) : readFrame(),
      // `?plot=<label>`: the site and page that hold the plot, whatever page the link names.
      filter.plot ? grid.gridPlotPosition(db, trialId, filter.plot) : null,
    ]);
    const siteName = new Map(siteRows.map((s) => [s.id, nameIn(lang, s)]));
    const usedSiteIds = new Set(counts.map((c) => c.siteId));
    const usedSites = siteRows.filter((s) => usedSiteIds.has(s.id));
    const totalPlots = counts.reduce((n, c) => n + c.plots, 0);
    const large = totalPlots > LARGE_TRIAL_PLOTS;
    if (target) {
      const askedSite = /^\d+$/.test(filter.site ?? '') ? Number(filter.site) : undefined;
      if (large) filter = { ...filter, site: String(target.siteId), page: String(Math.floor(target.index / GRID_PAGE_SIZE) + 1) };
      else if (askedSite !== undefined && askedSite !== target.siteId) filter = { ...filter, site: undefined };
    }
    const allSites = filter.site === 'all';
    const requested = /^\d+$/.test(filter.site ?? '') ? Number(filter.site) : undefined;
    // A large trial shows one site at a time: the first unless another (or all) is asked for.
    const siteFilter = requested ?? (large && !allSites ? usedSites[0]?.id : undefined);
    const variables = detail.variables.filter((v) => !filter.var || v.code === filter.var);
    const values = form.values ?? { observedOn: filter.observedOn ?? today(), recordedBy: filter.recordedBy ?? '', notes: filter.notes ?? '' };

    const shownCounts = counts.filter((c) => !siteFilter || c.siteId === siteFilter);
    const shownPlots = shownCounts.reduce((n, c) => n + c.plots, 0);
    const pages = large ? Math.max(1, Math.ceil(shownPlots / GRID_PAGE_SIZE)) : 1;
    const asked = Number(filter.page);
    const page = Number.isSafeInteger(asked) ? Math.min(Math.max(asked, 1), pages) : 1;
    const pageFilter = { site: filter.site ?? (large && siteFilter ? String(siteFilter) : undefined), var: filter.var };
    const pageHref = (n: number) => `${trialHref(trialId, { ...pageFilter, page: String(n) })}#entry`;
    const first = (page - 1) * GRID_PAGE_SIZE;
    const pager =
      large && pages > 1
        ? {
            status: tr(lang, 'entry.pageStatus', { page, pages, from: first + 1, to: Math.min(first + GRID_PAGE_SIZE, shownPlots), total: shownPlots }),
            prev: page > 1 ? pageHref(page - 1) : null,
            next: page < pages ? pageHref(page + 1) : null,
            links: pageNumbers(page, pages).map((n) => (n === null ? { gap: true } : { n, href: pageHref(n), current: n === page })),
          }
        : null;
    const can = controlsFor(res.locals.user?.role);
    // A confirmation about one plot (a correction, a delete with its undo) is shown beside its
    // row, where the redirect's #plot-N lands, not at the top of a long page.
    const rowFlash = form.flashAtPlot && target ? { plot: target.id, text: form.flash, undo: form.undo !== undefined } : null;

    /** The grid's rows and the plots section's tables, rendered: what the page reads in
     * proportion to its plots and cells. */
    const readParts = async (): Promise<TrialPageParts> => {
      // A small trial lists every plot in its overview, so all are read; a large one only the
      // page, found from the counts per site and arm.
      const everyPlot = large ? null : await grid.listGridPlots(db, trialId);
      const plotRows = everyPlot ?? (await grid.listGridPage(db, trialId, shownCounts, first, GRID_PAGE_SIZE));
      const gridPlots = plotRows.filter((p) => !siteFilter || p.siteId === siteFilter);
      // Each cell shows its count and latest observation; the rest are on the cell's own page.
      const [cells, photos] = await Promise.all([
        grid.cellHistories(
          db,
          gridPlots.map((p) => p.id),
          variables.map((v) => v.id),
          1,
        ),
        listPhotosOfPlots(db, gridPlots.map((p) => p.id)),
      ]);
      const gridSites = usedSites
        .filter((s) => gridPlots.some((p) => p.siteId === s.id))
        .map((s) => ({
          id: s.id,
          name: siteName.get(s.id),
          rows: gridPlots
            .filter((p) => p.siteId === s.id)
            .map((p) => ({ ...gridRow(lang, trialId, p, variables, cells, values, form.errors), photos: photos.filter((ph) => ph.plotId === p.id).map((ph) => photoView(lang, p.label, ph)) })),
        }));
      const plotSites = !everyPlot
        ? []
        : usedSites.map((s) => ({
            id: s.id,
            name: siteName.get(s.id),
            plots: everyPlot
              .filter((p) => p.siteId === s.id)
              .map((p) => ({
                id: p.id,
                label: p.label,
                arm: p.arm,
                role: enumLabel(lang, 'role', p.armRole),
                isControl: p.armRole === 'control',
                block: p.block,
                plantedOn: p.plantedOn,
                areaM2: p.areaM2 === null ? null : Number(p.areaM2),
                observations: Number(p.observations ?? 0),
              })),
          }));
      // A large trial's overview: plots per site and arm, each site linking to its grid.
      const countsOf = new Map<number, (typeof counts)[number][]>();
      for (const c of counts) countsOf.set(c.siteId, [...(countsOf.get(c.siteId) ?? []), c]);
      const roles = { treatment: enumLabel(lang, 'role', 'treatment'), control: enumLabel(lang, 'role', 'control') };
      const plotSummary = large
        ? usedSites.map((s) => ({
            name: siteName.get(s.id),
            href: `${trialHref(trialId, { site: String(s.id), var: filter.var })}#entry`,
            current: s.id === siteFilter,
            arms: (countsOf.get(s.id) ?? []).map((c) => ({ arm: c.arm, role: roles[c.armRole], isControl: c.armRole === 'control', plots: c.plots })),
          }))
        : null;
      return {
        gridRows: renderer.part('trials/grid-rows', {
          lang,
          can,
          gridSites,
          gridColspan: variables.length + 1,
          rowFlash,
          // The grid's words that are the same in every cell, translated once per page.
          gridText: {
            block: tr(lang, 'plot.block'),
            planted: tr(lang, 'plot.plantedShort'),
            another: tr(lang, 'entry.anotherReading'),
            anotherLabel: tr(lang, 'entry.anotherReadingLabel'),
            corrected: tr(lang, 'entry.correctedMark'),
            correct: tr(lang, 'entry.correct'),
            undo: tr(lang, 'history.undo'),
          },
        }),
        plotTables: renderer.part('trials/plot-tables', {
          lang,
          can,
          plotSites,
          plotSummary,
          summaryText: { arm: tr(lang, 'plot.arm'), plots: tr(lang, 'plot.plotCount') },
        }),
        plotIds: gridPlots.map((p) => p.id),
      };
    };
    // Unless the page shows what was just typed (a failed save) or a note beside one row, its
    // parts are the same for every reader with the same language, page and right to enter
    // data, until the trial's data version moves: kept under that version.
    const parts =
      version != null && !form.values && !form.errors && !rowFlash
        ? await pageParts.get([trialId, lang, can.enterData ? 'w' : 'r', siteFilter ?? '', filter.var ?? '', page].join('|'), Number(version), readParts)
        : await readParts();
  const common: FieldSpec[] = [
      { name: 'observedOn', label: 'entry.observedOn', type: 'date', hint: 'entry.observedOnHint' },
      { name: 'recordedBy', label: 'entry.recordedBy', maxlength: 100 },
      { name: 'notes', label: 'entry.notes', maxlength: 2000 },
    ];
    sendPage(
      res,
      renderer,
      'trials/show',
      {
        title: nameIn(lang, detail.trial),
        crumbs: crumbs(lang, { project }),
        trial: {
          id: trialId,
          name: nameIn(lang, detail.trial),
          otherName: otherName(lang, detail.trial),
          // Typed text, isolated with its own direction on right-to-left pages as names are.
          crop: asName(lang, detail.trial.crop),
          season: detail.trial.season && asName(lang, detail.trial.season),
          design: enumLabel(lang, 'design', detail.trial.design),
          description: detail.trial.description && asName(lang, detail.trial.description),
          arms: detail.arms.map((a) => ({ name: a.name, role: enumLabel(lang, 'role', a.role), isControl: a.role === 'control', description: a.description })),
          signedOff: signOffText(lang, trials.trialDto(detail)),
          locked: detail.trial.lockedAt !== null,
        },
        canLock: res.locals.user?.role === 'admin' || res.locals.user?.role === 'lead',
        undoObservation: form.undo,
        // A deleted or restored plot is confirmed in the plots section, where #plots lands.
        plotsFlash: form.plotsFlash,
        undoPlot: form.undoPlot,
        // The undo button then sits in the plot's row (a form cannot be nested in the grid's).
        undoAtRow: !!(rowFlash?.undo && parts.plotIds.includes(rowFlash.plot)),
        formKey: randomUUID(),
        savedKey: filter.savedKey ?? '',
        filter: {
          site: filter.site ?? '',
          var: filter.var ?? '',
          page: page > 1 ? String(page) : '',
          sites: [
            { value: large ? 'all' : '', label: tr(lang, 'entry.allSites'), selected: !siteFilter },
            ...usedSites.map((s) => ({ value: String(s.id), label: siteName.get(s.id), selected: s.id === siteFilter })),
          ],
          variables: [
            { value: '', label: tr(lang, 'entry.allVariables'), selected: !filter.var },
            ...detail.variables.map((v) => ({ value: v.code, label: nameIn(lang, v), selected: v.code === filter.var })),
          ],
          active: large ? !allSites || !!filter.var : !!(siteFilter || filter.var),
          showAllHref: large ? `/trials/${trialId}?site=all#entry` : `/trials/${trialId}#entry`,
        },
        large: large ? { note: tr(lang, 'entry.largeTrial', { count: totalPlots, size: GRID_PAGE_SIZE }) } : null,
        pager,
        columns: variables.map((v) => columnView(lang, v)),
        gridRows: parts.gridRows,
        plotTables: parts.plotTables,
        hasPlots: totalPlots > 0,
        hasVariables: detail.variables.length > 0,
        commonFields: common.map((f) => fieldView(lang, values, form.errors, f)),
        // A confirmation about one plot is shown beside its row (when the row is on the page).
        flash: rowFlash && parts.plotIds.includes(rowFlash.plot) ? undefined : form.flash,
        plotNotFound: filter.plot && !target ? tr(lang, 'entry.plotNotFound', { label: filter.plot }) : null,
        today: today(),
        formErrors: form.errors?.form ?? [],
        hasErrors: !!form.errors,
        errorCount: form.errors ? Object.keys(form.errors.fields).length + form.errors.form.length : 0,
        canEnter: res.locals.user?.role === 'admin' || res.locals.user?.role === 'agronomist',
        manifest: `/trials/${trialId}/manifest.webmanifest`,
        offline: offlineConfig(lang, trialId, res.req.originalUrl),
      },
      form.errors ? 400 : 200,
    );
  }

  // ---- Forms first: '/trials/new'-like paths must not reach '/trials/:id' ----------------

  mountForm(r, renderer, '/projects/:id/trials/new', {
    load: async (req) => ({ project: await getProject(db, paramId(req, 'ProjectNotFound')), detail: null, catalogue: await listVariables(db) }),
    initial: () => ({ design: 'crd', 'arms.0.role': 'treatment', 'arms.1.role': 'control' }),
    submit: async ({ project }, body) => {
      const { input } = trialFields(body);
      const created = await trials.createTrial(db, project.id, parseOrThrow(TrialInput, input));
      return `/trials/${created.trial.id}`;
    },
    rename: (path, _row, body) => trialRename(path, trialFields(body).armRows),
    render: (c, form) => trialForm(form, c),
  });

  mountForm(r, renderer, '/trials/:id/edit', {
    load: async (req) => {
      const detail = await trials.getTrial(db, paramId(req, 'TrialNotFound'));
      return { project: await getProject(db, detail.trial.projectId), detail, catalogue: await listVariables(db) };
    },
    initial: ({ detail }) => {
      const t = detail!.trial;
      const values: FormBody = {
        name: t.name,
        nameEn: asText(t.nameEn),
        crop: t.crop,
        season: asText(t.season),
        design: t.design,
        description: asText(t.description),
        version: String(t.version),
      };
      detail!.arms.forEach((a, i) => {
        values[`arms.${i}.name`] = a.name;
        values[`arms.${i}.role`] = a.role;
        values[`arms.${i}.description`] = asText(a.description);
      });
      for (const v of detail!.variables) values[`var.${v.code}`] = '1';
      return values;
    },
    submit: async ({ detail }, body) => {
      const { input } = trialFields(body, detail!.variables.map((v) => v.code));
      await trials.patchTrial(db, detail!.trial.id, parseOrThrow(TrialPatch, { ...input, version: Number(body.version) }));
      return `/trials/${detail!.trial.id}`;
    },
    rename: (path, _row, body) => trialRename(path, trialFields(body).armRows),
    render: (c, form) => trialForm(form, c),
  });

  mountForm(r, renderer, '/trials/:id/plots/new', {
    load: async (req) => {
      const detail = await trials.getTrial(db, paramId(req, 'TrialNotFound'));
      const project = await getProject(db, detail.trial.projectId);
      return { detail, project, sites: await listSites(db, project.id), plot: null };
    },
    initial: (_c, req) => ({
      siteId: typeof req.query.site === 'string' ? req.query.site : '',
      arm: typeof req.query.arm === 'string' ? req.query.arm : '',
      block: typeof req.query.block === 'string' ? req.query.block : '',
      plantedOn: typeof req.query.plantedOn === 'string' ? req.query.plantedOn : '',
    }),
    submit: async ({ detail }, body) => {
      const input = parseOrThrow(PlotInput, plotFields(body));
      await plots.createPlots(db, detail.trial.id, [input], false);
      if (body.next === 'another') {
        const q = new URLSearchParams({ site: String(input.siteId), arm: input.arm, block: input.block ?? '', plantedOn: input.plantedOn ?? '', added: input.label });
        return `/trials/${detail.trial.id}/plots/new?${q}`;
      }
      return `/trials/${detail.trial.id}#plots`;
    },
    render: (c, form) => plotForm(form, c),
  });

  mountForm(r, renderer, '/plots/:id/edit', {
    load: async (req) => {
      const plot = await plots.getPlot(db, paramId(req, 'PlotNotFound'));
      const detail = await trials.getTrial(db, plot.trialId);
      const project = await getProject(db, detail.trial.projectId);
      return { detail, project, sites: await listSites(db, project.id), plot };
    },
    initial: ({ plot }) => ({
      siteId: String(plot!.siteId),
      label: plot!.label,
      arm: plot!.arm,
      block: asText(plot!.block),
      areaM2: asText(plot!.areaM2 === null ? null : Number(plot!.areaM2)),
      plantedOn: asText(plot!.plantedOn),
      notes: asText(plot!.notes),
      version: String(plot!.version),
    }),
    submit: async ({ plot }, body) => {
      await plots.patchPlot(db, plot!.id, parseOrThrow(PlotPatch, { ...plotFields(body), version: Number(body.version) }));
      return `/trials/${plot!.trialId}#plots`;
    },
    render: (c, form) => plotForm(form, c),
  });

  r.post('/plots/:id/delete', async (req, res) => {
    const plot = await plots.getPlot(db, paramId(req, 'PlotNotFound'));
    await plots.deletePlot(db, plot.id);
    res.redirect(303, `/trials/${plot.trialId}?plotDeleted=${plot.id}#plots`);
  });

  // ---- The trial page and its grid -------------------------------------------------------

  r.get('/trials/:id', async (req, res) => {
    const lang = langOf(res);
    const id = paramId(req, 'TrialNotFound');
    const filter = {
      site: str(req.query.site),
      var: str(req.query.var),
      page: str(req.query.page),
      observedOn: str(req.query.observedOn),
      recordedBy: str(req.query.recordedBy),
      notes: str(req.query.notes),
      savedKey: str(req.query.k),
      plot: str(req.query.plot),
    };
    const saved = req.query.saved === undefined ? NaN : Number(req.query.saved);
    const flash =
      Number.isInteger(saved) && saved > 0
        ? tr(lang, 'entry.saved', { count: saved })
        : saved === 0
          ? tr(lang, 'entry.savedNothingNew')
          : req.query.corrected
          ? tr(lang, 'entry.corrected')
          : req.query.deleted
            ? tr(lang, 'entry.deleted')
            : undefined;
    const deleted = Number(req.query.deleted);
    const plotDeleted = Number(req.query.plotDeleted);
    const undoPlot = Number.isSafeInteger(plotDeleted) && plotDeleted > 0 ? plotDeleted : undefined;
    await showTrial(res, id, filter, {
      plotsFlash: undoPlot ? tr(lang, 'plot.deleted') : req.query.plotRestored ? tr(lang, 'history.restored') : undefined,
      undoPlot,
      flash: req.query.restored ? tr(lang, 'history.restored') : flash,
      undo: Number.isSafeInteger(deleted) && deleted > 0 ? deleted : undefined,
      flashAtPlot: !!(req.query.corrected || req.query.deleted || req.query.restored),
    });
  });

  r.get('/trials/:id/observations', (req, res) => {
    res.redirect(303, `/trials/${paramId(req, 'TrialNotFound')}#entry`);
  });

  /** Every observation of one cell of the grid (`?plot=<plot id>&variable=<code>`), each with
   * its correction link: what the grid's cell summarises as its count and latest value. */
  r.get('/trials/:id/cells', async (req, res) => {
    const lang = langOf(res);
    const trialId = paramId(req, 'TrialNotFound');
    const detail = await trials.getTrial(db, trialId);
    const plotParam = str(req.query.plot) ?? '';
    const [plot] = /^\d{1,9}$/.test(plotParam) ? await grid.findGridPlots(db, trialId, [Number(plotParam)]) : [];
    if (!plot) throw AppError.notFound('PlotNotFound', plotParam);
    const variable = detail.variables.find((v) => v.code === req.query.variable);
    if (!variable) throw AppError.notFound('VariableNotFound', str(req.query.variable) ?? '');
    const [project, observations] = await Promise.all([getProject(db, detail.trial.projectId), grid.cellObservations(db, plot.id, variable.id)]);
    const photos = await listPhotosOfPlots(db, [plot.id]);
    sendPage(res, renderer, 'trials/cell', {
      title: `${plot.label} · ${nameIn(lang, variable)}`,
      crumbs: crumbs(lang, { project, trial: detail.trial }),
      plot: plot.label,
      variable: nameIn(lang, variable),
      unit: variable.unit,
      history: observations.map((o) => ({
        ...historyItem(lang, variable, o, plot.plantedOn),
        photos: photos.filter((ph) => ph.observationId === o.id).map((ph) => photoView(lang, plot.label, ph)),
      })),
      backHref: `/trials/${trialId}#plot-${plot.id}`,
    });
  });

  r.post('/trials/:id/observations', idempotent(db), async (req, res) => {
    const trialId = paramId(req, 'TrialNotFound');
    const body = formBody(req);
    const filter = { site: body.site || undefined, var: body.var || undefined, page: body.page || undefined };
    const detail = await trials.getTrial(db, trialId);
    const plotRows = await grid.findGridPlots(db, trialId, cellPlotIds(body));
    const { inputs, cells, next } = collectEntries(body, plotRows, detail.variables);
    try {
      const list = parseOrThrow(ObservationList, inputs, { rowBase: 1 });
      await nextReadings(db, trialId, list, next);
      const created = await createObservations(db, trialId, list, true);
      // The day, recorder and notes stay for the next plot (usually the same day); the form's
      // key tells the page's script which typed values the server has confirmed.
      const keep: Record<string, string | number> = { saved: created.filter((o) => o.result === 'created').length };
      for (const f of COMMON_FIELDS) if (body[f]) keep[f] = body[f];
      if (body._idempotencyKey) keep.k = body._idempotencyKey;
      res.redirect(303, `${trialHref(trialId, filter, keep)}#entry`);
    } catch (err) {
      const errors = formErrors(err, langOf(res), cellRename(cells));
      if (!errors) throw err;
      await showTrial(res, trialId, filter, { values: body, errors: dedupe(errors) });
    }
  });

  return r;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * Gives each "another reading" input of the grid the next reading number of its plot,
 * variable and day (after those already stored and those earlier in the same batch).
 */
async function nextReadings(db: Kysely<Database>, trialId: number, list: { plot: string; variable: string; observedOn?: string | null; reading?: number }[], next: boolean[]) {
  if (!next.some(Boolean)) return;
  const taken = new Map<string, number>();
  const key = (o: (typeof list)[number]) => `${o.plot}|${o.variable}|${o.observedOn ?? ''}`;
  const rows = await grid.lastReadings(db, trialId, [...new Set(list.map((o) => o.plot))]);
  for (const r of rows) taken.set(`${r.label}|${r.code}|${r.observedOn ?? ''}`, Number(r.last));
  list.forEach((o, i) => {
    if (!next[i]) taken.set(key(o), Math.max(taken.get(key(o)) ?? 0, o.reading ?? 1));
  });
  list.forEach((o, i) => {
    if (!next[i]) return;
    const n = (taken.get(key(o)) ?? 0) + 1;
    o.reading = n;
    taken.set(key(o), n);
  });
}

// ---- Trial form ------------------------------------------------------------------------------

function armRowCount(values: FormBody): number {
  let n = 0;
  for (const k of Object.keys(values)) {
    const m = /^arms\.(\d{1,2})\./.exec(k);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return Math.min(n, 20);
}

/** The form as a TrialInput: blank arm rows are skipped (their form row numbers kept for
 * errors), variables are the ticked ones in the order shown. */
function trialFields(b: FormBody, currentVariables: string[] = []) {
  const armRows: number[] = [];
  const arms = [];
  for (let i = 0; i < armRowCount(b); i++) {
    const name = read.text(b[`arms.${i}.name`]);
    const description = read.optional(b[`arms.${i}.description`]);
    if (!name && !description) continue;
    armRows.push(i);
    arms.push({ name, role: read.text(b[`arms.${i}.role`]), description });
  }
  const ticked = Object.keys(b)
    .filter((k) => k.startsWith('var.') && read.checkbox(b[k]))
    .map((k) => k.slice(4));
  const order = (c: string) => (currentVariables.includes(c) ? currentVariables.indexOf(c) : currentVariables.length + Number(b[`order.${c}`] ?? 0));
  const variables = ticked.sort((a, c) => order(a) - order(c));
  return {
    input: {
      name: read.text(b.name),
      nameEn: read.optional(b.nameEn),
      crop: read.text(b.crop),
      season: read.optional(b.season),
      design: read.text(b.design),
      description: read.optional(b.description),
      arms,
      variables,
    },
    armRows,
  };
}

function trialRename(path: string, armRows: number[]): string | undefined {
  const arm = /^arms\.(\d+)\.(\w+)$/.exec(path);
  if (arm) return `arms.${armRows[Number(arm[1])] ?? arm[1]}.${arm[2]}`;
  if (path.startsWith('arms')) return 'arms';
  if (path.startsWith('variables')) return 'variables';
  return path || undefined;
}

interface TrialFormContext {
  project: ProjectRow;
  detail: trials.TrialDetail | null;
  catalogue: Awaited<ReturnType<typeof listVariables>>;
}

function trialForm(form: FormState, { project, detail, catalogue }: TrialFormContext) {
  const { lang, values, errors } = form;
  const f = (spec: FieldSpec) => fieldView(lang, values, errors, spec);
  const rows = Math.min(20, Math.max(armRowCount(values), 2) + 1);
  const current = detail?.variables.map((v) => v.code) ?? [];
  const ordered = [...catalogue].sort((a, b) => {
    const ia = current.indexOf(a.code);
    const ib = current.indexOf(b.code);
    return (ia < 0 ? 1e6 + a.id : ia) - (ib < 0 ? 1e6 + b.id : ib);
  });
  const t = detail?.trial;
  return {
    view: 'trials/form',
    context: {
      title: tr(lang, t ? 'trial.edit' : 'trial.new'),
      heading: t ? titled(lang, tr(lang, 'trial.edit'), nameIn(lang, t)) : tr(lang, 'trial.new'),
      crumbs: crumbs(lang, { project, trial: t ?? undefined }),
      action: t ? `/trials/${t.id}/edit` : `/projects/${project.id}/trials/new`,
      version: values.version ?? (t ? String(t.version) : null),
      fields: [
        f({ name: 'name', label: 'trial.name', required: true, wide: true }),
        f({ name: 'nameEn', label: 'trial.nameEn', wide: true }),
        f({ name: 'crop', label: 'trial.crop', required: true }),
        f({ name: 'season', label: 'trial.season' }),
        f({ name: 'design', label: 'trial.design', type: 'select', options: enumOptions(lang, 'design', DESIGNS), hint: 'trial.designHint' }),
        f({ name: 'description', label: 'trial.description', type: 'textarea' }),
      ],
      arms: Array.from({ length: rows }, (_, i) => ({
        n: i + 1,
        name: f({ name: `arms.${i}.name`, label: 'arm.name' }),
        role: f({ name: `arms.${i}.role`, label: 'arm.role', type: 'select', options: enumOptions(lang, 'role', ROLES) }),
        description: f({ name: `arms.${i}.description`, label: 'arm.description' }),
      })),
      armsError: errors?.fields.arms,
      variables: ordered.map((v, i) => ({
        name: `var.${v.code}`,
        id: `var-${v.code.replace(/[^A-Za-z0-9_-]/g, '-')}`,
        orderName: `order.${v.code}`,
        order: i,
        code: v.code,
        label: nameIn(lang, v),
        unit: v.unit,
        kind: tr(lang, KINDS[v.kind].label),
        checked: read.checkbox(values[`var.${v.code}`]),
      })),
      variablesError: errors?.fields.variables,
      newVariableHref: `/variables/new?back=${encodeURIComponent(t ? `/trials/${t.id}/edit` : `/projects/${project.id}/trials/new`)}`,
      submitLabel: tr(lang, t ? 'form.save' : 'form.create'),
      cancelHref: t ? `/trials/${t.id}` : `/projects/${project.id}`,
    },
  };
}

// ---- Plot form -------------------------------------------------------------------------------

function plotFields(b: FormBody) {
  return {
    siteId: read.optional(b.siteId) ?? undefined,
    label: read.text(b.label),
    arm: read.text(b.arm),
    block: read.optional(b.block),
    areaM2: read.optional(b.areaM2),
    plantedOn: read.optional(b.plantedOn),
    notes: read.optional(b.notes),
  };
}

interface PlotFormContext {
  detail: trials.TrialDetail;
  project: ProjectRow;
  sites: Awaited<ReturnType<typeof listSites>>;
  plot: Awaited<ReturnType<typeof plots.getPlot>> | null;
}

function plotForm(form: FormState, { detail, project, sites, plot }: PlotFormContext) {
  const { lang } = form;
  const t = detail.trial;
  const specs: FieldSpec[] = [
    { name: 'siteId', label: 'plot.site', type: 'select', required: true, options: [['', '—'], ...sites.map((s) => [String(s.id), nameIn(lang, s)] as const)] },
    { name: 'label', label: 'plot.label', required: true, hint: 'plot.labelHint' },
    { name: 'arm', label: 'plot.arm', type: 'select', required: true, options: [['', '—'], ...detail.arms.map((a) => [a.name, withNote(lang, a.name, enumLabel(lang, 'role', a.role))] as const)] },
    { name: 'block', label: 'plot.block', hint: 'plot.blockHint' },
    { name: 'plantedOn', label: 'plot.plantedOn', type: 'date', hint: 'plot.plantedOnHint' },
    { name: 'areaM2', label: 'plot.area', type: 'decimal', unit: 'm²' },
    { name: 'notes', label: 'plot.notes', type: 'textarea' },
  ];
  return {
    view: 'plots/form',
    context: {
      title: tr(lang, plot ? 'plot.edit' : 'plot.new'),
      heading: plot ? titled(lang, tr(lang, 'plot.edit'), plot.label) : tr(lang, 'plot.new'),
      crumbs: crumbs(lang, { project, trial: t }),
      added: typeof form.req.query.added === 'string' ? tr(lang, 'plot.added', { label: form.req.query.added }) : null,
      action: plot ? `/plots/${plot.id}/edit` : `/trials/${t.id}/plots/new`,
      hidden: plot ? [{ name: 'version', value: form.values.version ?? String(plot.version) }] : [],
      fields: specs.map((s) => fieldView(lang, form.values, form.errors, s)),
      isNew: !plot,
      deleteAction: plot ? `/plots/${plot.id}/delete` : null,
      submitLabel: tr(lang, plot ? 'form.save' : 'form.create'),
      cancelHref: `/trials/${t.id}#plots`,
      noSites: sites.length === 0,
      newSiteHref: `/projects/${project.id}/sites/new`,
    },
  };
}
