import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { pathToFileURL } from 'node:url';
import {
  aggregatePlotValues,
  buildComparisons,
  type Comparison,
  type Design,
  type ReportInput,
  type ReportPlotValue,
} from '../../analysis/index.js';

/** The worked examples computed in R, which sit beside the repository (or DEMOPLOT_REFERENCE_DIR). */
const referenceDir = process.env.DEMOPLOT_REFERENCE_DIR
  ? pathToFileURL(process.env.DEMOPLOT_REFERENCE_DIR.replace(/\/?$/, '/'))
  : new URL('../../../shared/reference/', import.meta.url);

function readCsv(name: string): Record<string, string>[] {
  return parse(readFileSync(new URL(name, referenceDir), 'utf8'), { columns: true, skip_empty_lines: true, bom: true });
}

export type ExpectedRow = { trial: string; variable: string; site: string } & Record<string, number | string>;

export const expected: ExpectedRow[] = JSON.parse(readFileSync(new URL('expected.json', referenceDir), 'utf8'));

export const designs: Record<string, Design> = { greenhouse: 'crd', 'fungus-line': 'paired' };

const names: Record<string, { name: string; nameEn: string; unit: string | null }> = {
  flowering_date: { name: '开花期', nameEn: 'flowering', unit: null },
  first_ripening_date: { name: '始熟期', nameEn: 'first ripening', unit: null },
  yield_kg_per_mu: { name: '产量', nameEn: 'yield', unit: 'kg/mu' },
  dry_yield_g_per_bag: { name: '干品产量', nameEn: 'dry yield', unit: 'g/bag' },
};

/**
 * Turns one reference trial into the report input the server will build: plots get
 * numeric ids, observations go through aggregatePlotValues variable by variable.
 */
export function referenceInput(trial: string): ReportInput {
  const plots = readCsv('plots.csv').filter((p) => p.trial === trial);
  const observations = readCsv('observations.csv').filter((o) => o.trial === trial);
  const plotId = new Map(plots.map((p, i) => [p.plot, i + 1]));
  const siteNames = [...new Set(plots.map((p) => p.site))];
  const sites = siteNames.map((name, i) => ({ id: 100 + i, name }));
  const siteId = new Map(sites.map((s) => [s.name, s.id]));
  const codes = [...new Set(observations.map((o) => o.variable))];
  const variables = codes.map((code) => ({
    code,
    kind: code.endsWith('_date') ? ('date' as const) : ('number' as const),
    ...names[code],
  }));

  const plotValues: ReportPlotValue[] = [];
  for (const variable of variables) {
    const rows = observations
      .map((o, seq) => ({ o, seq }))
      .filter(({ o }) => o.variable === variable.code)
      .map(({ o, seq }) => ({
        plotId: plotId.get(o.plot)!,
        value: o.value,
        observedOn: variable.kind === 'date' ? o.value : null,
        seq,
      }));
    const values = aggregatePlotValues(
      { kind: variable.kind, aggregation: null },
      plots.map((p) => ({ plotId: plotId.get(p.plot)!, plantedOn: p.planted_on || null })),
      rows,
    );
    for (const v of values) {
      const plot = plots[v.plotId - 1];
      plotValues.push({
        plotId: v.plotId,
        siteId: siteId.get(plot.site)!,
        arm: plot.arm,
        block: plot.block || null,
        variable: variable.code,
        value: v.value,
        ...(v.flag ? { flag: v.flag } : {}),
      });
    }
  }
  return {
    design: designs[trial],
    arms: [
      { name: 'treatment', role: 'treatment' },
      { name: 'control', role: 'control' },
    ],
    sites,
    variables,
    plotValues,
  };
}

export function referenceComparisons(trial: string): Comparison[] {
  return buildComparisons(referenceInput(trial));
}
