import type { Kysely } from 'kysely';
import type { Database, ImportAction } from '../../db/database.js';
import type { Params } from '../i18n/i18n.js';
import { canCopy, copyField, openCopy, type CopyWriter } from '../../db/copy.js';
import { insertIssueBatch, insertRowBatch } from './imports.repository.js';

const BATCH = 1000;
/** Problems kept per import; past this only their number grows. */
export const MAX_ISSUES = 10_000;

/** One row an import would write, as checked. */
export interface StagedRow {
  rowNumber: number;
  columnName?: string | null;
  action: ImportAction;
  targetId?: number | null;
  plotId?: number | null;
  variableId?: number | null;
  valueNumber?: string | null;
  valueDate?: string | null;
  valueText?: string | null;
  observedOn?: string | null;
  reading?: number | null;
  notes?: string | null;
  recordedBy?: string | null;
  payload?: Record<string, unknown> | null;
  shown: Record<string, unknown>;
}

/** Staged rows that keep what the preview shows (it lists the first LISTED_ROWS). */
export const SHOWN_ROWS = 100;

const COPY_COLUMNS = [
  'import_id', 'seq', 'row_number', 'column_name', 'action', 'target_id', 'plot_id', 'variable_id',
  'value_number', 'value_date', 'value_text', 'observed_on', 'notes', 'recorded_by', 'payload', 'shown', 'reading',
];

/**
 * Collects the checked rows and problems of one file and writes them to the staging tables
 * while the file is still being read, so a file of any length is checked in constant
 * memory. On PostgreSQL the rows of a large import (`copy: true`) stream through one
 * `COPY … FROM STDIN` on a connection of their own, which the database works through while
 * the next rows are checked; problems are kept (at most MAX_ISSUES) and written when the
 * COPY has ended, so the check never needs a second connection. Otherwise rows and problems
 * go a thousand at a time, each batch one INSERT whose rows travel as a single JSON text.
 *
 * Only the first SHOWN_ROWS rows keep the `shown` values the preview lists.
 */
export class Stager {
  #rows: string[] = [];
  #issues: string[] = [];
  #seq = 0;
  #issueSeq = 0;
  #useCopy: boolean;
  #copy: CopyWriter | null = null;
  #writing: Promise<void> | null = null;
  /** Problems found, including those past MAX_ISSUES. */
  issueCount = 0;
  /** Data rows read (blank rows not counted). */
  dataRows = 0;

  constructor(
    private readonly db: Kysely<Database>,
    readonly importId: string,
    options: { copy?: boolean } = {},
  ) {
    this.#useCopy = !!options.copy && canCopy(db as Kysely<unknown>);
  }

  /** Problems written to the staging table (at most MAX_ISSUES). */
  get storedIssues(): number {
    return this.#issueSeq;
  }

  /** Whether the next staged row keeps its `shown` values (callers may skip building them). */
  get showsNext(): boolean {
    return this.#seq < SHOWN_ROWS;
  }

  /** Stages one row; answers a promise only when the caller has to wait for the database. */
  row(r: StagedRow): Promise<void> | undefined {
    const seq = ++this.#seq;
    const shown = seq <= SHOWN_ROWS ? r.shown : null;
    if (this.#useCopy) {
      this.#rows.push(
        [
          this.importId,
          seq,
          r.rowNumber,
          copyField(r.columnName),
          r.action,
          copyField(r.targetId),
          copyField(r.plotId),
          copyField(r.variableId),
          copyField(r.valueNumber),
          copyField(r.valueDate),
          copyField(r.valueText),
          copyField(r.observedOn),
          copyField(r.notes),
          copyField(r.recordedBy),
          r.payload ? copyField(JSON.stringify(r.payload)) : '\\N',
          shown ? copyField(JSON.stringify(shown)) : '{}',
          copyField(r.reading),
        ].join('\t') + '\n',
      );
    } else {
      this.#rows.push(
        JSON.stringify({
          seq,
          row_number: r.rowNumber,
          column_name: r.columnName ?? null,
          action: r.action,
          target_id: r.targetId ?? null,
          plot_id: r.plotId ?? null,
          variable_id: r.variableId ?? null,
          value_number: r.valueNumber ?? null,
          value_date: r.valueDate ?? null,
          value_text: r.valueText ?? null,
          observed_on: r.observedOn ?? null,
          notes: r.notes ?? null,
          recorded_by: r.recordedBy ?? null,
          payload: r.payload ?? null,
          shown,
          reading: r.reading ?? null,
        }),
      );
    }
    if (this.#rows.length >= BATCH) return this.#send();
    return undefined;
  }

  issue(rowNumber: number, columnName: string, key: string, params: Params = {}): Promise<void> | undefined {
    this.issueCount++;
    if (this.#issueSeq >= MAX_ISSUES) return undefined;
    this.#issues.push(JSON.stringify({ seq: ++this.#issueSeq, row_number: rowNumber, column_name: columnName, key, params }));
    if (this.#issues.length >= BATCH && !this.#useCopy) return this.#sendIssues();
    return undefined;
  }

  /**
   * Hands the collected rows on. With COPY the caller waits only while the previous chunk
   * is still queued for the connection; the database stores rows while the next are read.
   */
  async #send(): Promise<void> {
    const rows = this.#rows.splice(0);
    if (!this.#useCopy) {
      await insertRowBatch(this.db, this.importId, `[${rows.join(',')}]`);
      return;
    }
    this.#copy ??= await openCopy(this.db as Kysely<unknown>, 'import_rows', COPY_COLUMNS);
    await this.#writing;
    const writing = this.#copy.write(rows.join(''));
    writing.catch(() => undefined); // awaited by the next send, flush or abort
    this.#writing = writing;
  }

  async #sendIssues(): Promise<void> {
    if (this.#issues.length) await insertIssueBatch(this.db, this.importId, `[${this.#issues.splice(0).join(',')}]`);
  }

  /** Writes everything still held and, with COPY, ends it: the staged rows are then visible. */
  async flush(): Promise<void> {
    if (this.#rows.length) await this.#send();
    if (this.#copy) {
      await this.#writing;
      this.#writing = null;
      const copy = this.#copy;
      this.#copy = null;
      await copy.end();
    }
    for (let i = 0; i < this.#issues.length; i += BATCH) {
      await insertIssueBatch(this.db, this.importId, `[${this.#issues.slice(i, i + BATCH).join(',')}]`);
    }
    this.#issues = [];
  }

  /** Abandons an unfinished COPY (the check failed or must start again); nothing it sent is kept. */
  async abort(): Promise<void> {
    const copy = this.#copy;
    this.#copy = null;
    this.#rows = [];
    this.#issues = [];
    await this.#writing?.catch(() => undefined);
    await copy?.abort();
  }
}
