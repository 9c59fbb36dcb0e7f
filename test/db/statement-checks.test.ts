import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/context.js';

/**
 * References checked once per statement rather than by a per-row foreign key: the actor of
 * audit entries, and the import of staged rows and problems. Each keeps the foreign key's
 * rule and its SQLSTATE (23503), and a refused write leaves nothing behind.
 */
describe('references checked per statement', () => {
  let database: TestDatabase;
  let db: TestDatabase['handle']['db'];
  let project = 0;
  let user = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.handle.db;
    user = (await db.insertInto('users').values({ email: 'actor@test.example', name: 'Actor', role: 'agronomist', passwordHash: 'x' }).returning('id').executeTakeFirstOrThrow()).id;
    project = (await db.insertInto('projects').values({ code: 'SC', name: 'sc' }).returning('id').executeTakeFirstOrThrow()).id;
  });
  afterAll(() => database?.drop());

  const violation = expect.objectContaining({ code: '23503' });
  const auditCount = async () => Number((await sql<{ n: string }>`select count(*) as n from audit_log`.execute(db)).rows[0].n);
  const siteNamed = async (name: string) => (await db.selectFrom('sites').select('id').where('name', '=', name).execute()).length;

  it('records a write under an existing actor, and refuses one whose actor is no user, writing nothing', async () => {
    await db.transaction().execute(async (tx) => {
      await sql`select set_config('demoplot.actor', ${String(user)}, true)`.execute(tx);
      await tx.insertInto('sites').values({ projectId: project, name: 'by an actor', kind: 'field' }).execute();
    });
    const entry = await db.selectFrom('auditLog').select(['actorId', 'entity', 'action']).where('tableName', '=', 'sites').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(entry).toEqual({ actorId: user, entity: 'site', action: 'create' });

    const before = await auditCount();
    await expect(
      db.transaction().execute(async (tx) => {
        await sql`select set_config('demoplot.actor', ${String(user + 100_000)}, true)`.execute(tx);
        await tx.insertInto('sites').values({ projectId: project, name: 'by nobody', kind: 'field' }).execute();
      }),
    ).rejects.toEqual(violation);
    expect(await auditCount()).toBe(before);
    expect(await siteNamed('by nobody')).toBe(0);
  });

  it('refuses an audit entry written directly that names no user', async () => {
    const before = await auditCount();
    await expect(
      sql`insert into audit_log (actor_id, entity, entity_id, table_name, action) values (${user + 100_000}, 'site', 1, 'sites', 'create')`.execute(db),
    ).rejects.toEqual(violation);
    expect(await auditCount()).toBe(before);
  });

  it('refuses to delete a user named by an audit entry, and deletes one who is not', async () => {
    await expect(sql`delete from users where id = ${user}`.execute(db)).rejects.toEqual(violation);
    expect(await db.selectFrom('users').select('id').where('id', '=', user).executeTakeFirst()).toEqual({ id: user });
    const idle = (await db.insertInto('users').values({ email: 'idle@test.example', name: 'Idle', role: 'viewer', passwordHash: 'x' }).returning('id').executeTakeFirstOrThrow()).id;
    await sql`delete from users where id = ${idle}`.execute(db);
    expect(await db.selectFrom('users').select('id').where('id', '=', idle).executeTakeFirst()).toBeUndefined();
  });

  it('refuses staged rows and problems of an import that does not exist, and deletes them with their import', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(sql`insert into import_rows (import_id, seq, row_number, action) values (${missing}, 1, 2, 'create')`.execute(db)).rejects.toEqual(violation);
    await expect(sql`insert into import_issues (import_id, seq, row_number, column_name, key) values (${missing}, 1, 2, 'value', 'v.required')`.execute(db)).rejects.toEqual(violation);

    const id = '11111111-1111-4111-8111-111111111111';
    await sql`insert into imports (id, project_id, kind, shape, status, expires_at) values (${id}, ${project}, 'observations', 'long', 'checking', now() + interval '1 hour')`.execute(db);
    await sql`insert into import_rows (import_id, seq, row_number, action) select ${id}, s, s + 1, 'create' from generate_series(1, 3) s`.execute(db);
    await sql`insert into import_issues (import_id, seq, row_number, column_name, key) values (${id}, 1, 2, 'value', 'v.required')`.execute(db);
    // A row moved to an import that does not exist is refused too.
    await expect(sql`update import_rows set import_id = ${missing} where import_id = ${id} and seq = 1`.execute(db)).rejects.toEqual(violation);
    const staged = async () => [
      Number((await sql<{ n: string }>`select count(*) as n from import_rows where import_id = ${id}`.execute(db)).rows[0].n),
      Number((await sql<{ n: string }>`select count(*) as n from import_issues where import_id = ${id}`.execute(db)).rows[0].n),
    ];
    expect(await staged()).toEqual([3, 1]);
    await db.deleteFrom('imports').where('id', '=', id).execute();
    expect(await staged()).toEqual([0, 0]);
  });
});
