import type { Kysely } from 'kysely';
import type { Database, FarmerRow, TrainingKind } from '../../db/database.js';
import { ValidationError } from '../errors.js';
import { listSites } from '../sites/sites.repository.js';
import { listSessions, projectRosters } from '../training/training.repository.js';
import { TrainingSessionInput } from '../training/training.schemas.js';
import { checkSessions } from '../training/training.service.js';
import { issueFromZod } from '../validation.js';
import { cellText, halfWidth, isBlank, readDate, readDecimal, type Cell } from './cells.js';
import { TRAINING_COLUMNS, headerKey, type TrainingField } from './columns.js';
import { MAX_TABLE_ROWS, siteFinder, type TableCheck } from './plots-import.js';
import { RowProblems, cellAt, checkHeaderless, mapColumns, readHeader } from './sheet.js';
import type { Stager } from './stager.js';
import type { TableRow } from './table-reader.js';
import { listFarmers } from '../farmers/farmers.repository.js';

/** The words a ledger uses for each kind of session, in both languages. */
export const TRAINING_KIND_WORDS: Record<TrainingKind, string[]> = {
  training: ['培训', '集中培训', '技术培训', 'training'],
  field_day: ['现场观摩', '现场观摩会', '观摩会', '观摩', '田间日', 'field_day', 'field day'],
  hands_on: ['手把手', '手把手指导', '田间指导', '传帮带', '实操', 'hands_on', 'hands-on', 'hands on'],
};
const KIND_BY_WORD = new Map(
  (Object.entries(TRAINING_KIND_WORDS) as [TrainingKind, string[]][]).flatMap(([k, words]) => words.map((w) => [headerKey(w), k] as const)),
);

/** Roster entries are separated by 、 , ， ; ； or line breaks. */
const ROSTER_SPLIT = /[、,，;；\n]+/;

/**
 * Resolves a roster entry to a farmer of the project: "#12" or "12" by id, "王建国#12" by
 * id (the name must match), "王建国" by a name only one farmer has.
 */
export function farmerFinder(farmers: FarmerRow[]) {
  const byId = new Map(farmers.map((f) => [f.id, f]));
  const byName = new Map<string, FarmerRow[]>();
  for (const f of farmers) byName.set(f.name.trim(), [...(byName.get(f.name.trim()) ?? []), f]);
  return (token: string): { farmer: FarmerRow } | { key: string } => {
    const m = /^(.*?)\s*#?\s*(\d+)$/.exec(halfWidth(token));
    if (m && (m[1] === '' || token.includes('#'))) {
      const f = byId.get(Number(m[2]));
      if (!f || (m[1] && f.name.trim() !== m[1].trim())) return { key: 'v.unknownFarmer' };
      return { farmer: f };
    }
    const found = byName.get(token.trim()) ?? [];
    if (found.length === 1) return { farmer: found[0] };
    return { key: found.length ? 'imp.ambiguousFarmer' : 'v.unknownFarmer' };
  };
}

/** A whole number for the schema, or the text as written so the schema names the problem. */
function countOf(cell: Cell): number | string | null {
  if (isBlank(cell)) return null;
  const d = readDecimal(cell);
  if (!d.ok) return cellText(cell);
  return /^\d+$/.test(d.value) ? Number(d.value) : d.value;
}

interface SessionCandidate {
  row: number;
  input: TrainingSessionInput;
  problems: RowProblems;
  shown: Record<string, unknown>;
}

/**
 * Checks a training ledger (date, kind, topic, site, village, trainer, attendance, women,
 * roster, notes) and stages each session as new, changed or unchanged. A session is the
 * same one when its date, topic, site and village match. The rules are the training API's:
 * TrainingSessionInput for each field, checkSessions for sites, rosters and head counts.
 */
