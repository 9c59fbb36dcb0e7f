import type { Kysely } from 'kysely';
import type { Database, VariableRow } from '../../db/database.js';
import { keyUnder, messageKey, translate, type KeysUnder, type Lang, type MessageKey } from '../i18n/i18n.js';
import { plotUrl } from '../layouts/plot-labels.js';
import { listPlots, type PlotView } from '../plots/plots.repository.js';
import { getProject } from '../projects/projects.service.js';
import { flagText, quotedHeadline } from '../reports/report-text.js';
import { trialReport } from '../reports/reports.service.js';
import { listSites } from '../sites/sites.repository.js';
import { listSessions } from '../training/training.service.js';
import { getTrial } from '../trials/trials.service.js';
import { listVariables } from '../variables/variables.repository.js';
import { OBSERVATION_COLUMNS, headerKey, variableResolver } from './columns.js';
import type { OutCell } from './sheet-writer.js';
import { TRAINING_KIND_WORDS } from './training-import.js';
import { mayReadPersonalData } from '../accounts/access.js';
import { KINDS } from '../variables/kinds.js';
import { listFarmers } from '../farmers/farmers.repository.js';
import { listObservationsOfPlots, mostReadingsPerVariable } from './exports.repository.js';

/** A table to write: its header and its rows, produced as they are read. */
export interface Table {
  name: string;
  header: string[];
  rows: AsyncIterable<OutCell[]>;
}

const t = (lang: Lang, key: MessageKey) => translate(lang, key);

/** How a variable is written in a sheet: its name in the sheet's language when that name
 * finds this variable again on import (and is no reserved column name), else its code. */
function variableLabels(variables: VariableRow[], catalogue: VariableRow[], lang: Lang): Map<number, string> {
  const resolve = variableResolver(variables, catalogue);
  return new Map(
    variables.map((v) => {
      const name = lang === 'en' ? (v.nameEn ?? v.code) : v.name;
      const back = resolve(name);
      const ok = 'variable' in back && back.variable.id === v.id && !OBSERVATION_COLUMNS.has(headerKey(name));
      return [v.id, ok ? name : v.code];
    }),
  );
}

type ObservationOut = Awaited<ReturnType<typeof listObservationsOfPlots>>[number];

const PLOTS_PER_QUERY = 200;

/** Every observation of the plots, a slice of plots per query, grouped by plot. */
async function* observationsByPlot(db: Kysely<Database>, plots: PlotView[]): AsyncGenerator<[PlotView, ObservationOut[]]> {
  for (let i = 0; i < plots.length; i += PLOTS_PER_QUERY) {
    const slice = plots.slice(i, i + PLOTS_PER_QUERY);
    const rows = await listObservationsOfPlots(db, slice.map((p) => p.id));
    const byPlot = new Map<number, ObservationOut[]>();
    for (const r of rows) byPlot.set(r.plotId, [...(byPlot.get(r.plotId) ?? []), r]);
    for (const p of slice) yield [p, byPlot.get(p.id) ?? []];
  }
}

function valueCell(o: ObservationOut): OutCell {
  if (o.valueNumber !== null) return { number: o.valueNumber };
  if (o.valueDate !== null) return { date: o.valueDate };
  return o.valueText;
}
const dateCell = (d: string | null): OutCell => (d === null ? null : { date: d });

/**
 * A trial's observations as a sheet. Long: one row per observation (site, plot, arm, block,
 * variable, value, unit, observed-on, reading, notes, recorded by). Wide: one row per plot and, per
 * variable, as many value columns as the plot with most observations of it needs
 * ("产量", "产量(第2次)" / "yield", "yield.2"), each followed by its own date column
 * ("产量 观测日期" / "yield observed_on"). Either imports back with no changes.
 */
