import { sql, type Kysely } from 'kysely';

/**
 * A budget (in 万元) and a site's coordinates are kept exactly as entered. numeric(14, 2)
 * rounded a budget to 0.01 万元, i.e. to 100 yuan (12.3456 万元 became 12.35), and
 * numeric(9, 6) rounded coordinates to six decimals, without a word. Both become unscaled
 * numeric, which holds every value the old types held, unchanged; their checks stay.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table projects alter column budget type numeric;
    alter table sites alter column latitude type numeric, alter column longitude type numeric;
  `.execute(db);
}

/** Back to the scaled types (values are rounded to them, as they were before). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table projects alter column budget type numeric(14, 2);
    alter table sites alter column latitude type numeric(9, 6), alter column longitude type numeric(9, 6);
  `.execute(db);
}
