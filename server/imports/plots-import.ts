import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, SiteRow } from '../../db/database.js';
import { ValidationError } from '../errors.js';
import { listPlots, type PlotView } from '../plots/plots.repository.js';
import { PlotInput } from '../plots/plots.schemas.js';
import { checkPlots } from '../plots/plots.service.js';
import { listSites } from '../sites/sites.repository.js';
import { getTrial, type TrialDetail } from '../trials/trials.service.js';
import { issueFromZod } from '../validation.js';
import { cellText, halfWidth, isBlank, readDate, readDecimal, sameDecimal, type Cell } from './cells.js';
import { PLOT_TARGETS, headerKey, proposePlotMapping, type PlotTarget } from './columns.js';
import { findImportMapping } from './imports.repository.js';
import { RowProblems, cellAt, checkHeaderless, readHeader, type Header } from './sheet.js';
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
  /** The fields the row writes: those mapped to a column. */
  write: Set<PlotTarget>;
  problems: RowProblems;
  shown: Record<string, unknown>;
}

/** Where a preview's mapping came from: the request, the trial's last committed file, or the header names. */
export type MappingSource = 'request' | 'remembered' | 'proposed';

/** One column of the file and the field it is read as. */
export interface ColumnMapping {
  column: string;
  field: PlotTarget;
}

export interface PlotLayoutCheck extends TableCheck {
  mapping: ColumnMapping[];
  mappingSource: MappingSource;
  headerKeys: string[];
  ignored: string[];
}

/** The mapping a plot file is read with (see proposePlotMapping), per column index. */
async function chooseMapping(db: Kysely<Database>, trialId: number, header: Header, requested: Record<string, PlotTarget> | undefined, stager: Stager) {
  const named = header.keys.map((k, i) => (header.names[i] ? k : '')).filter((k) => k);
  let targets = proposePlotMapping(header.keys);
  let source: MappingSource = 'proposed';
  const remembered = await findImportMapping(db, trialId, 'plots');
  if (remembered && sameKeys(remembered.headerKeys, named)) {
    const byKey = new Map(Object.entries(remembered.mapping).map(([c, f]) => [headerKey(c), f as PlotTarget]));
    targets = header.keys.map((k) => byKey.get(k) ?? 'ignore');
    source = 'remembered';
  }
  if (requested && Object.keys(requested).length) {
    source = 'request';
    for (const [column, field] of Object.entries(requested)) {
      let at = header.names.flatMap((n, i) => (n === column ? [i] : []));
      if (!at.length) at = header.keys.flatMap((k, i) => (header.names[i] && k === headerKey(column) ? [i] : []));
      if (!at.length) await stager.issue(header.row, column, 'imp.map.noSuchColumn', { column });
      for (const i of at) targets[i] = field;
    }
  }
  targets = targets.map((t, i) => (header.names[i] ? t : 'ignore'));
  return { targets, source, named };
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((k, i) => k === y[i]);
}

/** A row or column number: a whole number from 1 to 10,000 (full-width digits read). */
function readPosition(cell: Cell): { ok: true; value: number | null } | { ok: false } {
  if (isBlank(cell)) return { ok: true, value: null };
  const text = typeof cell === 'number' ? String(cell) : halfWidth(cellText(cell));
  if (!/^\d{1,5}(\.0+)?$/.test(text)) return { ok: false };
  const n = Number(text);
  return n >= 1 && n <= 10_000 ? { ok: true, value: n } : { ok: false };
}

/**
 * Checks a trial's plot layout and stages each plot as new, changed or unchanged, matched
 * by its label. Each column is read as the plot field the mapping gives it (label, site,
 * arm, block, planting date, area, row, column, notes) or ignored: the request's mapping,
 * else the trial's remembered one when the headers are the same, else one proposed from
 * the header names. Only the mapped fields are compared and written; a new plot needs a
 * site and an arm. The rules are the plots API's: PlotInput for each field, checkPlots for
 * arms, sites and labels, and a place in the field held by one plot of a site.
 */