export async function observationsTable(db: Kysely<Database>, trialId: number, shape: 'long' | 'wide', lang: Lang): Promise<Table> {
  const detail = await getTrial(db, trialId);
  const plots = await listPlots(db, trialId);
  const sites = new Map((await listSites(db, detail.trial.projectId)).map((s) => [s.id, s]));
  const siteName = (p: PlotView) => {
    const s = sites.get(p.siteId)!;
    return lang === 'en' && s.nameEn ? s.nameEn : s.name;
  };
  const labels = variableLabels(detail.variables, await listVariables(db), lang);
  const variables = new Map(detail.variables.map((v) => [v.id, v]));
  const name = `${detail.trial.name}-${t(lang, 'imp.file.observations')}`;
  const h = (k: KeysUnder<'imp.col'>) => t(lang, keyUnder('imp.col', k));

  if (shape === 'long') {
    return {
      name,
      header: (['site', 'plot', 'arm', 'block', 'variable', 'value', 'unit', 'observedOn', 'reading', 'notes', 'recordedBy'] as const).map(h),
      rows: (async function* () {
        for await (const [plot, list] of observationsByPlot(db, plots)) {
          for (const o of list) {
            const v = variables.get(o.variableId)!;
            yield [siteName(plot), plot.label, plot.arm, plot.block, labels.get(v.id)!, valueCell(o), v.unit, dateCell(o.observedOn), o.reading, o.notes, o.recordedBy];
          }
        }
      })(),
    };
  }

  const counts = await mostReadingsPerVariable(db, trialId);
  const most = new Map(counts.map((c) => [c.variableId, Number(c.most)]));
  const columns: { variableId: number; k: number }[] = [];
  const header = (['site', 'plot', 'arm', 'block'] as const).map(h);
  for (const v of detail.variables) {
    const n = Math.max(1, most.get(v.id) ?? 0);
    for (let k = 1; k <= n; k++) {
      const label = labels.get(v.id)!;
      const valueHeader = k === 1 ? label : lang === 'en' ? `${label}.${k}` : `${label}(第${k}次)`;
      header.push(valueHeader, `${valueHeader} ${h('observedOn')}`);
      columns.push({ variableId: v.id, k });
    }
  }
  return {
    name,
    header,
    rows: (async function* () {
      for await (const [plot, list] of observationsByPlot(db, plots)) {
        const seen = new Map<number, number>();
        const cells = new Map<string, ObservationOut>();
        for (const o of list) {
          const k = (seen.get(o.variableId) ?? 0) + 1;
          seen.set(o.variableId, k);
          cells.set(`${o.variableId}:${k}`, o);
        }
        const row: OutCell[] = [siteName(plot), plot.label, plot.arm, plot.block];
        for (const c of columns) {
          const o = cells.get(`${c.variableId}:${c.k}`);
          row.push(o ? valueCell(o) : null, o ? dateCell(o.observedOn) : null);
        }
        yield row;
      }
    })(),
  };
}

/** A project's training ledger: one row per session with its roster by farmer name. */
export async function trainingTable(db: Kysely<Database>, projectId: number, lang: Lang): Promise<Table> {
  const project = await getProject(db, projectId);
  const sessions = await listSessions(db, projectId);
  const sites = new Map((await listSites(db, projectId)).map((s) => [s.id, s]));
  const farmers = await listFarmers(db, projectId);
  const nameCount = new Map<string, number>();
  for (const f of farmers) nameCount.set(f.name.trim(), (nameCount.get(f.name.trim()) ?? 0) + 1);
  // A name two farmers share is written with the id ("王建国#12") so it imports back exactly.
  const farmerLabel = new Map(farmers.map((f) => [f.id, (nameCount.get(f.name.trim()) ?? 0) > 1 ? `${f.name.trim()}#${f.id}` : f.name.trim()]));
  // Viewers get no farmer names: a roster is written as farmer numbers only.
  if (!mayReadPersonalData()) for (const f of farmers) farmerLabel.set(f.id, `#${f.id}`);
  const kindWord = (k: keyof typeof TRAINING_KIND_WORDS) => (lang === 'en' ? k : TRAINING_KIND_WORDS[k][k === 'training' ? 0 : 1]);
  const h = (k: KeysUnder<'imp.col'>) => t(lang, keyUnder('imp.col', k));
  return {
    name: `${project.name}-${t(lang, 'imp.file.training')}`,
    header: (['heldOn', 'kind', 'topic', 'site', 'village', 'trainer', 'attendance', 'women', 'attendees', 'notes'] as const).map(h),
    rows: (async function* () {
      for (const s of sessions) {
        const site = s.siteId === null ? null : sites.get(s.siteId)!;
        yield [
          { date: s.heldOn },
          kindWord(s.kind),
          s.topic,
          site ? (lang === 'en' && site.nameEn ? site.nameEn : site.name) : null,
          s.village,
          s.trainer,
          { number: String(s.attendance) },
          s.women === null ? null : { number: String(s.women) },
          s.attendees ? s.attendees.map((id) => farmerLabel.get(id) ?? `#${id}`).join('、') : null,
          s.notes,
        ];
      }
    })(),
  };
}

