import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/connect.js';
import { migrateToLatest } from '../../db/migrate.js';
import { withStartupLock } from '../../db/startup-lock.js';
import { loadDemoData } from '../../server/demo/demo-data.js';
import { createTestDatabase, testDbKind, type TestDatabase } from '../support/context.js';

/**
 * Instances started together on one PostgreSQL database (a deploy that starts two at once)
 * migrate and seed one after another under the start-up lock: one demonstration set, not two.
 */
describe.skipIf(testDbKind() === 'pglite')('instances starting together on one PostgreSQL database', () => {
  // (skipped on PGlite: one process owns its folder, so no two instances start on it)
  let database: TestDatabase | undefined;
  const handles: DatabaseHandle[] = [];
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.close()));
    await database?.drop();
  });

  it('load the demonstration data once', async () => {
    database = await createTestDatabase({ migrate: false });
    for (let i = 0; i < 3; i++) handles.push(await openDatabase({ databaseUrl: database.url, poolSize: 4 }));
    const loaded = await Promise.all(
      handles.map((h) =>
        withStartupLock(h, async () => {
          await migrateToLatest(h.db);
          return loadDemoData(h.db);
        }),
      ),
    );
    expect(loaded.filter(Boolean)).toHaveLength(1);
    const projects = await handles[0].db.selectFrom('projects').select('code').execute();
    expect(projects.length).toBeGreaterThan(0);
    expect(new Set(projects.map((p) => p.code)).size).toBe(projects.length);
  }, 120_000);
});
