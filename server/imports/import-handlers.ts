import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, ImportKind, ImportShape } from '../../db/database.js';
import type { Permission } from '../accounts/access.js';
import { AppError, mustFind } from '../errors.js';
import { recordName, translate, type KeysUnder, type Lang } from '../i18n/i18n.js';
import { clearPlotPositions, insertPlots, updatePlotFields } from '../plots/plots.repository.js';
import { insertSession, updateSession } from '../training/training.repository.js';
import { findTrial } from '../trials/trials.repository.js';
import { TrainingSessionInput } from '../training/training.schemas.js';
import { writeRoster } from '../training/training.service.js';
import * as repo from './imports.repository.js';
import { checkObservations, type ObservationShape } from './observations-import.js';
import { PLOT_TARGETS, type PlotTarget } from './columns.js';
import { PlotPayload, checkPlotLayout } from './plots-import.js';
import type { Stager } from './stager.js';
import type { TableRow } from './table-reader.js';
import { checkTrainingLedger } from './training-import.js';

/** What a preview remembers for its commit (kept as JSON on the import). */
export const ImportOptions = z.object({
  notes: z.boolean().optional(),
  recordedBy: z.boolean().optional(),
  /** Which optional columns the file had: only those are updated. */
  present: z.array(z.string()).optional(),
  /** The trial's data version before its observations were checked (trial_data_versions). */
  dataVersion: z.number().nullish(),
  /** Columns read past without being an error (Field Book's later additions, a plot file's ignored columns). */
  ignored: z.array(z.string()).optional(),
  /** A plot file: each named column and the field it was read as, in file order. */
  mapping: z.array(z.object({ column: z.string(), field: z.enum(PLOT_TARGETS) })).optional(),
  mappingSource: z.enum(['request', 'remembered', 'proposed']).optional(),
  /** The file's header keys, remembered with its mapping at commit. */
  headerKeys: z.array(z.string()).optional(),
  /** An observations sheet in the wide shape: a day's readings are numbered by rank. */
  wide: z.boolean().optional(),
});
export type ImportOptions = z.infer<typeof ImportOptions>;

export type Counts = { create: number; update: number; unchanged: number };

interface Target {
  projectId: number;
  trialId: number | null;
}

interface Checked {
  shape: ImportShape;
  options: ImportOptions;
  columns: string[];
}

/** The import as stored, as far as a commit needs it. */
interface StoredImport {
  id: string;
  projectId: number;
  trialId: number | null;
  createCount: number;
  updateCount: number;
  unchangedCount: number;
}

/**
 * One kind of import: how a file is checked and staged, how the staged rows are written,
 * the shape of a staged row's payload, the columns of its preview and who may run it.
 * createPreview and commitImport call these and nothing else that depends on the kind.
 */
export interface ImportHandler<P> {
  permission: Permission;
  previewColumns: readonly KeysUnder<'imp.page.col'>[];
  /** The staged payload of a row; null where the rows are written by SQL and never parsed. */
  payloadSchema: z.ZodType<P> | null;
  /** The shape recorded before the file is read. */
  stagedShape(requested: ObservationShape | undefined): ImportShape;
  /** Staging keeps a copy of every row (COPY) rather than batched inserts. */
  copyStaging: boolean;
  /** The file is kept with its preview (when small) so it can be checked again with another column mapping. */
  keepsSource: boolean;
  /** Read before anything is checked (the data version a commit compares with). */
  beforeCheck(db: Kysely<Database>, target: Target): Promise<ImportOptions>;
  check(db: Kysely<Database>, target: Target, rows: AsyncIterator<TableRow>, stager: Stager, opts: ImportOptions & { shape?: ObservationShape; requestedMapping?: Record<string, PlotTarget> }): Promise<Checked>;
  /** After every row is staged: classification that needs all of them. */
  afterCheck(db: Kysely<Database>, target: Target, id: string, options: ImportOptions): Promise<void>;
  apply(tx: Kysely<Database>, imp: StoredImport, options: ImportOptions, lang: Lang): Promise<Counts>;
}