export async function checkTrainingLedger(db: Kysely<Database>, projectId: number, rows: AsyncIterator<TableRow>, stager: Stager): Promise<TableCheck> {
  const first = await rows.next();
  if (first.done) {
    await stager.issue(1, '', 'imp.empty');
    return { columns: [], present: [] };
  }
  const header = readHeader(first.value);
  const { fields, unmatched } = await mapColumns<TrainingField>(header, TRAINING_COLUMNS, stager);
  for (const i of unmatched) await stager.issue(header.row, header.label(i), 'imp.unknownColumn');
  for (const [f, name] of [['heldOn', '日期 / date'], ['topic', '主题 / topic'], ['attendance', '参加人数 / attendance']] as const) {
    if (!fields.has(f)) await stager.issue(header.row, '', 'imp.missingColumn', { column: name });
  }
  const present = (['site', 'village', 'trainer', 'women', 'attendees', 'notes', 'kind'] as const).filter((f) => fields.has(f));
  const result = { columns: header.names, present };
  if (!fields.has('heldOn') || !fields.has('topic') || !fields.has('attendance')) {
    for (let r = await rows.next(); !r.done; r = await rows.next()) stager.dataRows++;
    return result;
  }
  const findSite = siteFinder(await listSites(db, projectId));
  const farmers = await listFarmers(db, projectId);
  const findFarmer = farmerFinder(farmers);
  const col = (f: TrainingField) => (fields.has(f) ? header.label(fields.get(f)!) : '');
  const columnOf: Record<string, TrainingField> = {
    heldOn: 'heldOn', kind: 'kind', topic: 'topic', siteId: 'site', village: 'village', trainer: 'trainer',
    attendance: 'attendance', women: 'women', attendees: 'attendees', notes: 'notes',
  };

  const candidates: SessionCandidate[] = [];
  for (let r = await rows.next(); !r.done; r = await rows.next()) {
    const row = r.value;
    stager.dataRows++;
    if (stager.dataRows > MAX_TABLE_ROWS) continue;
    await checkHeaderless(header, row, stager);
    const problems = new RowProblems();
    const cell = (f: TrainingField) => cellAt(row, fields.get(f));
    const text = (f: TrainingField) => cellText(cell(f));

    let heldOn: string | undefined;
    if (!isBlank(cell('heldOn'))) {
      const d = readDate(cell('heldOn'));
      if (d.ok) heldOn = d.value;
      else problems.add(col('heldOn'), d.key, d.params);
    }
    let kind: string | undefined = fields.has('kind') ? undefined : 'training';
    if (fields.has('kind') && text('kind')) {
      kind = KIND_BY_WORD.get(headerKey(text('kind')));
      if (!kind) problems.add(col('kind'), 'imp.unknownTrainingKind', { value: text('kind'), values: Object.values(TRAINING_KIND_WORDS).map((w) => w[0]).join('、') });
    }
    const siteText = text('site');
    const site = siteText ? findSite(siteText) : undefined;
    if (siteText && !site) problems.add(col('site'), 'v.unknownSite', { value: siteText });
    let attendees: number[] | null | undefined;
    if (fields.has('attendees')) {
      const tokens = text('attendees').split(ROSTER_SPLIT).map((t) => t.trim()).filter(Boolean);
      attendees = [];
      for (const token of tokens) {
        const f = findFarmer(token);
        if ('farmer' in f) attendees.push(f.farmer.id);
        else problems.add(col('attendees'), f.key, { value: token });
      }
      attendees = [...new Set(attendees)].sort((a, b) => a - b);
      if (!tokens.length) attendees = null;
    }
    const raw = {
      heldOn,
      kind,
      topic: text('topic'),
      siteId: site?.id ?? null,
      village: text('village') || null,
      trainer: text('trainer') || null,
      attendance: countOf(cell('attendance')),
      women: fields.has('women') ? countOf(cell('women')) : undefined,
      attendees,
      notes: text('notes') || null,
    };
    const alreadyReported = new Set(problems.list.map((p) => p.column));
    const parsed = TrainingSessionInput.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      for (const iss of parsed.error.issues) {
        const p = issueFromZod(iss);
        const column = col(columnOf[p.path.split('.')[0]]);
        if (alreadyReported.has(column)) continue;
        problems.add(column, p.key, p.params);
      }
    }
    candidates.push({
      row: row.row,
      input: parsed.success ? parsed.data : (raw as unknown as TrainingSessionInput),
      problems,
      shown: { heldOn: heldOn ?? text('heldOn'), kind: kind ?? text('kind'), topic: raw.topic, site: siteText || null, village: raw.village, trainer: raw.trainer, attendance: raw.attendance, women: raw.women ?? null, attendees: text('attendees') || null },
    });
  }
  if (stager.dataRows > MAX_TABLE_ROWS) await stager.issue(header.row, '', 'imp.tooManyRows', { maximum: MAX_TABLE_ROWS });
  if (stager.dataRows === 0) await stager.issue(header.row + 1, '', 'imp.noRows');

  // Head counts against rosters, sites and farmers: the training API's own check.
  const valid = candidates.filter((c) => !c.problems.any);
  try {
    await checkSessions(db, projectId, valid.map((c) => c.input), true);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    for (const p of err.pending) valid[(p.row ?? 1) - 1].problems.add(col(columnOf[p.path.split('.')[0]]), p.key, p.params);
  }

  const sessions = await listSessions(db, projectId);
  const rosters = await projectRosters(db, projectId);
  const keyOf = (s: { heldOn: string; topic: string; siteId: number | null; village: string | null }) => JSON.stringify([s.heldOn, s.topic.trim(), s.siteId ?? null, s.village ?? null]);
  const existing = new Map(sessions.map((s) => [keyOf(s), s]));
  const seen = new Map<string, number>();
  for (const c of candidates) {
    let action: 'create' | 'update' | 'unchanged' | 'error' = c.problems.any ? 'error' : 'create';
    let targetId: number | null = null;
    if (action !== 'error') {
      const key = keyOf({ ...c.input, siteId: c.input.siteId ?? null, village: c.input.village ?? null });
      if (seen.has(key)) {
        c.problems.add(col('topic'), 'imp.duplicateSession', { first: seen.get(key)! });
        action = 'error';
      } else {
        seen.set(key, c.row);
        const current = existing.get(key);
        if (current) {
          targetId = current.id;
          const roster = rosters.get(current.id) ?? [];
          const same =
            (!present.includes('kind') || current.kind === c.input.kind) &&
            current.attendance === c.input.attendance &&
            (!present.includes('trainer') || (current.trainer ?? null) === (c.input.trainer ?? null)) &&
            (!present.includes('women') || (current.women ?? null) === (c.input.women ?? null)) &&
            (!present.includes('notes') || (current.notes ?? null) === (c.input.notes ?? null)) &&
            (!present.includes('attendees') || JSON.stringify(roster) === JSON.stringify(c.input.attendees ?? []));
          action = same ? 'unchanged' : 'update';
          if (action === 'update') c.shown.previous = { kind: current.kind, trainer: current.trainer, attendance: current.attendance, women: current.women, roster: roster.length };
        }
      }
    }
    if (c.problems.any) c.shown.problems = c.problems.list;
    await c.problems.flush(stager, c.row);
    await stager.row({ rowNumber: c.row, columnName: null, action, targetId, payload: action === 'error' ? null : { ...c.input }, shown: c.shown });
  }
  return result;
}
