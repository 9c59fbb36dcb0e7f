import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder that holds package.json, views/ and public/, found by walking up from this
 * file: the same whether the server runs as TypeScript from server/ (tsx, tests) or
 * compiled from dist/server/ (`npm start`), which copies neither folder.
 */
function projectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

const ROOT = projectRoot(dirname(fileURLToPath(import.meta.url)));
/** Static files (with a trailing separator). */
export const PUBLIC_DIR = join(ROOT, 'public') + '/';
/** Handlebars templates (with a trailing separator). */
export const VIEWS_DIR = join(ROOT, 'views') + '/';
