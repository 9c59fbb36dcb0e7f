import { listPhotosOfPlots } from '../photos/photos.service.js';
import { photoView } from '../web/offline-view.js';
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { flagText, headlineText, qualifierText } from './report-text.js';
import { armMeansPlot } from '../charts/arm-means.js';
import { loadCharts } from '../charts/svg.js';
import { forestPlot } from '../charts/forest-plot.js';
import { comparisonIntervals, type AnovaTable } from '../../analysis/anova.js';
import { paramId } from '../http.js';
import type { Lang } from '../i18n/i18n.js';
import { listTrialPlots } from '../plots/plots.service.js';
import { getProject } from '../projects/projects.service.js';
import { trialReport, type TrialReport } from './reports.service.js';
import { daysWords, figure, interval, num, pValue, signed, today, withUnit } from '../web/format.js';
import { asName, enumLabel, langOf, nameIn, otherName, tr } from '../web/labels.js';
import { signOffText } from '../audit/audit.view.js';
import { sendPage, type Renderer } from '../web/render.js';
import { printMargins } from '../web/print.js';
import { listVariables } from '../variables/variables.service.js';
import { KINDS } from '../variables/kinds.js';

type Comparison = TrialReport['comparisons'][number];
type Interval = readonly [number, number] | null;

/** The trial report page: per variable the headline, a table per site with the overall
 * row, and a forest plot; laid out for A4 when printed. */
export function reportPages(db: Kysely<Database>, renderer: Renderer): Router {
  const r = Router();
  r.get('/trials/:id/report', async (req, res) => {
    await loadCharts();
    const lang = langOf(res);
    const id = paramId(req, 'TrialNotFound');
    const report = await trialReport(db, id);
    const [project, plots, variables] = await Promise.all([getProject(db, report.trial.projectId), listTrialPlots(db, id), listVariables(db)]);
    const categoryOrder = new Map(variables.map((v) => [v.code, v.categories ?? []]));
    const siteNames = new Map(report.sites.map((s) => [s.id, nameIn(lang, s)]));
    const plotLabels = new Map(plots.map((p) => [p.id, p.label]));
    const photos = await listPhotosOfPlots(db, plots.map((p) => p.id));
    const t = report.trial;
    sendPage(res, renderer, 'reports/trial', {
      title: `${tr(lang, 'report.title')} · ${nameIn(lang, t)}`,
      bodyClass: 'report-page',
      crumbs: [
        { href: '/', label: tr(lang, 'nav.home') },
        { href: `/projects/${project.id}`, label: nameIn(lang, project) },
        { href: `/trials/${t.id}`, label: nameIn(lang, t) },
      ],
      trial: {
        id: t.id,
        name: nameIn(lang, t),
        otherName: otherName(lang, t),
        crop: asName(lang, t.crop),
        season: t.season && asName(lang, t.season),
        design: enumLabel(lang, 'design', t.design),
        arms: t.arms.map((a) => ({ name: a.name, role: enumLabel(lang, 'role', a.role), isControl: a.role === 'control' })),
        signedOff: signOffText(lang, t),
      },
      project: { id: project.id, name: nameIn(lang, project), lead: project.leadOrganisation },
      generatedOn: today(),
      printStyle: printMargins(lang, { top: `${nameIn(lang, t)} · ${nameIn(lang, project)}`, printedOn: today() }),
      method: tr(lang, t.design === 'crd' ? 'report.methodCrd' : 'report.methodPaired'),
      comparisons: report.comparisons.map((c, i) => comparisonView(lang, c, i, siteNames, plotLabels, categoryOrder)),
      anova: report.anova.map((v, i) => anovaView(lang, v, i, siteNames)),
      severalArms: new Set(report.comparisons.map((c) => c.treatmentArm).filter(Boolean)).size > 1,
      exportCsv: `/api/trials/${t.id}/report/export?format=csv`,
      exportXlsx: `/api/trials/${t.id}/report/export?format=xlsx`,
      photos: photos.map((ph) => {
        const plot = plotLabels.get(ph.plotId) ?? '';
        return { ...photoView(lang, plot, ph), plot };
      }),
    });
  });
  return r;
}