/**
 * Field Book's field file: `plot_id` is unique across trials (`T<trial>-<plot label>`), then
 * the plot's label, its number within its site, site, arm, block, area and planting date, its
 * place in the field (`row`, `column`) and `barcode`: the text of the plot label's QR code
 * (`<base>/trials/<id>?plot=<label>`), so Field Book's barcode search finds the plot.
 */
export async function fieldBookFieldTable(db: Kysely<Database>, trialId: number, publicBase: string): Promise<Table> {
  const detail = await getTrial(db, trialId);
  const plots = await listPlots(db, trialId);
  const sites = new Map((await listSites(db, detail.trial.projectId)).map((s) => [s.id, s]));
  const numberInSite = new Map<number, number>();
  return {
    name: `${detail.trial.name}-field`,
    header: ['plot_id', 'plot', 'plot_number', 'site', 'arm', 'block', 'area_m2', 'planted_on', 'row', 'column', 'barcode'],
    rows: (async function* () {
      for (const p of plots) {
        const n = (numberInSite.get(p.siteId) ?? 0) + 1;
        numberInSite.set(p.siteId, n);
        const place = p.row === null ? [null, null] : [String(p.row), String(p.column)];
        yield [`T${trialId}-${p.label}`, p.label, String(n), sites.get(p.siteId)!.name, p.arm, p.block, p.areaM2, p.plantedOn, ...place, plotUrl(publicBase, trialId, p.label)];
      }
    })(),
  };
}


/** Field Book's trait file (.trt): one trait per trial variable, named by its code. */
export async function fieldBookTraitsTable(db: Kysely<Database>, trialId: number): Promise<Table> {
  const detail = await getTrial(db, trialId);
  return {
    name: `${detail.trial.name}-traits`,
    header: ['trait', 'format', 'defaultValue', 'minimum', 'maximum', 'details', 'categories', 'isVisible', 'realPosition'],
    rows: (async function* () {
      let position = 0;
      for (const v of detail.variables) {
        position++;
        const details = [v.name, v.nameEn, v.unit ? `(${v.unit})` : null].filter(Boolean).join(' ');
        yield [v.code, KINDS[v.kind].fieldBookFormat, '', v.minimum ?? '', v.maximum ?? '', details, (v.categories ?? []).join('/'), 'true', String(position)];
      }
    })(),
  };
}

/**
 * A computed figure at full precision: the shortest decimal that reads back as the same
 * double (nothing rounded beyond what the computation holds).
 */
const fig = (x: number | null | undefined): OutCell => (x === null || x === undefined || !Number.isFinite(x) ? null : { number: String(x) });
const count = (x: number | null | undefined): OutCell => (x === null || x === undefined ? null : { number: String(x) });

