import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
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

/** The template as an uncompressed tar, or undefined when there is none for this PGlite (the
 * caller lets PGlite run initdb). */
export function pgliteTemplate(): Buffer | undefined {
  const path = templatePath();
  if (!existsSync(path)) {
    if (!warned) console.warn(`no PGlite template ${path}; a new data folder is made by initdb (slower). Run npm run build:pglite-template.`);
    warned = true;
    return undefined;
  }
  return brotliDecompressSync(readFileSync(path));
}

/**
 * Writes the template's files into an empty folder, so PGlite opens it as an existing
 * cluster. Done here rather than through PGlite's `loadDataDir`, which unpacks inside the
 * WebAssembly process and leaves its heap about 110 MB larger for the life of the server.
 * The tar is the ustar PGlite's `dumpDataDir()` writes: folders and plain files only.
 * @returns false when there is no template (PGlite will run initdb).
 */
export function unpackTemplate(folder: string): boolean {
  const tar = pgliteTemplate();
  if (!tar) return false;
  const text = (at: number, length: number) => tar.toString('latin1', at, at + length).replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length; ) {
    if (tar[at] === 0) break; // the two zero blocks that end the archive
    const name = [text(at + 345, 155), text(at, 100)].filter(Boolean).join('/');
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const mode = parseInt(text(at + 100, 8).trim() || '600', 8);
    const type = text(at + 156, 1) || '0';
    const path = normalize(join(folder, name));
    if (!path.startsWith(normalize(folder + '/'))) throw new Error(`template entry outside the folder: ${name}`);
    if (type === '5') mkdirSync(path, { recursive: true, mode });
    else if (type === '0') {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, tar.subarray(at + 512, at + 512 + size), { mode });
    } else throw new Error(`template entry of unexpected type ${JSON.stringify(type)}: ${name}`);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return true;
}

/** The folder above `from` whose package.json is named `name`. */
function packageRoot(from: string, name: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
    if (dirname(dir) === dir) throw new Error(`no package ${name} above ${from}`);
  }
}
