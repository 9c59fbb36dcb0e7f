import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';

/**
 * The empty PGlite database a new data folder starts from. PGlite makes a new cluster by
 * running PostgreSQL's initdb inside WebAssembly, which takes 6–7 s and peaks near 800 MB;
 * unpacking the same cluster, made once by `npm run build:pglite-template` and kept in
 * db/templates/, takes about 1 s. The file is PGlite's own `dumpDataDir()` of a cluster it
 * has just made, so the folder is the one initdb would have written. It is named by PGlite's
 * version: after an upgrade of PGlite without a new template, new folders fall back to
 * initdb (slower, and said once on stderr) and test/db/pglite-template.test.ts fails until
 * the template is made again.
 */
export const TEMPLATE_DIR = join(packageRoot(dirname(fileURLToPath(import.meta.url)), 'demoplot'), 'db/templates');

/** PGlite's version, read from its package.json. */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(join(packageRoot(dirname(entry), '@electric-sql/pglite'), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** Where the template of the installed PGlite is (whether or not it exists). */
export function templatePath(version = pgliteVersion()): string {
  return join(TEMPLATE_DIR, `pglite-${version}.tar.br`);
}

let warned = false;

/** The template as the uncompressed tar PGlite's `loadDataDir` takes, or undefined when there
 * is none for this PGlite (the caller lets PGlite run initdb). */
export function pgliteTemplate(): Blob | undefined {
  const path = templatePath();
  if (!existsSync(path)) {
    if (!warned) console.warn(`no PGlite template ${path}; a new data folder is made by initdb (slower). Run npm run build:pglite-template.`);
    warned = true;
    return undefined;
  }
  return new Blob([brotliDecompressSync(readFileSync(path))]);
}

/** The folder above `from` whose package.json is named `name`. */
function packageRoot(from: string, name: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    if (dirname(dir) === dir) throw new Error(`no package ${name} above ${from}`);
  }
}