/** The columns appended after the original twenty, in order (keys under `imp.report.`). */
const REPORT_EXTRA_COLUMNS = [
  'row', 'significant', 'flagText', 'sitesLower', 'sitesHigher', 'rangeLow', 'rangeHigh', 'predictionLow', 'predictionHigh',
  'nPairs', 'dropped', 'model', 'f', 'df1', 'df2', 'mse', 'arm', 'n', 'mean', 'letters', 'armA', 'armB', 'diff', 'diffLow', 'diffHigh', 'pAdj',
  // Category counts (rows of kind rowCategory), after the columns outside readers know.
  'category', 'categoryCount', 'categoryShare',
] as const;
type ExtraColumn = (typeof REPORT_EXTRA_COLUMNS)[number];

/**
 * The comparison report as a table, every figure at full precision: for each variable ×
 * treatment arm one row per site and an overall row across sites (with range, prediction
 * interval, site counts, the verdict and the flags in words); category and text variables
 * one row with their headline, and category variables then one row per site (and across
 * sites), arm and category with its count of plots and its share of the arm's plots (the
 * page's table: 中 3 (75%)); for trials with three or more arms, per variable and site
 * (and across sites) the F test, one row per arm with its mean and letters and one per
 * Tukey pair. The column `row` says which kind a row is.
 */
