import { Migrator, sql, type Migration, type MigrationProvider, type Kysely } from 'kysely';
import * as initialSchema from './migrations/2026-11-30T01-initial-schema.js';
import * as plotValues from './migrations/2026-11-30T02-plot-values.js';
import * as imports from './migrations/2026-11-30T03-imports.js';
import * as accounts from './migrations/2026-11-30T04-accounts.js';
import * as trialDataVersions from './migrations/2026-11-30T05-trial-data-versions.js';
import * as plotPosition from './migrations/2026-12-01T00-plot-position.js';
import * as layouts from './migrations/2026-12-01T06-layouts.js';
import * as programmes from './migrations/2026-12-01T03-programmes.js';
import * as hardening from './migrations/2026-12-01T04-hardening.js';
import * as observationIdentity from './migrations/2026-12-01T01-observation-identity.js';
import * as idempotencyKeys from './migrations/2026-12-01T01-b-idempotency-keys.js';
import * as photos from './migrations/2026-12-01T05-photos.js';
import * as importMappings from './migrations/2026-12-01T07-import-mappings.js';
import * as siteArmValues from './migrations/2026-12-01T07-site-arm-values.js';
import * as plotsSiteArmIndex from './migrations/2026-12-02T01-plots-site-arm-index.js';
import * as importStagingChecks from './migrations/2026-12-02T02-import-staging-checks.js';
import * as auditActorCheck from './migrations/2026-12-02T03-audit-actor-check.js';
import * as plotGridOrder from './migrations/2026-12-02T04-plot-grid-order.js';
import * as trialPageDataVersion from './migrations/2026-12-02T05-trial-page-data-version.js';
import * as importRowTargetVersion from './migrations/2026-12-02T06-import-row-target-version.js';
import * as exactBudgetAndCoordinates from './migrations/2026-12-02T07-exact-budget-and-coordinates.js';

/**
 * Every migration, by its dated name. Listed here rather than read from the folder so the
 * same list works under tsx, vitest and a bundler.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-30T01-initial-schema': initialSchema,
  '2026-11-30T02-plot-values': plotValues,
  '2026-11-30T03-imports': imports,
  '2026-11-30T04-accounts': accounts,
  '2026-11-30T05-trial-data-versions': trialDataVersions,
  '2026-12-01T00-plot-position': plotPosition,
  '2026-12-01T06-layouts': layouts,
  '2026-12-01T03-programmes': programmes,
  '2026-12-01T04-hardening': hardening,
  '2026-12-01T01-observation-identity': observationIdentity,
  '2026-12-01T01-b-idempotency-keys': idempotencyKeys,
  '2026-12-01T05-photos': photos,
  '2026-12-01T07-import-mappings': importMappings,
  '2026-12-01T07-site-arm-values': siteArmValues,
  '2026-12-02T01-plots-site-arm-index': plotsSiteArmIndex,
  '2026-12-02T02-import-staging-checks': importStagingChecks,
  '2026-12-02T03-audit-actor-check': auditActorCheck,
  '2026-12-02T04-plot-grid-order': plotGridOrder,
  '2026-12-02T05-trial-page-data-version': trialPageDataVersion,
  '2026-12-02T06-import-row-target-version': importRowTargetVersion,
  '2026-12-02T07-exact-budget-and-coordinates': exactBudgetAndCoordinates,
};

class StaticProvider implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

/**
 * True when the database has recorded exactly the known migrations: one read of Kysely's
 * table, where the Migrator would create its tables if missing, take its lock and read them
 * in a transaction (about 1.7 s of a PGlite restart at load 10, BENCHMARKS.md). Anything
 * else, including a missing table, goes to the Migrator, which applies or reports.
 */
async function upToDate(db: Kysely<any>): Promise<boolean> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(db);
    const known = Object.keys(migrations);
    return rows.length === known.length && rows.every((r) => r.name in migrations);
  } catch {
    return false;
  }
}

/** Brings the database to the latest schema; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  if (await upToDate(db)) return [];
  const migrator = new Migrator({ db, provider: new StaticProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    const err = new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message}`);
    (err as Error & { cause: unknown }).cause = error;
    throw err;
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
