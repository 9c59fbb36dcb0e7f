import { seeded, type Random } from './random.js';

/**
 * The synthetic programme the benchmarks run on, generated from a seed so every run holds the
 * same rows. One programme-wide trial holds every plot and every generated observation (the
 * worst case for its report); three small trials of identical shape receive the import (CSV,
 * then XLSX) and its COPY baseline; training sessions, farmers and attendance fill the training tables.
 */
export interface Scale {
  name: 'small' | 'full';
  sites: number;
  /** Plots per site in the programme-wide trial (half treatment, half control). */
  plotsPerSite: number;
  /** Plots per site in each of the three import trials. */
  importPlotsPerSite: number;
  sessions: number;
  farmers: number;
}

export const SCALES: Record<Scale['name'], Scale> = {
  full: { name: 'full', sites: 200, plotsPerSite: 100, importPlotsPerSite: 10, sessions: 5000, farmers: 4000 },
  small: { name: 'small', sites: 200, plotsPerSite: 10, importPlotsPerSite: 10, sessions: 500, farmers: 400 },
};

/** Observations per plot: 20 harvests, 20 heights, 3 flowering, 3 ripening, 4 vigour notes. */
export const OBSERVATIONS_PER_PLOT = 50;

export const VARIABLES = [
  { code: 'yield_kg_per_mu', name: '产量', nameEn: 'yield', kind: 'number', unit: 'kg/亩', aggregation: 'sum', minimum: '0', maximum: '30000', categories: null },
  { code: 'plant_height_cm', name: '株高', nameEn: 'plant height', kind: 'number', unit: 'cm', aggregation: 'mean', minimum: '0', maximum: '500', categories: null },
  { code: 'flowering_date', name: '开花期', nameEn: 'flowering', kind: 'date', unit: null, aggregation: 'first', minimum: null, maximum: null, categories: null },
  { code: 'first_ripening_date', name: '第一穗果成熟期', nameEn: 'first-truss ripening', kind: 'date', unit: null, aggregation: 'first', minimum: null, maximum: null, categories: null },
  { code: 'vigour', name: '长势', nameEn: 'vigour', kind: 'category', unit: null, aggregation: 'last', minimum: null, maximum: null, categories: ['旺', '中', '弱'] },
] as const;

export interface SitePlan {
  index: number;
  name: string;
  plantedDay: number;
  /** The site's yield level, kg/亩 for a control plot. */
  yieldLevel: number;
}

export interface PlotPlan {
  site: SitePlan;
  label: string;
  arm: 'T' | 'C';
}

/** One observation as a person would enter it: plot label, variable code, value, date. */
export interface ObservationRecord {
  plot: string;
  variable: string;
  value: string;
  observedOn: string;
}

const EPOCH_2026_03_01 = Date.UTC(2026, 2, 1) / 86_400_000;
const isoCache = new Map<number, string>();
/** An epoch day as YYYY-MM-DD. */
export function isoDay(day: number): string {
  let s = isoCache.get(day);
  if (!s) isoCache.set(day, (s = new Date(day * 86_400_000).toISOString().slice(0, 10)));
  return s;
}

export function planSites(scale: Scale): SitePlan[] {
  const r = seeded(20261130);
  return Array.from({ length: scale.sites }, (_, i) => ({
    index: i,
    name: `示范点 ${String(i + 1).padStart(3, '0')}`,
    plantedDay: EPOCH_2026_03_01 + r.int(0, 30),
    yieldLevel: 3000 + 600 * r.normal(),
  }));
}

export function planPlots(sites: SitePlan[], perSite: number): PlotPlan[] {
  const plots: PlotPlan[] = [];
  for (const site of sites) {
    for (let p = 0; p < perSite; p++) {
      plots.push({ site, label: `S${String(site.index + 1).padStart(3, '0')}-P${String(p + 1).padStart(3, '0')}`, arm: p % 2 === 0 ? 'T' : 'C' });
    }
  }
  return plots;
}

/**
 * The 50 observations of one plot: treatment yields about 10% more, flowers about 3 days
 * and ripens about 4 days earlier, with site and plot variation.
 */
export function plotObservations(r: Random, plot: PlotPlan, out: ObservationRecord[]): void {
  const t = plot.arm === 'T';
  const planted = plot.site.plantedDay;
  const total = Math.max(500, plot.site.yieldLevel * (t ? 1.1 : 1) * (1 + 0.08 * r.normal()));
  for (let h = 0; h < 20; h++) {
    out.push({ plot: plot.label, variable: 'yield_kg_per_mu', value: ((total / 20) * (0.5 + r.next())).toFixed(1), observedOn: isoDay(planted + 95 + h * 3) });
  }
  const height = 120 + (t ? 5 : 0) + 8 * r.normal();
  for (let i = 0; i < 20; i++) {
    out.push({ plot: plot.label, variable: 'plant_height_cm', value: (height + 4 * r.normal()).toFixed(1), observedOn: isoDay(planted + 20 + i * 4) });
  }
  const flowering = planted + 45 - (t ? 3 : 0) + r.int(-2, 2);
  const ripening = planted + 90 - (t ? 4 : 0) + r.int(-3, 3);
  for (let i = 0; i < 3; i++) {
    out.push({ plot: plot.label, variable: 'flowering_date', value: isoDay(flowering + i), observedOn: isoDay(flowering + i) });
  }
  for (let i = 0; i < 3; i++) {
    out.push({ plot: plot.label, variable: 'first_ripening_date', value: isoDay(ripening + i), observedOn: isoDay(ripening + i) });
  }
  for (let i = 0; i < 4; i++) {
    const x = r.next() + (t ? 0.15 : 0);
    out.push({ plot: plot.label, variable: 'vigour', value: x > 0.6 ? '旺' : x > 0.25 ? '中' : '弱', observedOn: isoDay(planted + 30 + i * 15) });
  }
}

/** Every observation of the given plots, in plot order, from one seed. */
export function* observationChunks(plots: PlotPlan[], seed: number, plotsPerChunk = 2000): Generator<ObservationRecord[]> {
  const r = seeded(seed);
  for (let i = 0; i < plots.length; i += plotsPerChunk) {
    const out: ObservationRecord[] = [];
    for (const plot of plots.slice(i, i + plotsPerChunk)) plotObservations(r, plot, out);
    yield out;
  }
}

/** A value for CSV: quoted when it holds a comma, quote or line break; empty means NULL. */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