/** True only when a 95% CI exists and lies wholly on one side of zero. */
export function excludesZero(ci: Interval): boolean {
  return ci !== null && (ci[0] > 0 || ci[1] < 0);
}

/** The row's one verdict (spec §8): its own test's p, the same as its delta CI. */
function significance(lang: Lang, significant: boolean, p: number | null) {
  if (p === null) return { text: tr(lang, 'report.sigUnknown'), cls: 'sig-unknown' };
  if (significant) {
    // No-break spaces: a narrow column (a printed page, a phone) breaks before "(p", never
    // inside "p = 0.016".
    const pText = p === null ? '' : pValue(p).startsWith('<') ? ` (p\u00a0<\u00a0${pValue(p).slice(1)})` : ` (p\u00a0=\u00a0${pValue(p)})`;
    return { text: `${tr(lang, 'report.sigYes')}${pText}`, cls: 'sig-yes' };
  }
  return { text: tr(lang, 'report.sigNo'), cls: 'sig-no' };
}


function comparisonView(lang: Lang, c: Comparison, index: number, siteNames: Map<number, string>, plotLabels: Map<number, string>, categoryOrder: Map<string, string[]>) {
  const v = c.variable;
  const isDate = KINDS[v.kind].daysAfterPlanting;
  const numeric = KINDS[v.kind].numeric;
  // A difference of two percentages is in percentage points (个百分点), not per cent.
  const unit = isDate ? tr(lang, 'report.days') : v.unit === '%' ? tr(lang, 'report.percentagePoints') : (v.unit ?? '');
  const { notes, ref } = footnotes();
  const deltaText = (d: number | null) => (isDate ? daysWords(d, lang) : d === null ? '—' : withUnit(lang, signed(d), unit));
  const siteName = (s: { siteId: number; siteName: string }) => siteNames.get(s.siteId) ?? s.siteName;
  // Every figure is an isolate of its own in right-to-left text (a phone's card puts it after
  // its Uyghur label), so its sign and an interval's order are drawn as written.
  const fig = (text: string) => figure(lang, text);

  const sites = c.sites.map((s) => {
    const paired = 'nPairs' in s ? (s as { nPairs: number }).nPairs : null;
    const dropped = 'dropped' in s ? (s as { dropped: number }).dropped : 0;
    return {
      name: siteName(s),
      nTreatment: s.nTreatment,
      nControl: s.nControl,
      nPairs: paired,
      dropped: dropped > 0 ? tr(lang, dropped === 1 ? 'report.droppedPlotsOne' : 'report.droppedPlots', { count: dropped }) : null,
      meanTreatment: fig(num(s.meanTreatment)),
      meanControl: fig(num(s.meanControl)),
      delta: deltaText(s.delta),
      deltaCi: s.deltaCi ? fig(interval(s.deltaCi)) : null,
      percent: s.percent === null ? '—' : fig(`${signed(s.percent)}%`),
      percentCi: s.percentCi ? fig(interval(s.percentCi)) : null,
      significance: significance(lang, s.significant, s.pValue),
      refs: ref(s.flags),
    };
  });
  const o = c.overall;
  const overall = o
    ? {
        nSites: o.nSites,
        delta: deltaText(o.delta),
        deltaCi: o.deltaCi ? fig(interval(o.deltaCi)) : null,
        percent: o.percent === null ? '—' : fig(`${signed(o.percent)}%`),
        percentCi: o.percentCi ? fig(interval(o.percentCi)) : null,
        significance: significance(lang, o.significant, o.pValue),
        range: withUnit(lang, `${signed(o.range[0])} … ${signed(o.range[1])}`, unit),
        predictionInterval: o.predictionInterval ? withUnit(lang, interval(o.predictionInterval), unit) : null,
        direction: tr(lang, isDate ? 'report.directionDates' : 'report.directionNumbers', { lower: o.sitesLower, higher: o.sitesHigher, total: o.nSites }),
        refs: ref(o.flags),
      }
    : null;
  const commonRefs = ref(c.flags);

  const hasSiteDelta = c.sites.some((s) => s.delta !== null);
  const chartInput = {
    sites: c.sites.map((s) => ({ label: siteName(s), delta: s.delta, ci: s.deltaCi })),
    pooled:
      o && c.sites.filter((s) => s.delta !== null).length > 1
        ? { label: tr(lang, 'report.pooledLabel', { count: o.nSites }), delta: o.delta, ci: o.deltaCi, predictionInterval: o.predictionInterval }
        : null,
    axisLabel: tr(lang, 'report.axis', { unit: unit || tr(lang, 'report.noUnit') }),
    directions: [tr(lang, isDate ? 'report.earlier' : 'report.lower'), tr(lang, isDate ? 'report.later' : 'report.higher')] as [string, string],
  };
  const chart =
    numeric && hasSiteDelta
      ? {
          wide: forestPlot({ ...chartInput, width: 820, fontSize: 12 }),
          narrow: forestPlot({ ...chartInput, width: 360, fontSize: 12 }),
          hasPooled: chartInput.pooled !== null,
          hasPi: !!chartInput.pooled?.predictionInterval,
        }
      : null;

  // Categories in the variable's own order (旺 中 弱), then any others as recorded.
  const declared = categoryOrder.get(v.code) ?? [];
  const rank = (level: string) => {
    const i = declared.indexOf(level);
    return i < 0 ? declared.length : i;
  };
  const inOrder = <T extends { level: string }>(xs: T[]) => [...xs].sort((a, b) => rank(a.level) - rank(b.level));
  const ordered = <A extends { counts: { level: string; count: number; proportion: number | null }[] }>(a: A): A => ({ ...a, counts: inOrder(a.counts) });
  const categories = c.categories
    ? {
        levels: inOrder(c.categories.levels.map((level) => ({ level }))).map((x) => x.level),
        rows: [
          ...c.categories.sites.flatMap((s) =>
            s.arms.map((a, i) => ({ site: i === 0 ? (siteNames.get(s.siteId) ?? s.siteName) : '', firstOfSite: i === 0, span: s.arms.length, ...armCells(lang, ordered(a)) })),
          ),
          ...c.categories.overall.map((a, i) => ({ site: i === 0 ? tr(lang, 'report.allSites') : '', firstOfSite: i === 0, span: c.categories!.overall.length, isOverall: true, ...armCells(lang, ordered(a)) })),
        ],
      }
    : null;

  return {
    anchor: `c${index + 1}`,
    name: nameIn(lang, v),
    unit: v.unit,
    kind: tr(lang, KINDS[v.kind].label),
    isDate,
    numeric,
    arms: c.treatmentArm && c.controlArm ? tr(lang, 'report.armsVs', { treatment: c.treatmentArm, control: c.controlArm }) : null,
    headline: {
      text: headlineText(lang, v, c.headline.statement),
      significant: c.headline.significant === true,
      qualifier: c.headline.qualifierCode ? qualifierText(lang, c.headline.qualifierCode) : null,
    },
    meanUnit: isDate ? tr(lang, 'report.daysAfterPlanting') : (v.unit ?? ''),
    deltaUnit: unit,
    paired: sites.some((s) => s.nPairs !== null),
    sites,
    overall,
    commonRefs,
    notes: notes.map((code, i) => ({ n: i + 1, text: flagText(lang, code) })),
    chart,
    categories,
    texts: c.texts?.map((x) => ({ site: siteNames.get(x.siteId) ?? '', arm: x.arm, plot: plotLabels.get(x.plotId) ?? `#${x.plotId}`, text: x.text })) ?? null,
  };
}

