import { Router, type Request, type Response } from 'express';
import type { Kysely } from 'kysely';
import { LAYOUT_DESIGNS } from '../../analysis/layout-design.js';
import type { Database, SiteRow } from '../../db/database.js';
import { fieldMapSvg, armFills, type MapPlot, type Side } from '../charts/field-map.js';
import { paramId } from '../http.js';
import type { Lang } from '../i18n/i18n.js';
import { DEFAULT_LABEL_PATTERN, FIELD_SIDES, LayoutInput } from './layouts.schemas.js';
import * as layouts from './layouts.service.js';
import { LABEL_PAPER_NAMES, LABEL_PAPERS, plotUrl, publicBase, qrSvg, type LabelPaper } from './plot-labels.js';
import { listTrialPlots } from '../plots/plots.service.js';
import { getProject } from '../projects/projects.service.js';
import { listSites } from '../sites/sites.service.js';
import * as trials from '../trials/trials.service.js';
import { parseOrThrow } from '../validation.js';
import { fieldView, mountForm, read, type FieldSpec, type FormBody } from '../web/forms.js';
import { enumLabel, enumOptions, langOf, nameIn, titled, tr } from '../web/labels.js';
import { sendPage, type Renderer } from '../web/render.js';
import { crumbs } from '../web/crumbs.js';

type PlotView = Awaited<ReturnType<typeof listTrialPlots>>[number];

/** The site asked for with `?site=`, else the first site that has plots, else the first. */
function pickSite(sites: SiteRow[], plots: PlotView[], asked: unknown): SiteRow | undefined {
  const id = typeof asked === 'string' && /^\d+$/.test(asked) ? Number(asked) : undefined;
  return sites.find((s) => s.id === id) ?? sites.find((s) => plots.some((p) => p.siteId === s.id)) ?? sites[0];
}

async function trialContext(db: Kysely<Database>, req: Request) {
  const detail = await trials.getTrial(db, paramId(req, 'TrialNotFound'));
  const project = await getProject(db, detail.trial.projectId);
  const [sites, plots] = await Promise.all([listSites(db, project.id), listTrialPlots(db, detail.trial.id)]);
  return { detail, project, sites, plots };
}

/** The map of one site's plots, from the plots' positions and the site's committed layout. */
async function siteMap(db: Kysely<Database>, lang: Lang, detail: trials.TrialDetail, site: SiteRow, plots: PlotView[], title: string) {
  const here = plots.filter((p) => p.siteId === site.id);
  const placed = here.filter((p) => p.row !== null && p.column !== null);
  const layout = await layouts.findCommittedLayout(db, detail.trial.id, site.id);
  const svg = placed.length
    ? fieldMapSvg({
        plots: placed.map((p): MapPlot => ({ label: p.label, arm: p.arm, isControl: p.armRole === 'control', block: p.block, row: p.row!, column: p.column! })),
        arms: detail.arms.map((a) => ({ name: a.name, isControl: a.role === 'control' })),
        north: layout?.north ?? null,
        entrance: layout?.entrance ?? null,
        words: { north: tr(lang, 'map.north'), entrance: tr(lang, 'map.entrance'), title },
      })
    : null;
  return { here, placed, unplaced: here.filter((p) => p.row === null), svg };
}

function legend(lang: Lang, detail: trials.TrialDetail) {
  const fills = armFills(detail.arms.map((a) => ({ name: a.name, isControl: a.role === 'control' })));
  return detail.arms.map((a) => ({ name: a.name, role: enumLabel(lang, 'role', a.role), fill: fills.get(a.name) }));
}

