import { sql, type Kysely, type Insertable, type Updateable } from 'kysely';
import type { ApiTokenRow, Database, Role, UserRow, UserTable } from '../../db/database.js';
import { updateVersioned } from '../../db/versioned.js';

export function findUser(db: Kysely<Database>, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

/** Some active account that is an admin (`{ role: 'admin' }`) or a demonstration account (`{ isDemo: true }`). */
export function findActiveUser(db: Kysely<Database>, which: { role: 'admin' } | { isDemo: true }): Promise<{ id: number } | undefined> {
  const q = db.selectFrom('users').select('id').where('active', '=', true);
  return ('role' in which ? q.where('role', '=', which.role) : q.where('isDemo', '=', true)).limit(1).executeTakeFirst();
}

export function listUsers(db: Kysely<Database>): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().orderBy('id').execute();
}

export function insertUser(db: Kysely<Database>, row: Insertable<UserTable>): Promise<UserRow> {
  return db.insertInto('users').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Updates only when the row still has `version`: undefined when someone else was first. */
export function updateUser(db: Kysely<Database>, id: number, version: number, patch: Updateable<UserTable>): Promise<UserRow | undefined> {
  return updateVersioned(db, 'users', id, patch, version);
}

export async function countActiveAdmins(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listMemberships(db: Kysely<Database>, userIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(userIds.map((id) => [id, []]));
  if (!userIds.length) return out;
  const rows = await db.selectFrom('projectMembers').selectAll().where('userId', 'in', userIds).orderBy('projectId').execute();
  for (const r of rows) out.get(r.userId)?.push(r.projectId);
  return out;
}

/** Sets the user's projects to exactly these, touching only the memberships that change. */
export async function replaceMemberships(db: Kysely<Database>, userId: number, projectIds: number[]): Promise<void> {
  const current = (await listMemberships(db, [userId])).get(userId) ?? [];
  const drop = current.filter((p) => !projectIds.includes(p));
  const add = projectIds.filter((p) => !current.includes(p));
  if (drop.length) await db.deleteFrom('projectMembers').where('userId', '=', userId).where('projectId', 'in', drop).execute();
  if (add.length) await db.insertInto('projectMembers').values(add.map((projectId) => ({ userId, projectId }))).execute();
}

export async function existingProjectIds(db: Kysely<Database>, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom('projects').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

/** An active account found by a session or token hash, with its project ids. */
export interface CredentialOwner {
  id: number;
  email: string;
  name: string;
  role: Role;
  projectIds: number[];
}

export async function findSessionOwner(db: Kysely<Database>, tokenHash: string) {
  const { rows } = await sql<CredentialOwner & { csrfToken: string; lastSeenAt: Date }>`
    select u.id, u.email, u.name, u.role, s.csrf_token, s.last_seen_at,
      array(select m.project_id from project_members m where m.user_id = u.id order by m.project_id) as project_ids
    from sessions s join users u on u.id = s.user_id
    where s.token_hash = ${tokenHash} and s.expires_at > now() and u.active
  `.execute(db);
  return rows[0];
}

export async function findTokenOwner(db: Kysely<Database>, tokenHash: string) {
  const { rows } = await sql<CredentialOwner & { tokenId: number; lastUsedAt: Date | null }>`
    select u.id, u.email, u.name, u.role, t.id as token_id, t.last_used_at,
      array(select m.project_id from project_members m where m.user_id = u.id order by m.project_id) as project_ids
    from api_tokens t join users u on u.id = t.user_id
    where t.token_hash = ${tokenHash} and t.revoked_at is null and u.active
  `.execute(db);
  return rows[0];
}

export function insertSession(db: Kysely<Database>, row: { tokenHash: string; userId: number; csrfToken: string; expiresAt: Date }) {
  return db.insertInto('sessions').values(row).execute();
}

export function touchSession(db: Kysely<Database>, tokenHash: string) {
  return db.updateTable('sessions').set({ lastSeenAt: new Date() }).where('tokenHash', '=', tokenHash).execute();
}

export function deleteSession(db: Kysely<Database>, tokenHash: string) {
  return db.deleteFrom('sessions').where('tokenHash', '=', tokenHash).execute();
}

export function deleteUserSessions(db: Kysely<Database>, userId: number) {
  return db.deleteFrom('sessions').where('userId', '=', userId).execute();
}

export function deleteExpiredSessions(db: Kysely<Database>) {
  return db.deleteFrom('sessions').where('expiresAt', '<', new Date()).execute();
}

export function insertToken(db: Kysely<Database>, row: { userId: number; name: string | null; tokenHash: string; prefix: string }): Promise<ApiTokenRow> {
  return db.insertInto('apiTokens').values(row).returningAll().executeTakeFirstOrThrow();
}

export function listTokens(db: Kysely<Database>, userId: number): Promise<ApiTokenRow[]> {
  return db.selectFrom('apiTokens').selectAll().where('userId', '=', userId).where('revokedAt', 'is', null).orderBy('id').execute();
}

export function findToken(db: Kysely<Database>, id: number): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('apiTokens').selectAll().where('id', '=', id).where('revokedAt', 'is', null).executeTakeFirst();
}

export function revokeToken(db: Kysely<Database>, id: number) {
  return db.updateTable('apiTokens').set({ revokedAt: new Date() }).where('id', '=', id).where('revokedAt', 'is', null).execute();
}

export function revokeUserTokens(db: Kysely<Database>, userId: number) {
  return db.updateTable('apiTokens').set({ revokedAt: new Date() }).where('userId', '=', userId).where('revokedAt', 'is', null).execute();
}

export function touchToken(db: Kysely<Database>, id: number) {
  return db.updateTable('apiTokens').set({ lastUsedAt: new Date() }).where('id', '=', id).execute();
}
