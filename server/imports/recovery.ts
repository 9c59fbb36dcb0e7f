import type { Kysely } from 'kysely';
import { hostname, tmpdir } from 'node:os';
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '../../db/database.js';
import { AppError } from '../errors.js';
import type { TableRow } from './table-reader.js';
import { failCheckingImports, listCheckingImports } from './imports.repository.js';
import { alive } from '../../db/folder-lock.js';

/** Who checks an import: this machine and process. */
export const CHECKER = `${hostname()}:${process.pid}`;

const SPOOL_PREFIX = 'demoplot-import-';
/** A spool file untouched this long belongs to no upload in progress. */
const STALE_SPOOL_MS = 10 * 60_000;
/** A check that has run this long was cut short, wherever it ran. */
const STALE_CHECK_MS = 6 * 3600_000;

/**
 * At start: imports left in `checking` by a process of this machine that no longer runs
 * (or by any process, six hours ago) are marked `failed` and their staged rows dropped;
 * spool files nobody has written to for ten minutes are removed. Answers how many imports
 * were marked.
 */
export async function recoverInterruptedImports(db: Kysely<Database>): Promise<number> {
  const host = hostname();
  const checking = await listCheckingImports(db);
  const cutShort = checking
    .filter((i) => {
      if (Date.now() - new Date(i.createdAt).getTime() > STALE_CHECK_MS) return true;
      if (!i.checkedBy) return true;
      const at = i.checkedBy.lastIndexOf(':');
      const [h, pid] = [i.checkedBy.slice(0, at), Number(i.checkedBy.slice(at + 1))];
      return h === host && pid !== process.pid && !alive(pid);
    })
    .map((i) => i.id);
  if (cutShort.length) await failCheckingImports(db, cutShort);
  await removeStaleSpools();
  return cutShort.length;
}

export async function removeStaleSpools(dir = tmpdir(), olderThanMs = STALE_SPOOL_MS): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(SPOOL_PREFIX)) continue;
    const path = join(dir, name);
    const s = await stat(path).catch(() => undefined);
    if (s && Date.now() - s.mtimeMs > olderThanMs) {
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}

/**
 * The rows of a file, refused with 413 once there are more than `max` (DEMOPLOT_MAX_IMPORT_ROWS),
 * before the extra row is staged. A plain iterator rather than an async generator: it sits
 * on every row of the check, and a generator's resumption cost more than the count.
 */
export function limitRows(rows: AsyncIterator<TableRow>, max: number): AsyncIterator<TableRow> {
  let n = 0;
  return {
    next: async () => {
      const r = await rows.next();
      if (!r.done && ++n > max + 1) {
        await rows.return?.();
        throw new AppError(413, 'ImportTooManyRows', 'sec.tooManyRows', { max });
      }
      return r;
    },
    return: async () => {
      await rows.return?.();
      return { done: true, value: undefined };
    },
  };
}