/** The designer's fields, in the order of the form. */
function designFields(lang: Lang, sites: SiteRow[]): FieldSpec[] {
  const sides = enumOptions(lang, 'layout.side', FIELD_SIDES, 'layout.side.');
  return [
    { name: 'siteId', label: 'layout.site', type: 'select', required: true, options: sites.map((s) => [String(s.id), nameIn(lang, s)] as const) },
    { name: 'design', label: 'layout.design', type: 'select', required: true, options: enumOptions(lang, 'design', LAYOUT_DESIGNS) },
    { name: 'blocks', label: 'layout.blocks', type: 'integer' },
    { name: 'plotsPerArm', label: 'layout.plotsPerArm', type: 'integer' },
    { name: 'rows', label: 'layout.rows', type: 'integer', required: true },
    { name: 'columns', label: 'layout.columns', type: 'integer', required: true },
    { name: 'serpentine', label: 'layout.serpentine', type: 'checkbox' },
    { name: 'labelPattern', label: 'layout.labelPattern', maxlength: 100, hint: 'layout.labelPatternHint' },
    { name: 'plotArea', label: 'layout.plotArea', type: 'decimal', unit: 'm²' },
    { name: 'plantedOn', label: 'layout.plantedOn', type: 'date' },
    { name: 'seed', label: 'layout.seed', type: 'integer', hint: 'layout.seedHint' },
    { name: 'north', label: 'layout.north', type: 'select', options: sides },
    { name: 'entrance', label: 'layout.entrance', type: 'select', options: sides },
  ];
}

/** The form's strings as the API's body: blanks left out so the schema's defaults apply. */
function designInput(body: FormBody): unknown {
  const out: Record<string, unknown> = {
    siteId: read.integer(body.siteId),
    design: read.text(body.design),
    blocks: read.integer(body.blocks),
    plotsPerArm: read.integer(body.plotsPerArm),
    rows: read.integer(body.rows),
    columns: read.integer(body.columns),
    serpentine: read.checkbox(body.serpentine),
    labelPattern: read.optional(body.labelPattern),
    plotArea: read.number(body.plotArea),
    plantedOn: read.optional(body.plantedOn),
    seed: read.integer(body.seed),
    north: read.optional(body.north),
    entrance: read.optional(body.entrance),
  };
  for (const k of Object.keys(out)) if (out[k] === null && !['north', 'entrance', 'plotArea', 'plantedOn'].includes(k)) delete out[k];
  // A required number left blank is reported as required, not as a wrong type.
  for (const k of ['rows', 'columns', 'siteId']) if (!(k in out)) out[k] = undefined;
  return out;
}

