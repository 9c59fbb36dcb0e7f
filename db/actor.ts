import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is writing, for the audit trail. The server runs each request inside `actors.run`;
 * whenever a database connection is taken for that request, its `demoplot.actor` and
 * `demoplot.reason` settings are set from here, and the audit triggers read them. Outside a
 * request (migrations, demonstration data) both are empty.
 */
export interface Actor {
  userId: number | null;
  /** Why the change is made, when the client says (X-Change-Reason header, `reason` field). */
  reason: string | null;
}

export const actors = new AsyncLocalStorage<Actor>();

/** The two settings for the current actor, as `set_config` arguments. */
export function actorSettings(): [actor: string, reason: string] {
  const a = actors.getStore();
  return [a?.userId != null ? String(a.userId) : '', a?.reason ?? ''];
}

export const SET_ACTOR_SQL = "select set_config('demoplot.actor', $1, false), set_config('demoplot.reason', $2, false)";

/**
 * Sets the actor on a connection as it is handed out, skipping the round trip when the
 * connection already carries the same values (settings outlive a connection's release).
 */
export function makeActorHook<C extends object>(run: (connection: C, params: string[]) => Promise<unknown>) {
  const current = new WeakMap<C, string>();
  return async (connection: C) => {
    const params = actorSettings();
    const key = params.join('\u0000');
    if (current.get(connection) === key) return;
    await run(connection, params);
    current.set(connection, key);
  };
}