const nothing = async () => ({});
const none = async () => undefined;

const observations: ImportHandler<never> = {
  permission: 'enterData',
  previewColumns: ['plot', 'variable', 'value', 'observedOn'],
  payloadSchema: null,
  stagedShape: (requested) => requested ?? 'long',
  copyStaging: true,
  keepsSource: false,
  beforeCheck: async (db, target) => ({ dataVersion: await repo.trialDataVersion(db, target.trialId!) }),
  async check(db, target, rows, stager, opts) {
    const c = await checkObservations(db, target.trialId!, rows, stager, opts.shape);
    const options = { notes: c.notes, recordedBy: c.recordedBy, dataVersion: opts.dataVersion, ignored: c.ignored, ...(c.shape === 'wide' ? { wide: true } : {}) };
    return { shape: c.shape, options, columns: c.columns };
  },
  async afterCheck(db, target, id, options) {
    await repo.flagDuplicateObservations(db, id);
    // Rows are staged as creates; only those matching a live observation change.
    if (await repo.trialHasObservations(db, target.trialId!)) {
      if (options.wide) await repo.numberDayReadings(db, id);
      await repo.classifyObservations(db, id, { notes: !!options.notes, recordedBy: !!options.recordedBy, staged: true });
    }
  },
  async apply(tx, imp, options, lang) {
    const id = imp.id;
    const opts = { notes: !!options.notes, recordedBy: !!options.recordedBy };
    const version = await repo.lockTrialDataVersion(tx, imp.trialId!);
    mustFind(await findTrial(tx, imp.trialId!), 'TrialNotFound', imp.trialId);
    let counts: Counts;
    if (version == null || options.dataVersion == null || version !== options.dataVersion) {
      // Others wrote to the trial since the preview: what the preview showed must still be
      // what is written, or nothing is.
      if (options.wide) await repo.numberDayReadings(tx, id);
      const stale = await repo.listStaleObservationRows(tx, id, imp.trialId!, opts, 20);
      if (stale.length) {
        const issues = stale.map((r) => ({
          row: r.rowNumber,
          column: r.columnName ?? '',
          message: translate(lang, `imp.stale.${r.reason}`, { plot: r.plot, variable: recordName(lang, { name: r.variable, nameEn: r.variableEn }) }),
        }));
        throw new AppError(409, 'ImportStale', 'error.ImportStale', {}, [], { issues });
      }
      await repo.classifyObservations(tx, id, opts);
      counts = await repo.countActions(tx, id);
    } else {
      counts = { create: imp.createCount, update: imp.updateCount, unchanged: imp.unchangedCount };
    }
    await repo.applyObservations(tx, id, opts);
    return counts;
  },
};

