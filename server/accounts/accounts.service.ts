import type { Kysely } from 'kysely';
import type { Database, UserRow } from '../../db/database.js';
import { AppError, ValidationError, type PendingIssue, mustFind } from '../errors.js';
import * as repo from './accounts.repository.js';
import type { SignedIn } from './access.js';
import type { UserInput, UserPatch } from './accounts.schemas.js';
import { admitAttempt, clearEndedWindows, recordSuccess } from './login-limits.js';
import { hashPassword, randomSecret, sha256, verifyPassword } from './secrets.js';
import { passwordProblem } from './password-policy.js';
import { lockWhenUnversioned } from '../http.js';
import { forgetCredential, forgetUserCredentials, recalledCredential, rememberCredential } from './credential-cache.js';

export function userDto(u: UserRow, projectIds: number[]) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    projects: projectIds,
    active: u.active,
    isDemo: u.isDemo,
    version: u.version,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}
export type UserDto = ReturnType<typeof userDto>;

export async function getUser(db: Kysely<Database>, id: number) {
  const user = mustFind(await repo.findUser(db, id), 'UserNotFound', id);
  return userDto(user, (await repo.listMemberships(db, [id])).get(id) ?? []);
}

export async function listUsers(db: Kysely<Database>) {
  const users = await repo.listUsers(db);
  const members = await repo.listMemberships(db, users.map((u) => u.id));
  return users.map((u) => userDto(u, members.get(u.id) ?? []));
}

async function checkProjects(tx: Kysely<Database>, projects: number[]) {
  const found = await repo.existingProjectIds(tx, projects);
  const issues: PendingIssue[] = [];
  projects.forEach((p, i) => {
    if (!found.has(p)) issues.push({ path: `projects.${i}`, key: 'v.unknownProject', params: { value: p } });
  });
  if (issues.length) throw new ValidationError(issues);
}

async function checkEmailFree(tx: Kysely<Database>, email: string, exceptId?: number) {
  const other = await repo.findUserByEmail(tx, email);
  if (other && other.id !== exceptId) throw new ValidationError([{ path: 'email', key: 'v.duplicateEmail', params: { value: email } }]);
}

/** Refuses a password the account's own email or name makes guessable (password-policy.ts). */
function checkPassword(password: string, account: { email: string; name: string }) {
  const problem = passwordProblem(password, account);
  if (problem) throw new ValidationError([{ path: 'password', key: problem }]);
}

export async function createUser(db: Kysely<Database>, input: UserInput, opts: { isDemo?: boolean } = {}) {
  checkPassword(input.password, input);
  const passwordHash = await hashPassword(input.password);
  const id = await db.transaction().execute(async (tx) => {
    await checkEmailFree(tx, input.email);
    await checkProjects(tx, input.projects);
    const user = await repo.insertUser(tx, { email: input.email, name: input.name, role: input.role, passwordHash, isDemo: opts.isDemo ?? false });
    await repo.replaceMemberships(tx, user.id, input.projects);
    return user.id;
  });
  return getUser(db, id);
}

/**
 * Changes an account. A deactivated account loses its sessions and tokens at once; so does
 * one given a new password (a leaked password may have made tokens), and the answer says
 * how many tokens were revoked. The last active admin cannot be demoted or deactivated.
 */
export async function patchUser(db: Kysely<Database>, id: number, patch: UserPatch) {
  if (patch.password !== undefined) {
    const before = mustFind(await repo.findUser(db, id), 'UserNotFound', id);
    checkPassword(patch.password, { email: patch.email ?? before.email, name: patch.name ?? before.name });
  }
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
  let revokedTokens = 0;
  await db.transaction().execute(async (tx) => {
    await lockWhenUnversioned(tx, 'users', id, patch.version);
    const current = mustFind(await repo.findUser(tx, id), 'UserNotFound', id);
    const currentDto = async () => userDto(current, (await repo.listMemberships(tx, [id])).get(id) ?? []);
    if (patch.version !== undefined && patch.version !== current.version) {
      throw new AppError(409, 'VersionConflict', 'error.VersionConflict', {}, [], { current: await currentDto() });
    }
    if (patch.email) await checkEmailFree(tx, patch.email, id);
    if (patch.projects) await checkProjects(tx, patch.projects);
    const stopsBeingAdmin = current.role === 'admin' && current.active && ((patch.role && patch.role !== 'admin') || patch.active === false);
    if (stopsBeingAdmin && (await repo.countActiveAdmins(tx)) <= 1) throw new AppError(409, 'LastAdmin');
    const { version: _v, password: _p, projects, ...fields } = patch;
    const updated = await repo.updateUser(tx, id, current.version, { ...fields, ...(passwordHash ? { passwordHash } : {}) });
    if (!updated) {
      const fresh = (await repo.findUser(tx, id))!;
      throw new AppError(409, 'VersionConflict', 'error.VersionConflict', {}, [], { current: userDto(fresh, (await repo.listMemberships(tx, [id])).get(id) ?? []) });
    }
    if (projects) await repo.replaceMemberships(tx, id, projects);
    if (patch.active === false || passwordHash) {
      await repo.deleteUserSessions(tx, id);
      const [revoked] = await repo.revokeUserTokens(tx, id);
      revokedTokens = Number(revoked?.numUpdatedRows ?? 0);
    }
  });
  forgetUserCredentials(db, id);
  const user = await getUser(db, id);
  return passwordHash ? { ...user, revokedTokens } : user;
}

