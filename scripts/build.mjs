// Compiles server/, db/ and analysis/ to dist/ (tsconfig.build.json: emit only; `npm run
// typecheck` and `npm test` check the types). With --if-stale (npm's prestart) it does
// nothing when dist/ is newer than every source file, so a restart starts at once.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist/server/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { recursive: true })) {
    if (/\.ts$/.test(name)) newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
  }
  return newest;
}

const sources = ['server', 'db', 'analysis', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const newest = Math.max(...sources.map((s) => (statSync(join(root, s)).isDirectory() ? newestSource(join(root, s)) : statSync(join(root, s)).mtimeMs)));
if (process.argv.includes('--if-stale') && existsSync(stamp) && statSync(stamp).mtimeMs >= newest) process.exit(0);

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