export async function checkPlotLayout(
  db: Kysely<Database>,
  trialId: number,
  rows: AsyncIterator<TableRow>,
  stager: Stager,
  requested?: Record<string, PlotTarget>,
): Promise<PlotLayoutCheck> {
  const first = await rows.next();
  if (first.done) {
    await stager.issue(1, '', 'imp.empty');
    return { columns: [], present: [], mapping: [], mappingSource: requested ? 'request' : 'proposed', headerKeys: [], ignored: [] };
  }
  const header = readHeader(first.value);
  const { targets, source, named } = await chooseMapping(db, trialId, header, requested, stager);
  const mappingIssues = stager.issueCount;
  const fields = new Map<PlotTarget, number>();
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (t === 'ignore') continue;
    const taken = fields.get(t);
    if (taken !== undefined) await stager.issue(header.row, header.label(i), 'imp.map.twice', { field: t, first: header.label(taken) });
    else fields.set(t, i);
  }
  if (!fields.has('label')) await stager.issue(header.row, '', 'imp.map.noLabel', { field: 'label' });
  for (const [f, other] of [['row', 'column'], ['column', 'row']] as const) {
    if (fields.has(f) && !fields.has(other)) await stager.issue(header.row, header.label(fields.get(f)!), 'imp.map.positionPair', { field: f, other });
  }
  const mapping = targets.flatMap((field, i) => (header.names[i] ? [{ column: header.label(i), field }] : []));
  const present = PLOT_TARGETS.filter((f) => f !== 'ignore' && fields.has(f));
  const result: PlotLayoutCheck = {
    columns: header.names,
    present,
    mapping,
    mappingSource: source,
    headerKeys: named,
    ignored: mapping.filter((m) => m.field === 'ignore').map((m) => m.column),
  };
  if (stager.issueCount > mappingIssues || !fields.has('label')) {
    for (let r = await rows.next(); !r.done; r = await rows.next()) stager.dataRows++;
    return result;
  }
  const trial = await getTrial(db, trialId);
  const findSite = siteFinder(await listSites(db, trial.trial.projectId));
  const existing = new Map((await listPlots(db, trial.trial.id)).map((p) => [p.label, p]));
  const col = (f: PlotTarget) => (fields.has(f) ? header.label(fields.get(f)!) : '');
  const columnOf: Record<string, PlotTarget> = { siteId: 'site', label: 'label', arm: 'arm', block: 'block', areaM2: 'areaM2', plantedOn: 'plantedOn', notes: 'notes', row: 'row', column: 'column' };
  const write = new Set<PlotTarget>(present);

  const candidates: PlotCandidate[] = [];
  for (let r = await rows.next(); !r.done; r = await rows.next()) {
    const row = r.value;
    stager.dataRows++;
    if (stager.dataRows > MAX_TABLE_ROWS) continue;
    await checkHeaderless(header, row, stager);
    const problems = new RowProblems();
    const text = (f: PlotTarget) => cellText(cellAt(row, fields.get(f)));
    const label = text('label');
    const current = existing.get(label);
    let siteId: number | undefined = current?.siteId;
    let siteText = current?.siteName ?? '';
    if (fields.has('site')) {
      siteText = text('site');
      const site = siteText ? findSite(siteText) : undefined;
      if (siteText && !site) problems.add(col('site'), 'v.unknownSite', { value: siteText });
      siteId = site?.id ?? (siteText ? -1 : undefined);
    } else if (!current && label) problems.add('', 'imp.map.newPlotNeeds', { field: 'site' });
    let arm = current?.arm ?? '';
    if (fields.has('arm')) arm = text('arm');
    else if (!current && label) problems.add('', 'imp.map.newPlotNeeds', { field: 'arm' });
    let areaM2: string | null = null;
    const areaCell = cellAt(row, fields.get('areaM2'));
    if (!isBlank(areaCell)) {
      const d = readDecimal(areaCell);
      if (!d.ok) problems.add(col('areaM2'), d.key, d.params);
      else if (Number(d.value) <= 0) problems.add(col('areaM2'), 'imp.positive', { value: d.value });
      else areaM2 = d.value;
    }
    let plantedOn: string | null = null;
    const plantedCell = cellAt(row, fields.get('plantedOn'));
    if (!isBlank(plantedCell)) {
      const d = readDate(plantedCell);
      if (d.ok) plantedOn = d.value;
      else problems.add(col('plantedOn'), d.key, d.params);
    }
    const position: Record<'row' | 'column', number | null> = { row: null, column: null };
    for (const f of ['row', 'column'] as const) {
      if (!fields.has(f)) continue;
      const cell = cellAt(row, fields.get(f));
      const p = readPosition(cell);
      if (p.ok) position[f] = p.value;
      else problems.add(col(f), 'imp.map.badPosition', { field: f, value: cellText(cell) });
    }
    if (fields.has('row') && fields.has('column')) {
      for (const [f, other] of [['row', 'column'], ['column', 'row']] as const) {
        if (isBlank(cellAt(row, fields.get(f))) && position[other] !== null) problems.add(col(f), 'imp.map.positionHalf', { field: f, other });
      }
    }
    const raw = {
      siteId: siteId ?? undefined,
      label,
      arm,
      block: fields.has('block') ? text('block') || null : (current?.block ?? null),
      areaM2: fields.has('areaM2') ? areaM2 : (current?.areaM2 ?? null),
      plantedOn: fields.has('plantedOn') ? plantedOn : (current?.plantedOn ?? null),
      row: fields.has('row') ? position.row : (current?.row ?? null),
      column: fields.has('column') ? position.column : (current?.column ?? null),
      notes: fields.has('notes') ? text('notes') || null : (current?.notes ?? null),
    };
    const parsed = PlotInput.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      for (const iss of parsed.error.issues) {
        const p = issueFromZod(iss);
        const f = columnOf[p.path.split('.')[0]];
        if (p.path === 'siteId' && (raw.siteId === -1 || !fields.has('site'))) continue;
        if ((p.path === 'arm' && !fields.has('arm')) || (p.path === 'row' || p.path === 'column')) continue;
        problems.add(f && fields.has(f) ? col(f) : '', p.key, p.params);
      }
    }
    const input = parsed.success ? parsed.data : (raw as unknown as PlotInput);
    candidates.push({
      row: row.row,
      input,
      write,
      problems,
      shown: { plot: label, site: siteText, arm, block: raw.block, areaM2: raw.areaM2, plantedOn: raw.plantedOn, plotRow: raw.row, plotColumn: raw.column, notes: raw.notes },
    });
  }
  if (stager.dataRows > MAX_TABLE_ROWS) await stager.issue(header.row, '', 'imp.tooManyRows', { maximum: MAX_TABLE_ROWS });
  if (stager.dataRows === 0) await stager.issue(header.row + 1, '', 'imp.noRows');
  await stagePlots(db, trial, existing, candidates, col, stager);
  return result;
}