/**
 * Checks an email and password under the sign-in limits (login-limits.ts): the attempt is
 * counted before the password is looked at; past a limit answers 429 without looking at
 * it; an account under attack answers after a bounded delay. Unknown emails cost the same
 * time as wrong passwords and get the same answer.
 */
export async function checkCredentials(db: Kysely<Database>, email: string, password: string, address: string): Promise<UserRow> {
  const admission = await admitAttempt(db, email, address);
  if (!admission.allowed) {
    const wait = admission.retryAfter;
    throw new AppError(429, 'TooManyAttempts', 'error.TooManyAttempts', { minutes: Math.ceil(wait / 60) }, [], {}, { 'Retry-After': String(wait) });
  }
  if (admission.delayMs > 0) await new Promise((r) => setTimeout(r, admission.delayMs));
  const user = await repo.findUserByEmail(db, email);
  const ok = await verifyPassword(user?.passwordHash, password);
  if (!user || !ok || !user.active) throw new AppError(401, 'InvalidCredentials');
  await recordSuccess(db, email, address);
  return user;
}

// ---- Web sessions --------------------------------------------------------------------------

export const SESSION_HOURS = 12;

/** A new session: the cookie value (given to the browser only) and its CSRF token. Expired
 * sessions and finished failed-login windows are cleared on the way. */
export async function createSession(db: Kysely<Database>, userId: number) {
  await repo.deleteExpiredSessions(db);
  await clearEndedWindows(db);
  const cookie = randomSecret();
  const csrfToken = randomSecret();
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
  await repo.insertSession(db, { tokenHash: sha256(cookie), userId, csrfToken, expiresAt });
  return { cookie, csrfToken, expiresAt };
}

const TOUCH_AFTER_MS = 60_000;

/** The account behind a session cookie, with the session's CSRF token; undefined when the
 * session is unknown, expired or its account deactivated. */
export async function sessionUser(db: Kysely<Database>, cookie: string): Promise<(SignedIn & { csrfToken: string }) | undefined> {
  const hash = sha256(cookie);
  const recalled = recalledCredential<SignedIn & { csrfToken: string }>(db, hash);
  if (recalled) return recalled;
  const owner = await repo.findSessionOwner(db, hash);
  if (!owner) return undefined;
  if (Date.now() - new Date(owner.lastSeenAt).getTime() > TOUCH_AFTER_MS) await repo.touchSession(db, hash);
  const { csrfToken, lastSeenAt: _l, ...user } = owner;
  const found = { ...user, via: 'session' as const, csrfToken };
  rememberCredential(db, hash, found.id, found);
  return found;
}

export async function endSession(db: Kysely<Database>, cookie: string): Promise<void> {
  const hash = sha256(cookie);
  await repo.deleteSession(db, hash);
  forgetCredential(db, hash);
}

// ---- API tokens ----------------------------------------------------------------------------

export const TOKEN_PREFIX = 'dp_';

export function tokenDto(t: { id: number; name: string | null; prefix: string; createdAt: Date; lastUsedAt: Date | null }) {
  return { id: t.id, name: t.name, prefix: t.prefix, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt };
}

/** A new token for the account; the secret is in the answer only, the table keeps its hash. */
export async function createToken(db: Kysely<Database>, userId: number, name: string | null) {
  const token = randomSecret(TOKEN_PREFIX);
  const row = await repo.insertToken(db, { userId, name, tokenHash: sha256(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) });
  return { ...tokenDto(row), token };
}

export async function tokenUser(db: Kysely<Database>, token: string): Promise<SignedIn | undefined> {
  const hash = sha256(token);
  const recalled = recalledCredential<SignedIn>(db, hash);
  if (recalled) return recalled;
  const owner = await repo.findTokenOwner(db, hash);
  if (!owner) return undefined;
  if (!owner.lastUsedAt || Date.now() - new Date(owner.lastUsedAt).getTime() > TOUCH_AFTER_MS) await repo.touchToken(db, owner.tokenId);
  const { tokenId: _t, lastUsedAt: _l, ...user } = owner;
  const found: SignedIn = { ...user, via: 'token' };
  rememberCredential(db, hash, found.id, found);
  return found;
}

export async function listTokens(db: Kysely<Database>, userId: number) {
  return (await repo.listTokens(db, userId)).map(tokenDto);
}

/** Revokes one of the user's tokens (an admin may revoke anyone's); others' are not found. */
export async function revokeToken(db: Kysely<Database>, user: SignedIn, id: number): Promise<void> {
  const token = await repo.findToken(db, id);
  if (!token || (token.userId !== user.id && user.role !== 'admin')) throw AppError.notFound('TokenNotFound', id);
  await repo.revokeToken(db, id);
  forgetCredential(db, token.tokenHash);
}
