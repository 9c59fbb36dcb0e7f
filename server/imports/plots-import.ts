import type { Kysely } from 'kysely';
import type { Database, SiteRow } from '../../db/database.js';
import { ValidationError } from '../errors.js';
import { listPlots } from '../plots/plots.repository.js';
import { PlotInput } from '../plots/plots.schemas.js';
import { checkPlots } from '../plots/plots.service.js';
import { listSites } from '../sites/sites.repository.js';
import { getTrial, type TrialDetail } from '../trials/trials.service.js';
import { issueFromZod } from '../validation.js';
import { cellText, halfWidth, isBlank, readDate, readDecimal, sameDecimal } from './cells.js';
import { PLOT_COLUMNS, type PlotField } from './columns.js';
import { RowProblems, cellAt, checkHeaderless, mapColumns, readHeader } from './sheet.js';
import type { Stager } from './stager.js';
import type { TableRow } from './table-reader.js';

/** A file of plots is at most this long (as the plots API's batches). */
export const MAX_TABLE_ROWS = 10_000;

export interface TableCheck {
  columns: string[];
  /** The optional columns the file has: only those are compared and written. */
  present: string[];
}

/** Finds a site of the project by its Chinese or English name (width and case folded). */
export function siteFinder(sites: SiteRow[]) {
  const fold = (s: string | null) => halfWidth(s ?? '').toLowerCase();
  return (text: string): SiteRow | undefined => {
    const t = fold(text);
    const found = sites.filter((s) => fold(s.name) === t || (s.nameEn !== null && fold(s.nameEn) === t));
    return found.length === 1 ? found[0] : undefined;
  };
}

interface PlotCandidate {
  row: number;
  input: PlotInput;
  problems: RowProblems;
  shown: Record<string, unknown>;
}

/**
 * Checks a trial's plot layout (site, plot, arm, block, area, planting date, notes) and
 * stages each plot as new, changed or unchanged, matched by its label. The rules are the
 * plots API's: PlotInput for each field, checkPlots for arms, sites and labels.
 */
export async function checkPlotLayout(db: Kysely<Database>, trialId: number, rows: AsyncIterator<TableRow>, stager: Stager): Promise<TableCheck> {
  const first = await rows.next();
  if (first.done) {
    await stager.issue(1, '', 'imp.empty');
    return { columns: [], present: [] };
  }
  const header = readHeader(first.value);
  const { fields, unmatched } = await mapColumns<PlotField>(header, PLOT_COLUMNS, stager, { plot: 'plotId' });
  for (const i of unmatched) await stager.issue(header.row, header.label(i), 'imp.unknownColumn');
  for (const [f, name] of [['plot', '小区 / plot'], ['site', '示范点 / site'], ['arm', '处理 / arm']] as const) {
    if (!fields.has(f)) await stager.issue(header.row, '', 'imp.missingColumn', { column: name });
  }
  const present = (['block', 'area', 'plantedOn', 'notes'] as const).filter((f) => fields.has(f));
  const result = { columns: header.names, present };
  if (!fields.has('plot') || !fields.has('site') || !fields.has('arm')) {
    for (let r = await rows.next(); !r.done; r = await rows.next()) stager.dataRows++;
    return result;
  }
  const trial = await getTrial(db, trialId);
  const findSite = siteFinder(await listSites(db, trial.trial.projectId));
  const col = (f: PlotField) => header.label(fields.get(f)!);
  const columnOf: Record<string, PlotField> = { siteId: 'site', label: 'plot', arm: 'arm', block: 'block', areaM2: 'area', plantedOn: 'plantedOn', notes: 'notes' };

  const candidates: PlotCandidate[] = [];
  for (let r = await rows.next(); !r.done; r = await rows.next()) {
    const row = r.value;
    stager.dataRows++;
    if (stager.dataRows > MAX_TABLE_ROWS) continue;
    await checkHeaderless(header, row, stager);
    const problems = new RowProblems();
    const text = (f: PlotField) => cellText(cellAt(row, fields.get(f)));
    const siteText = text('site');
    const site = siteText ? findSite(siteText) : undefined;
    if (siteText && !site) problems.add(col('site'), 'v.unknownSite', { value: siteText });
    let areaM2: string | null = null;
    const areaCell = cellAt(row, fields.get('area'));
    if (!isBlank(areaCell)) {
      const d = readDecimal(areaCell);
      if (!d.ok) problems.add(col('area'), d.key, d.params);
      else if (Number(d.value) <= 0) problems.add(col('area'), 'imp.positive', { value: d.value });
      else areaM2 = d.value;
    }
    let plantedOn: string | null = null;
    const plantedCell = cellAt(row, fields.get('plantedOn'));
    if (!isBlank(plantedCell)) {
      const d = readDate(plantedCell);
      if (d.ok) plantedOn = d.value;
      else problems.add(col('plantedOn'), d.key, d.params);
    }
    const raw = {
      siteId: site?.id ?? (siteText ? -1 : undefined),
      label: text('plot'),
      arm: text('arm'),
      block: text('block') || null,
      areaM2,
      plantedOn,
      notes: text('notes') || null,
    };
    const parsed = PlotInput.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      for (const iss of parsed.error.issues) {
        const p = issueFromZod(iss);
        const f = columnOf[p.path.split('.')[0]];
        if (p.path === 'siteId' && raw.siteId === -1) continue;
        problems.add(f && fields.has(f) ? col(f) : '', p.key, p.params);
      }
    }
    const input = parsed.success ? parsed.data : (raw as unknown as PlotInput);
    candidates.push({ row: row.row, input, problems, shown: { plot: raw.label, site: siteText, arm: raw.arm, block: raw.block, areaM2, plantedOn, notes: raw.notes } });
  }
  if (stager.dataRows > MAX_TABLE_ROWS) await stager.issue(header.row, '', 'imp.tooManyRows', { maximum: MAX_TABLE_ROWS });
  if (stager.dataRows === 0) await stager.issue(header.row + 1, '', 'imp.noRows');
  await stagePlots(db, trial, candidates, present, col, stager);
  return result;
}