export async function reportTable(db: Kysely<Database>, trialId: number, lang: Lang): Promise<Table> {
  const [report, variables] = await Promise.all([trialReport(db, trialId), listVariables(db)]);
  const categoryOrder = new Map(variables.map((v) => [v.code, v.categories ?? []]));
  const h = (k: string) => t(lang, messageKey(`imp.report.${k}`));
  const base = ['variable', 'unit', 'treatment', 'control', 'site', 'nSites', 'nTreatment', 'nControl', 'meanTreatment', 'meanControl', 'delta', 'deltaLow', 'deltaHigh', 'percent', 'percentLow', 'percentHigh', 'pValue', 'df', 'flags', 'headline'];
  const header = [...base, ...REPORT_EXTRA_COLUMNS].map(h);
  const siteName = new Map(report.sites.map((s) => [s.id, lang === 'en' && s.nameEn ? s.nameEn : s.name]));
  const yes = (b: boolean) => h(b ? 'yes' : 'no');
  const words = (codes: readonly string[]) => codes.map((c) => flagText(lang, c)).join('; ') || null;
  const extra = (cells: Partial<Record<ExtraColumn, OutCell>>) => REPORT_EXTRA_COLUMNS.map((k) => cells[k] ?? null);
  const variableName = (v: { name: string; nameEn: string | null }) => (lang === 'en' ? (v.nameEn ?? v.name) : v.name);
  return {
    name: `${lang === 'en' && report.trial.nameEn ? report.trial.nameEn : report.trial.name}-${t(lang, 'imp.file.report')}`,
    header,
    rows: (async function* () {
      for (const c of report.comparisons) {
        const variable = variableName(c.variable);
        const named = { name: c.variable.name, nameEn: c.variable.nameEn, unit: c.variable.unit };
        const headline = quotedHeadline(lang, named, { statement: c.headline.statement, significant: c.headline.significant, qualifier: c.headline.qualifierCode });
        const lead = [variable, c.variable.unit, c.treatmentArm, c.controlArm];
        if (!c.sites.length && !c.overall) {
          yield [...lead, ...Array<OutCell>(14).fill(null), c.flags.join(' '), headline, ...extra({ row: h('rowNote'), flagText: words(c.flags) })];
          if (c.categories) {
            // In the variable's own order (旺 中 弱), then any others as recorded, as on the page.
            const declared = categoryOrder.get(c.variable.code) ?? [];
            const rank = (level: string) => (declared.includes(level) ? declared.indexOf(level) : declared.length);
            const places = [
              ...c.categories.sites.map((s) => ({ site: siteName.get(s.siteId) ?? s.siteName, nSites: null as number | null, arms: s.arms })),
              { site: h('allSites'), nSites: c.categories.sites.length, arms: c.categories.overall },
            ];
            for (const place of places)
              for (const a of place.arms)
                for (const k of [...a.counts].sort((x, y) => rank(x.level) - rank(y.level)))
                  yield [
                    ...lead,
                    place.site,
                    count(place.nSites),
                    ...Array<OutCell>(14).fill(null),
                    ...extra({ row: h('rowCategory'), arm: a.arm, n: count(a.n), category: k.level, categoryCount: count(k.count), categoryShare: fig(k.proportion) }),
                  ];
          }
          continue;
        }
        for (const s of c.sites) {
          const paired = 'nPairs' in s ? (s as { nPairs: number; dropped: number }) : null;
          yield [
            ...lead,
            siteName.get(s.siteId) ?? s.siteName,
            null,
            count(s.nTreatment),
            count(s.nControl),
            fig(s.meanTreatment),
            fig(s.meanControl),
            fig(s.delta),
            fig(s.deltaCi?.[0]),
            fig(s.deltaCi?.[1]),
            fig(s.percent),
            fig(s.percentCi?.[0]),
            fig(s.percentCi?.[1]),
            fig(s.pValue),
            fig(s.df),
            s.flags.join(' '),
            null,
            ...extra({
              row: h('rowSite'),
              significant: s.pValue === null ? null : yes(s.significant),
              flagText: words(s.flags),
              nPairs: count(paired?.nPairs),
              dropped: count(paired?.dropped),
            }),
          ];
        }
        const o = c.overall;
        const flags = [...c.flags, ...(o?.flags ?? [])];
        yield [
          ...lead,
          h('allSites'),
          o ? count(o.nSites) : null,
          null,
          null,
          null,
          null,
          fig(o?.delta),
          fig(o?.deltaCi?.[0]),
          fig(o?.deltaCi?.[1]),
          fig(o?.percent),
          fig(o?.percentCi?.[0]),
          fig(o?.percentCi?.[1]),
          fig(o?.pValue),
          fig(o?.df),
          flags.join(' '),
          headline,
          ...extra({
            row: h('rowOverall'),
            significant: o && o.pValue !== null ? yes(o.significant) : null,
            flagText: words(flags),
            sitesLower: count(o?.sitesLower),
            sitesHigher: count(o?.sitesHigher),
            rangeLow: fig(o?.range[0]),
            rangeHigh: fig(o?.range[1]),
            predictionLow: fig(o?.predictionInterval?.[0]),
            predictionHigh: fig(o?.predictionInterval?.[1]),
          }),
        ];
      }
      for (const v of report.anova) {
        const lead = [variableName(v.variable), v.variable.unit, null, null];
        const tables = [
          ...v.sites.filter((s) => s.arms.length > 0).map((s) => ({ site: siteName.get(s.siteId) ?? s.siteName, nSites: null as number | null, table: s })),
          ...(v.overall ? [{ site: h('allSites'), nSites: v.overall.nSites, table: v.overall }] : []),
        ];
        for (const { site, nSites, table } of tables) {
          const place = [...lead, site, count(nSites)];
          const blank = (n: number) => Array<OutCell>(n).fill(null);
          yield [
            ...place,
            ...blank(10),
            fig(table.pValue),
            null,
            table.flags.join(' '),
            null,
            ...extra({
              row: h('rowAnova'),
              significant: table.pValue === null ? null : yes(table.pValue < 0.05),
              flagText: words(table.flags),
              model: h(`model.${table.model}`),
              f: fig(table.f),
              df1: count(table.df1),
              df2: count(table.df2),
              mse: fig(table.mse),
            }),
          ];
          for (const a of table.arms) {
            yield [...place, ...blank(14), ...extra({ row: h('rowArm'), arm: a.arm, n: count(a.n), mean: fig(a.mean), letters: a.letters })];
          }
          for (const p of table.pairs) {
            yield [
              ...place,
              ...blank(14),
              ...extra({
                row: h('rowPair'),
                significant: p.pAdj === null ? null : yes(p.pAdj < 0.05),
                armA: p.a,
                armB: p.b,
                diff: fig(p.diff),
                diffLow: fig(p.ci?.[0]),
                diffHigh: fig(p.ci?.[1]),
                pAdj: fig(p.pAdj),
              }),
            ];
          }
        }
      }
    })(),
  };
}
