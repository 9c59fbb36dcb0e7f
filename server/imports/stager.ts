import type { Kysely } from 'kysely';
import type { Database, ImportAction } from '../../db/database.js';
import type { Params } from '../i18n/i18n.js';
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
  notes?: string | null;
  recordedBy?: string | null;
  payload?: Record<string, unknown> | null;
  shown: Record<string, unknown>;
}

/**
 * Collects the checked rows and problems of one file and writes them to the staging tables
 * a thousand at a time, each batch one INSERT whose rows travel as a single JSON text: a
 * file of any length is checked in constant memory, and a batch costs the database one
 * parameter instead of sixteen thousand.
 */
export class Stager {
  #rows: string[] = [];
  #issues: string[] = [];
  #seq = 0;
  #issueSeq = 0;
  /** Problems found, including those past MAX_ISSUES. */
  issueCount = 0;
  /** Data rows read (blank rows not counted). */
  dataRows = 0;

  constructor(
    private readonly db: Kysely<Database>,
    readonly importId: string,
  ) {}

  /** Problems written to the staging table (at most MAX_ISSUES). */
  get storedIssues(): number {
    return this.#issueSeq;
  }

  async row(r: StagedRow): Promise<void> {
    this.#rows.push(
      JSON.stringify({
        seq: ++this.#seq,
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
        shown: r.shown,
      }),
    );
    if (this.#rows.length >= BATCH) await this.flush();
  }

  async issue(rowNumber: number, columnName: string, key: string, params: Params = {}): Promise<void> {
    this.issueCount++;
    if (this.#issueSeq >= MAX_ISSUES) return;
    this.#issues.push(JSON.stringify({ seq: ++this.#issueSeq, row_number: rowNumber, column_name: columnName, key, params }));
    if (this.#issues.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#rows.length) await insertRowBatch(this.db, this.importId, `[${this.#rows.splice(0).join(',')}]`);
    if (this.#issues.length) await insertIssueBatch(this.db, this.importId, `[${this.#issues.splice(0).join(',')}]`);
  }
}