/** Field map, plot labels and the layout designer. */
export function layoutPages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();

  mountForm(r, renderer, '/trials/:id/layouts/new', {
    load: async (req) => trialContext(db, req),
    initial: ({ detail, sites, plots }) => ({
      siteId: String(sites.find((s) => !plots.some((p) => p.siteId === s.id))?.id ?? sites[0]?.id ?? ''),
      design: detail.trial.design,
      blocks: '4',
      plotsPerArm: '4',
      rows: '',
      columns: String(detail.arms.length),
      serpentine: '1',
      labelPattern: DEFAULT_LABEL_PATTERN,
      north: 'up',
    }),
    submit: async ({ detail }, body) => {
      const layout = await layouts.createLayout(db, detail.trial.id, parseOrThrow(LayoutInput, designInput(body)));
      return `/layouts/${layout.id}`;
    },
    render: ({ detail, project, sites }, form) => {
      const lang = form.lang;
      const fields = designFields(lang, sites).map((f) => {
        const v = fieldView(lang, form.values, form.errors, f);
        return f.name === 'labelPattern' ? { ...v, hint: tr(lang, 'layout.labelPatternHint', layouts.PLACEHOLDER_PARAMS) } : v;
      });
      return {
        view: 'forms/generic',
        context: {
          title: titled(lang, tr(lang, 'layout.new'), nameIn(lang, detail.trial)),
          heading: titled(lang, tr(lang, 'layout.new'), nameIn(lang, detail.trial)),
          intro: sites.length ? tr(lang, 'layout.intro') : tr(lang, 'layout.noSites'),
          crumbs: crumbs(lang, { project, trial: detail.trial }),
          action: `/trials/${detail.trial.id}/layouts/new`,
          fields,
          submitLabel: tr(lang, 'layout.preview'),
          cancelHref: `/trials/${detail.trial.id}`,
        },
      };
    },
  });

  /** A layout: its preview drawn as a map, with commit and re-randomise; or, once committed, its plots. */
  r.get('/layouts/:id', async (req, res) => {
    const lang = langOf(res);
    const layout = await layouts.getLayout(db, paramId(req, 'LayoutNotFound'));
    const detail = await trials.getTrial(db, layout.trialId);
    const project = await getProject(db, detail.trial.projectId);
    const site = (await listSites(db, project.id)).find((s) => s.id === layout.siteId)!;
    const title = `${nameIn(lang, detail.trial)} · ${nameIn(lang, site)}`;
    const svg = fieldMapSvg({
      // A committed plot moved off the grid since is left out of the drawing.
      plots: layout.plots.flatMap((p) => (p.row === null || p.column === null ? [] : [{ label: p.label, arm: p.arm, isControl: p.armRole === 'control', block: p.block === null ? null : String(p.block), row: p.row, column: p.column }])),
      arms: detail.arms.map((a) => ({ name: a.name, isControl: a.role === 'control' })),
      north: layout.north as Side | null,
      entrance: layout.entrance as Side | null,
      words: { north: tr(lang, 'map.north'), entrance: tr(lang, 'map.entrance'), title },
    });
    const committed = layout.status === 'committed';
    sendPage(res, renderer, 'field-layouts/layout', {
      title: tr(lang, 'layout.title'),
      crumbs: crumbs(lang, { project, trial: detail.trial }),
      heading: committed ? tr(lang, 'layout.committedTitle') : tr(lang, 'layout.previewTitle'),
      summary: tr(lang, 'layout.summary', { design: enumLabel(lang, 'design', layout.design), plots: layout.plots.length, rows: layout.rows, columns: layout.columns, seed: layout.seed }),
      site: nameIn(lang, site),
      layout,
      committed,
      flash: typeof req.query.done === 'string' ? req.query.done : null,
      canEnter: res.locals.user?.role === 'admin' || res.locals.user?.role === 'agronomist',
      locked: detail.trial.lockedAt !== null,
      svg,
      legend: legend(lang, detail),
      mapHref: `/trials/${detail.trial.id}/map?site=${site.id}`,
    });
  });

  r.post('/layouts/:id/commit', async (req, res) => {
    const { layout } = await layouts.commitLayout(db, paramId(req, 'LayoutNotFound'));
    res.redirect(303, `/trials/${layout.trialId}/map?site=${layout.siteId}`);
  });

  r.post('/layouts/:id/rerandomise', async (req, res) => {
    const layout = await layouts.rerandomiseLayout(db, paramId(req, 'LayoutNotFound'));
    res.redirect(303, `/layouts/${layout.id}?done=${encodeURIComponent(tr(langOf(res), 'layout.rerandomised', { seed: layout.seed }))}`);
  });

  r.get('/trials/:id/map', async (req, res) => {
    const lang = langOf(res);
    const { detail, project, sites, plots } = await trialContext(db, req);
    const site = pickSite(sites, plots, req.query.site);
    const title = site ? `${nameIn(lang, detail.trial)} · ${nameIn(lang, site)}` : nameIn(lang, detail.trial);
    const map = site ? await siteMap(db, lang, detail, site, plots, title) : null;
    sendPage(res, renderer, 'field-layouts/map', {
      title: titled(lang, tr(lang, 'map.title'), nameIn(lang, detail.trial)),
      bodyClass: 'print-map',
      crumbs: crumbs(lang, { project, trial: detail.trial }),
      trial: { id: detail.trial.id, name: nameIn(lang, detail.trial) },
      site: site ? { id: site.id, name: nameIn(lang, site) } : null,
      sites: sites.map((s) => ({ id: s.id, name: nameIn(lang, s), selected: s.id === site?.id })),
      caption: site ? tr(lang, 'map.caption', { trial: nameIn(lang, detail.trial), site: nameIn(lang, site), count: map!.here.length }) : '',
      svg: map?.svg ?? null,
      unplaced: (map?.unplaced ?? []).map((p) => ({ label: p.label, arm: p.arm, isControl: p.armRole === 'control', block: p.block })),
      legend: legend(lang, detail),
      hasPlots: plots.length > 0,
      canEnter: res.locals.user?.role === 'admin' || res.locals.user?.role === 'agronomist',
    });
  });

  r.get('/trials/:id/map.svg', async (req, res) => {
    const lang = langOf(res);
    const { detail, sites, plots } = await trialContext(db, req);
    const site = pickSite(sites, plots, req.query.site);
    const map = site ? await siteMap(db, lang, detail, site, plots, `${nameIn(lang, detail.trial)} · ${nameIn(lang, site)}`) : null;
    res.type('image/svg+xml').send(map?.svg ?? '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"/>');
  });

  r.get('/trials/:id/labels', async (req, res) => {
    const lang = langOf(res);
    const { detail, project, sites, plots } = await trialContext(db, req);
    const paper: LabelPaper = (LABEL_PAPER_NAMES as string[]).includes(String(req.query.paper)) ? (req.query.paper as LabelPaper) : '3x8';
    const siteId = typeof req.query.site === 'string' && /^\d+$/.test(req.query.site) ? Number(req.query.site) : undefined;
    // The arm is shown unless the form was sent without its box ticked (blind scoring).
    const showArm = req.query.paper === undefined || req.query.arm === '1';
    const spec = LABEL_PAPERS[paper];
    const siteName = new Map(sites.map((s) => [s.id, nameIn(lang, s)]));
    const chosen = plots
      .filter((p) => siteId === undefined || p.siteId === siteId)
      .sort((a, b) => a.siteId - b.siteId || (a.row ?? 1e9) - (b.row ?? 1e9) || (a.column ?? 0) - (b.column ?? 0) || a.label.localeCompare(b.label));
    const base = publicBase(req);
    const labels = await Promise.all(
      chosen.map(async (p) => {
        const url = plotUrl(base, detail.trial.id, p.label);
        return { label: p.label, site: siteName.get(p.siteId), arm: showArm ? p.arm : null, block: p.block, row: p.row, column: p.column, url, qr: await qrSvg(url) };
      }),
    );
    const perSheet = spec.columns * spec.rows;
    const sheets = [];
    for (let i = 0; i < labels.length; i += perSheet) sheets.push({ labels: labels.slice(i, i + perSheet) });
    const q = new URLSearchParams({ ...(siteId ? { site: String(siteId) } : {}) }).toString();
    sendPage(res, renderer, 'field-layouts/labels', {
      title: titled(lang, tr(lang, 'labels.title'), nameIn(lang, detail.trial)),
      bodyClass: 'print-labels',
      crumbs: crumbs(lang, { project, trial: detail.trial }),
      trial: { id: detail.trial.id, name: nameIn(lang, detail.trial) },
      sites: [{ value: '', label: tr(lang, 'labels.allSites'), selected: siteId === undefined }, ...sites.map((s) => ({ value: String(s.id), label: nameIn(lang, s), selected: s.id === siteId }))],
      papers: LABEL_PAPER_NAMES.map((p) => ({ value: p, label: tr(lang, `labels.paper.${p}`), selected: p === paper })),
      showArm,
      paper,
      spec,
      sheets,
      count: tr(lang, 'labels.count', { count: labels.length, pages: sheets.length }),
      csvHref: `/api/trials/${detail.trial.id}/labels.csv${q ? `?${q}` : ''}`,
    });
  });

  return r;
}
