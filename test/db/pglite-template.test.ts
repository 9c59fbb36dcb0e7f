import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/connect.js';
import { pgliteVersion, templatePath } from '../../db/pglite-template.js';
import { migrateToLatest } from '../../db/migrate.js';
import { testDbKind } from '../support/context.js';

/** What initdb decides for a cluster: databases, encodings, locales and the settings it writes. */
async function clusterFacts(query: (text: string) => Promise<{ rows: unknown[] }>): Promise<unknown[]> {
  const facts: unknown[] = [];
  for (const text of [
    'select datname, pg_encoding_to_char(encoding) as encoding, datcollate, datctype, datallowconn, datistemplate from pg_database order by datname',
    'select rolname, rolsuper from pg_roles order by rolname',
    `select name, setting from pg_settings where name in ('server_encoding', 'lc_messages', 'lc_monetary', 'lc_numeric', 'lc_time', 'default_text_search_config', 'data_checksums', 'TimeZone', 'DateStyle') order by name`,
    'select count(*)::int as relations from pg_class',
    'select extname from pg_extension order by extname',
  ]) facts.push((await query(text)).rows);
  return facts;
}

describe.runIf(testDbKind() === 'pglite')('the PGlite template a new data folder starts from', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('exists for the installed PGlite (run npm run build:pglite-template after an upgrade)', () => {
    expect(existsSync(templatePath()), `${templatePath()} for PGlite ${pgliteVersion()}`).toBe(true);
  });

  it('gives the same cluster as PGlite\'s own initdb, in memory and in a new folder', async () => {
    const made = await PGlite.create('memory://');
    const fromInitdb = await clusterFacts((t) => made.query(t));
    await made.close();
    const dir = mkdtempSync(join(tmpdir(), 'demoplot-template-'));
    dirs.push(dir);
    for (const dataDir of ['memory://', join(dir, 'data')]) {
      const handle = await openDatabase({ dataDir });
      const fromTemplate = await clusterFacts(async (t) => ({ rows: (await sql.raw(t).execute(handle.db)).rows }));
      await handle.close();
      expect(fromTemplate, dataDir).toEqual(fromInitdb);
      expect((fromTemplate[0] as { datname: string }[]).map((d) => d.datname)).toEqual(['postgres', 'template0', 'template1']);
    }
  }, 90_000);

  it('makes a new data folder that migrates, keeps its data and opens again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demoplot-template-'));
    dirs.push(dir);
    const folder = join(dir, 'data');
    const first = await openDatabase({ dataDir: folder });
    await migrateToLatest(first.db);
    await sql`insert into projects (code, name) values ('T1', 'template check')`.execute(first.db);
    await first.close();
    expect(existsSync(join(folder, 'PG_VERSION'))).toBe(true);
    const again = await openDatabase({ dataDir: folder });
    const rows = (await sql<{ name: string }>`select name from projects where code = 'T1'`.execute(again.db)).rows;
    await again.close();
    expect(rows).toEqual([{ name: 'template check' }]);
  }, 60_000);
});
