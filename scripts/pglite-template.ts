/**
 * Makes db/templates/pglite-<version>.tar.br: a new, empty PGlite cluster (PGlite's own
 * initdb, then `dumpDataDir()`), compressed with brotli. A new data folder starts from it
 * instead of running initdb (db/pglite-template.ts). Run after upgrading PGlite:
 *   npm run build:pglite-template
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { constants, brotliCompressSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { TEMPLATE_DIR, pgliteVersion, templatePath } from '../db/pglite-template.js';

const pglite = await PGlite.create('memory://');
await pglite.query('checkpoint');
const tar = Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
await pglite.close();

const packed = brotliCompressSync(tar, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: tar.length },
});
mkdirSync(TEMPLATE_DIR, { recursive: true });
// One template: the installed PGlite's.
for (const name of readdirSync(TEMPLATE_DIR)) if (/^pglite-.*\.tar\.br$/.test(name)) rmSync(`${TEMPLATE_DIR}/${name}`);
writeFileSync(templatePath(), packed);
console.log(`${templatePath()}: PGlite ${pgliteVersion()}, ${tar.length} bytes of tar, ${packed.length} compressed`);