function armCells(lang: Lang, a: { arm: string; role: 'treatment' | 'control'; n: number; counts: { level: string; count: number; proportion: number | null }[] }) {
  return {
    arm: a.arm,
    role: enumLabel(lang, 'role', a.role),
    n: a.n,
    counts: a.counts.map((k) => ({ count: k.count, share: k.proportion === null ? '' : `${Math.round(k.proportion * 100)}%` })),
  };
}

type VariableAnovaView = TrialReport['anova'][number];

/** F with three significant digits ("3.59", "41.3", "1234"). */
function fStat(f: number): string {
  return Math.abs(f) >= 1000 ? String(Math.round(f)) : String(Number(f.toPrecision(3)));
}

/** "p = 0.085" or "p < 0.001". */
function pText(p: number): string {
  const v = pValue(p);
  return v.startsWith('<') ? `< ${v.slice(1)}` : `= ${v}`;
}

/** One analysis of variance in words: "F(3, 6) = 3.59, p = 0.085" and its verdict. */
function anovaLine(lang: Lang, t: AnovaTable) {
  if (t.f === null || t.pValue === null) return { line: '—', verdict: tr(lang, 'anova.noTest'), cls: 'sig-unknown' };
  return {
    line: tr(lang, 'anova.line', { df1: t.df1, df2: t.df2, f: fStat(t.f), p: pText(t.pValue) }),
    verdict: tr(lang, t.pValue < 0.05 ? 'anova.differ' : 'anova.notDiffer'),
    cls: t.pValue < 0.05 ? 'sig-yes' : 'sig-no',
  };
}