async function stagePlots(
  db: Kysely<Database>,
  trial: TrialDetail,
  candidates: PlotCandidate[],
  present: string[],
  col: (f: PlotField) => string,
  stager: Stager,
) {
  const existing = new Map((await listPlots(db, trial.trial.id)).map((p) => [p.label, p]));
  const armIds = new Map(trial.arms.map((a) => [a.name, a.id]));
  // The cross-row rules (arms, sites, labels) on the rows that are otherwise fine.
  const valid = candidates.filter((c) => !c.problems.any);
  const rewritten = new Set(valid.map((c) => existing.get(c.input.label)?.id).filter((id): id is number => id !== undefined));
  try {
    await checkPlots(db, trial, valid.map((c) => c.input), true, rewritten);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const columnOf: Record<string, PlotField> = { siteId: 'site', label: 'plot', arm: 'arm' };
    for (const p of err.pending) {
      const c = valid[(p.row ?? 1) - 1];
      c.problems.add(columnOf[p.path] ? col(columnOf[p.path]) : '', p.key, p.params);
    }
  }
  for (const c of candidates) {
    const current = existing.get(c.input.label);
    let action: 'create' | 'update' | 'unchanged' | 'error' = 'create';
    if (c.problems.any) action = 'error';
    else if (current) {
      const same =
        current.siteId === c.input.siteId &&
        current.armId === armIds.get(c.input.arm) &&
        (!present.includes('block') || (current.block ?? null) === (c.input.block ?? null)) &&
        (!present.includes('area') || sameArea(current.areaM2, c.input.areaM2 ?? null)) &&
        (!present.includes('plantedOn') || (current.plantedOn ?? null) === (c.input.plantedOn ?? null)) &&
        (!present.includes('notes') || (current.notes ?? null) === (c.input.notes ?? null));
      action = same ? 'unchanged' : 'update';
      if (action === 'update') c.shown.previous = { site: current.siteName, arm: current.arm, block: current.block, areaM2: current.areaM2, plantedOn: current.plantedOn, notes: current.notes };
    }
    if (c.problems.any) c.shown.problems = c.problems.list;
    await c.problems.flush(stager, c.row);
    await stager.row({
      rowNumber: c.row,
      columnName: null,
      action,
      targetId: current?.id ?? null,
      payload: action === 'error' ? null : { ...c.input, armId: armIds.get(c.input.arm) },
      shown: c.shown,
    });
  }
}

function sameArea(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return sameDecimal(a, b);
}
