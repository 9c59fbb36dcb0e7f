import type { Insertable, Kysely } from 'kysely';
import type { Database, ImportRowTable } from '../../db/database.js';
import type { Params } from '../i18n/i18n.js';
import { insertIssues, insertRows } from './imports.repository.js';

const BATCH = 1000;
/** Problems kept per import; past this only their number grows. */
export const MAX_ISSUES = 10_000;

export type StagedRow = Omit<Insertable<ImportRowTable>, 'importId' | 'seq' | 'shown' | 'payload'> & {
  shown: Record<string, unknown>;
  payload?: Record<string, unknown> | null;
};

/**
 * Collects the checked rows and problems of one file and writes them to the staging tables
 * a thousand at a time, so a file of any length is checked in constant memory.
 */
export class Stager {
  #rows: Insertable<ImportRowTable>[] = [];
  #issues: { rowNumber: number; columnName: string; key: string; params: string }[] = [];
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
    const { shown, payload, ...rest } = r;
    this.#rows.push({
      ...rest,
      importId: this.importId,
      seq: ++this.#seq,
      shown: JSON.stringify(shown),
      payload: payload === undefined || payload === null ? null : JSON.stringify(payload),
    });
    if (this.#rows.length >= BATCH) await this.flush();
  }

  async issue(rowNumber: number, columnName: string, key: string, params: Params = {}): Promise<void> {
    this.issueCount++;
    if (this.#issueSeq >= MAX_ISSUES) return;
    this.#issueSeq++;
    this.#issues.push({ rowNumber, columnName, key, params: JSON.stringify(params) });
    if (this.#issues.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    const rows = this.#rows.splice(0);
    const issues = this.#issues.splice(0);
    await insertRows(this.db, rows);
    const firstSeq = this.#issueSeq - issues.length;
    await insertIssues(
      this.db,
      issues.map((i, n) => ({ importId: this.importId, seq: firstSeq + n + 1, ...i })),
    );
  }
}
