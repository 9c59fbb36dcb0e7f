import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

/** Lock files this process holds, removed however it exits. */
const held = new Set<string>();
process.once('exit', () => {
  for (const path of held) rmSync(path, { force: true });
});

/** Whether a process with this id runs on this machine (a signal 0 reaches it, or is refused). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class FolderInUse extends Error {
  constructor(
    readonly folder: string,
    readonly pid: number,
  ) {
    super(`the data folder ${folder} is in use by process ${pid} (PGlite allows one process per folder); stop it first or set DEMOPLOT_DATA_DIR to another folder`);
  }
}

/**
 * Makes this process the only owner of a PGlite data folder: creates `<folder>.lock` holding
 * `pid host` (exclusively, so two processes cannot both create it). A lock left by a process
 * that no longer runs on this machine is stale and taken over. Answers the release function.
 */
export function lockFolder(folder: string): () => void {
  const path = `${resolve(folder)}.lock`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid} ${hostname()}\n`);
      closeSync(fd);
      held.add(path);
      return () => {
        if (held.delete(path)) rmSync(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = NaN;
    let host = '';
    try {
      [owner, host] = ((s) => [Number(s[0]), s[1] ?? ''] as const)(readFileSync(path, 'utf8').trim().split(/\s+/));
    } catch {
      continue; // removed meanwhile: try again
    }
    const otherHost = host !== '' && host !== hostname();
    if (Number.isInteger(owner) && owner > 0 && (otherHost || held.has(path) || (owner !== process.pid && alive(owner)))) {
      throw new FolderInUse(resolve(folder), owner);
    }
    rmSync(path, { force: true });
  }
  throw new Error(`cannot lock the data folder ${resolve(folder)}`);
}