/** A multi-arm variable: means with letters per site and across sites, the F tests, and a
 * chart of the arm means with Tukey comparison intervals (across sites, or the only site). */
function anovaView(lang: Lang, v: VariableAnovaView, index: number, siteNames: Map<number, string>) {
  const isDate = KINDS[v.variable.kind].daysAfterPlanting;
  const unit = isDate ? tr(lang, 'report.daysAfterPlanting') : (v.variable.unit ?? '');
  const { notes, ref } = footnotes();
  const tables: { label: string; table: AnovaTable }[] = [
    ...v.sites.filter((s) => s.arms.length > 0).map((s) => ({ label: siteNames.get(s.siteId) ?? s.siteName, table: s as AnovaTable })),
    ...(v.overall && v.sites.filter((s) => s.arms.length >= 2).length > 1
      ? [{ label: tr(lang, 'anova.allSites', { count: v.overall.nSites }), table: v.overall as AnovaTable }]
      : []),
  ];
  const armNames = [...new Set(tables.flatMap((t) => t.table.arms.map((a) => a.arm)))];
  const rows = armNames.map((arm) => ({
    arm,
    cells: tables.map(({ table }) => {
      const a = table.arms.find((x) => x.arm === arm);
      return a ? { mean: figure(lang, num(a.mean)), letters: a.letters ?? '', n: a.n } : { mean: '—', letters: '', n: null };
    }),
  }));
  const charted = [...tables].reverse().find((t) => t.table.mse !== null);
  let chart = null;
  if (charted) {
    const intervals = comparisonIntervals(charted.table);
    const arms = charted.table.arms.map((a, i) => ({ label: a.arm, mean: a.mean, interval: intervals[i], letters: a.letters }));
    const axisLabel = tr(lang, 'anova.axis', { unit: unit || tr(lang, 'report.noUnit') });
    chart = {
      wide: armMeansPlot({ arms, axisLabel, width: 820, fontSize: 12 }),
      narrow: armMeansPlot({ arms, axisLabel, width: 360, fontSize: 12 }),
      caption: tr(lang, 'anova.chartCaption', { label: charted.label }),
    };
  }
  return {
    anchor: `anova${index + 1}`,
    name: nameIn(lang, v.variable),
    unit: isDate ? tr(lang, 'report.daysAfterPlanting') : v.variable.unit,
    tables: tables.map(({ label, table }) => ({
      label,
      model: tr(lang, `anova.model.${table.model}` as 'anova.model.blocks'),
      ...anovaLine(lang, table),
      refs: ref(table.flags),
    })),
    rows,
    chart,
    notes: notes.map((code, i) => ({ n: i + 1, text: flagText(lang, code) })),
  };
}

/** Footnotes of a table: `ref(codes)` numbers each flag code on its first use (1, 2 …) and
 * gives the numbers of the codes asked for; `notes` lists the codes in that order. */
function footnotes() {
  const notes: string[] = [];
  const ref = (codes: readonly string[]) =>
    codes.map((code) => {
      let n = notes.indexOf(code);
      if (n < 0) n = notes.push(code) - 1;
      return n + 1;
    });
  return { notes, ref };
}