/** The staged payload of a plot row: its label and the fields it writes (absent: left as stored). */
export const PlotPayload = z
  .object({
    label: z.string(),
    siteId: z.number().optional(),
    armId: z.number().optional(),
    block: z.string().nullable().optional(),
    areaM2: z.union([z.string(), z.number()]).nullable().optional(),
    plantedOn: z.string().nullable().optional(),
    row: z.number().int().nullable().optional(),
    column: z.number().int().nullable().optional(),
    notes: z.string().nullable().optional(),
  })
  .strict();
export type PlotPayload = z.infer<typeof PlotPayload>;

const PAYLOAD_FIELD: Record<Exclude<PlotTarget, 'ignore' | 'label' | 'arm' | 'site'>, keyof PlotPayload & keyof PlotInput> = {
  block: 'block',
  plantedOn: 'plantedOn',
  areaM2: 'areaM2',
  row: 'row',
  column: 'column',
  notes: 'notes',
};

async function stagePlots(
  db: Kysely<Database>,
  trial: TrialDetail,
  existing: Map<string, PlotView>,
  candidates: PlotCandidate[],
  col: (f: PlotTarget) => string,
  stager: Stager,
) {
  const armIds = new Map(trial.arms.map((a) => [a.name, a.id]));
  // The cross-row rules (arms, sites, labels) on the rows that are otherwise fine.
  const valid = candidates.filter((c) => !c.problems.any);
  const rewritten = new Set(valid.map((c) => existing.get(c.input.label)?.id).filter((id): id is number => id !== undefined));
  try {
    await checkPlots(db, trial, valid.map((c) => c.input), true, rewritten);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const columnOf: Record<string, PlotTarget> = { siteId: 'site', label: 'label', arm: 'arm' };
    for (const p of err.pending) {
      const c = valid[(p.row ?? 1) - 1];
      c.problems.add(columnOf[p.path] ? col(columnOf[p.path]) : '', p.key, p.params);
    }
  }
  checkPlaces(existing, candidates, col);
  for (const c of candidates) {
    const current = existing.get(c.input.label);
    let action: 'create' | 'update' | 'unchanged' | 'error' = 'create';
    const payload: PlotPayload = { label: c.input.label };
    if (c.write.has('site') || !current) payload.siteId = c.input.siteId;
    if (c.write.has('arm') || !current) payload.armId = armIds.get(c.input.arm);
    for (const [f, key] of Object.entries(PAYLOAD_FIELD) as [keyof typeof PAYLOAD_FIELD, keyof typeof PAYLOAD_FIELD][]) {
      if (c.write.has(f)) (payload as Record<string, unknown>)[key] = c.input[key] ?? null;
    }
    if (c.problems.any) action = 'error';
    else if (current) {
      const same =
        (payload.siteId === undefined || current.siteId === payload.siteId) &&
        (payload.armId === undefined || current.armId === payload.armId) &&
        (payload.block === undefined || (current.block ?? null) === payload.block) &&
        (payload.areaM2 === undefined || sameArea(current.areaM2, payload.areaM2 === null ? null : String(payload.areaM2))) &&
        (payload.plantedOn === undefined || (current.plantedOn ?? null) === payload.plantedOn) &&
        (payload.row === undefined || (current.row ?? null) === payload.row) &&
        (payload.column === undefined || (current.column ?? null) === payload.column) &&
        (payload.notes === undefined || (current.notes ?? null) === payload.notes);
      action = same ? 'unchanged' : 'update';
      if (action === 'update') {
        const before: Record<string, unknown> = { site: current.siteName, arm: current.arm, block: current.block, areaM2: current.areaM2, plantedOn: current.plantedOn, plotRow: current.row, plotColumn: current.column, notes: current.notes };
        const shownField: Record<string, PlotTarget> = { site: 'site', arm: 'arm', block: 'block', areaM2: 'areaM2', plantedOn: 'plantedOn', plotRow: 'row', plotColumn: 'column', notes: 'notes' };
        c.shown.previous = Object.fromEntries(Object.entries(before).filter(([k]) => c.write.has(shownField[k])));
      }
    }
    if (c.problems.any) c.shown.problems = c.problems.list;
    await c.problems.flush(stager, c.row);
    await stager.row({
      rowNumber: c.row,
      columnName: null,
      action,
      targetId: current?.id ?? null,
      payload: action === 'error' ? null : payload,
      shown: c.shown,
    });
  }
}

