import { defineConfig } from 'vitest/config';

/**
 * Three tiers in one run:
 * - unit: pure analysis code, no database;
 * - pglite: database, HTTP and browser tests on the embedded PGlite;
 * - postgresql: the same tests on a real PostgreSQL, when TEST_DATABASE_URL names one
 *   (.ci/run sets it; every test file creates and drops a database of its own).
 * The two database tiers run under time zones far from UTC on either side (UTC+14 and
 * UTC−8/−7 with daylight saving), so a date that slips through local time fails a test.
 */
const dbTests = ['test/db/**/*.test.ts', 'test/server/**/*.test.ts', 'test/browser/**/*.test.ts'];
const pgUrl = process.env.TEST_DATABASE_URL;

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { test: { name: 'unit', include: ['test/analysis/**/*.test.ts'] } },
      {
        test: {
          name: 'pglite',
          include: dbTests,
          env: { DEMOPLOT_TEST_DB: 'pglite', TZ: 'Pacific/Kiritimati' },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      ...(pgUrl
        ? [
            {
              test: {
                name: 'postgresql',
                include: dbTests,
                env: { DEMOPLOT_TEST_DB: 'postgresql', TEST_DATABASE_URL: pgUrl, TZ: 'America/Los_Angeles' },
                testTimeout: 30_000,
                hookTimeout: 60_000,
              },
            },
          ]
        : []),
    ],
  },
});
