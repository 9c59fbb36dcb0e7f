import type { PGlite } from '@electric-sql/pglite';

/**
 * Presents one PGlite instance as the small part of a `pg.Pool` that Kysely's
 * PostgresDialect uses, so both databases share one dialect, one query compiler and one
 * transaction implementation.
 *
 * PGlite is a single connection: a client is handed out to one borrower at a time and the
 * next waits until it is released. That keeps a transaction's statements together instead
 * of interleaving them with another request's.
 */
export class PGlitePool {
  #queue: Array<() => void> = [];
  #busy = false;
  #ended = false;
  /** The one session, handed out again and again: what is set on it (the actor) stays known. */
  readonly #client: PGliteClient;

  constructor(pglite: PGlite) {
    this.#client = new PGliteClient(pglite, () => this.#release());
  }

  async connect(): Promise<PGliteClient> {
    if (this.#ended) throw new Error('the database has been closed');
    if (this.#busy) await new Promise<void>((resolve) => this.#queue.push(resolve));
    this.#busy = true;
    this.#client.lease();
    return this.#client;
  }

  #release(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#busy = false;
  }

  async end(): Promise<void> {
    this.#ended = true;
  }
}

const COMMAND = /^\s*(insert|update|delete|merge|select|commit|rollback)\b/i;

class PGliteClient {
  #released = true;
  constructor(
    private readonly pglite: PGlite,
    private readonly onRelease: () => void,
  ) {}

  async query(sql: string, parameters: unknown[]) {
    // Statements without parameters go through the simple protocol, which (as in pg) also
    // accepts several statements at once, as migrations send them.
    const result =
      parameters.length === 0
        ? (await this.pglite.exec(sql)).at(-1) ?? { rows: [], affectedRows: 0 }
        : await this.pglite.query<Record<string, unknown>>(sql, parameters);
    const command = COMMAND.exec(sql)?.[1]?.toUpperCase();
    return { command, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
  }

  lease(): void {
    this.#released = false;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.onRelease();
  }
}