const plots: ImportHandler<PlotPayload> = {
  permission: 'enterData',
  previewColumns: ['plot', 'site', 'arm', 'block', 'areaM2', 'plantedOn', 'plotRow', 'plotColumn'],
  payloadSchema: PlotPayload,
  stagedShape: () => 'table',
  copyStaging: false,
  keepsSource: true,
  beforeCheck: nothing,
  async check(db, target, rows, stager, opts) {
    const c = await checkPlotLayout(db, target.trialId!, rows, stager, opts.requestedMapping);
    return {
      shape: 'table',
      options: { present: c.present, mapping: c.mapping, mappingSource: c.mappingSource, headerKeys: c.headerKeys, ignored: c.ignored },
      columns: c.columns,
    };
  },
  afterCheck: none,
  /**
   * Writes each staged row's payload, exactly the fields it holds. Places in the field are
   * held by one plot at a time, so the plots that move are first taken off the field, then
   * updated, then the new plots are added. The file's mapping is remembered for the trial.
   */
  async apply(tx, imp, options) {
    const trialId = imp.trialId!;
    const rows = await repo.listStagedRows(tx, imp.id);
    const staged = rows.map((r) => ({ action: r.action, targetId: r.targetId, payload: r.action === 'create' || r.action === 'update' ? PlotPayload.parse(r.payload) : null }));
    const moving = staged.filter((r) => r.action === 'update' && r.payload!.row !== undefined).map((r) => Number(r.targetId));
    await clearPlotPositions(tx, moving);
    await updatePlotFields(tx, staged.filter((x) => x.action === 'update').map((r) => ({ id: Number(r.targetId), fields: r.payload! })));
    const creates = staged.filter((r) => r.action === 'create').map((r) => r.payload!);
    for (let i = 0; i < creates.length; i += 1000) {
      await insertPlots(
        tx,
        creates.slice(i, i + 1000).map((p) => ({
          trialId,
          siteId: p.siteId!,
          armId: p.armId!,
          label: p.label,
          block: p.block ?? null,
          areaM2: p.areaM2 ?? null,
          plantedOn: p.plantedOn ?? null,
          row: p.row ?? null,
          column: p.column ?? null,
          notes: p.notes ?? null,
        })),
      );
    }
    if (options.mapping && options.headerKeys) {
      await repo.saveImportMapping(tx, trialId, 'plots', options.headerKeys, Object.fromEntries(options.mapping.map((m) => [m.column, m.field])));
    }
    return tally(rows);
  },
};

/** The plot columns a payload field is written to, with its type in a JSON record set. */
const training: ImportHandler<TrainingSessionInput> = {
  permission: 'manage',
  previewColumns: ['heldOn', 'kind', 'topic', 'site', 'village', 'trainer', 'attendance', 'women', 'attendees'],
  payloadSchema: TrainingSessionInput,
  stagedShape: () => 'table',
  copyStaging: false,
  keepsSource: false,
  beforeCheck: nothing,
  async check(db, target, rows, stager) {
    const c = await checkTrainingLedger(db, target.projectId, rows, stager);
    return { shape: 'table', options: { present: c.present }, columns: c.columns };
  },
  afterCheck: none,
  async apply(tx, imp, options) {
    const present = options.present ?? [];
    const rows = await repo.listStagedRows(tx, imp.id);
    for (const r of rows) {
      if (r.action !== 'create' && r.action !== 'update') continue;
      const s = TrainingSessionInput.parse(r.payload);
      if (r.action === 'create') {
        const { attendees, ...fields } = s;
        const row = await insertSession(tx, { ...fields, siteId: fields.siteId ?? null, village: fields.village ?? null, trainer: fields.trainer ?? null, women: fields.women ?? null, notes: fields.notes ?? null, projectId: imp.projectId });
        await writeRoster(tx, row.id, attendees);
      } else {
        const sessionId = Number(r.targetId);
        await updateSession(tx, sessionId, undefined, {
          attendance: s.attendance,
          ...(present.includes('kind') ? { kind: s.kind } : {}),
          ...(present.includes('trainer') ? { trainer: s.trainer ?? null } : {}),
          ...(present.includes('women') ? { women: s.women ?? null } : {}),
          ...(present.includes('notes') ? { notes: s.notes ?? null } : {}),
        });
        if (present.includes('attendees')) await writeRoster(tx, sessionId, s.attendees ?? null);
      }
    }
    return tally(rows);
  },
};

/** Every import kind and its handler; a new kind is an entry here (and its ImportKind). */
export const IMPORT_HANDLERS = { observations, plots, training } as const satisfies Record<ImportKind, ImportHandler<unknown>>;

function tally(rows: { action: string }[]): Counts {
  const c = { create: 0, update: 0, unchanged: 0 };
  for (const r of rows) if (r.action === 'create' || r.action === 'update' || r.action === 'unchanged') c[r.action]++;
  return c;
}