/**
 * A place in the field (site, row, column) is held by one plot: the places the plots will
 * have once the file is written (the file's rows, and the trial's other plots as they are)
 * are compared, and a row taking a place already held is a problem naming the holder.
 */
function checkPlaces(existing: Map<string, PlotView>, candidates: PlotCandidate[], col: (f: PlotTarget) => string) {
  if (!candidates.some((c) => c.write.has('row') || c.write.has('site'))) return;
  const inFile = new Set(candidates.filter((c) => !c.problems.any).map((c) => c.input.label));
  const held = new Map<string, string>();
  const place = (siteId: number, row: number | null | undefined, column: number | null | undefined) => (row == null || column == null ? undefined : `${siteId}:${row}:${column}`);
  for (const p of existing.values()) {
    const k = inFile.has(p.label) ? undefined : place(p.siteId, p.row, p.column);
    if (k) held.set(k, p.label);
  }
  for (const c of candidates) {
    if (c.problems.any) continue;
    const k = place(c.input.siteId, c.input.row, c.input.column);
    if (!k) continue;
    const holder = held.get(k);
    if (holder !== undefined) c.problems.add(col('row') || col('site'), 'imp.map.placeTaken', { row: c.input.row!, column: c.input.column!, plot: holder });
    else held.set(k, c.input.label);
  }
}

function sameArea(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return a === b;
  return sameDecimal(a, b);
}
