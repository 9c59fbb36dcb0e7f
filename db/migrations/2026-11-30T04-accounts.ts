import { sql, type Kysely } from 'kysely';

/**
 * Accounts, project membership, web sessions, API tokens and failed-login counters; the
 * audit trail; soft delete and sign-off locking of trials. Frozen.
 *
 * The audit trail is written by statement-level triggers, so every write is recorded
 * whichever path made it (API, web form, spreadsheet import, a script): who (the
 * connection's `demoplot.actor` setting, which the application sets when a request takes a
 * connection), when, the row before and after as JSON, and the optional reason
 * (`demoplot.reason`). A soft delete and its undo are updates recorded as `delete` and
 * `restore`. The log itself refuses updates and deletes.
 *
 * A locked trial (signed off) refuses every change to itself, its arms, variables, plots and
 * observations until it is unlocked; the error's SQLSTATE is DP423.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table users (
      id integer generated always as identity primary key,
      email text not null,
      name text not null,
      role text not null check (role in ('admin', 'agronomist', 'lead', 'viewer')),
      password_hash text not null,
      active boolean not null default true,
      is_demo boolean not null default false,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index users_email_unique on users (lower(email));

    create table project_members (
      project_id integer not null references projects(id),
      user_id integer not null references users(id),
      primary key (project_id, user_id)
    );
    create index project_members_user on project_members (user_id);

    -- A web session: the cookie holds a random value, the table only its SHA-256.
    create table sessions (
      token_hash text primary key,
      user_id integer not null references users(id),
      csrf_token text not null,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index sessions_user on sessions (user_id);
    create index sessions_expiry on sessions (expires_at);

    -- An API token: shown once when created; the table keeps its SHA-256 and a short prefix.
    create table api_tokens (
      id integer generated always as identity primary key,
      user_id integer not null references users(id),
      name text,
      token_hash text not null unique,
      prefix text not null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    create index api_tokens_user on api_tokens (user_id);

    -- Failed logins per key ('email:…' or 'ip:…') within the current window.
    create table login_failures (
      key text primary key,
      failures integer not null,
      window_started_at timestamptz not null
    );

    alter table trials
      add column deleted_at timestamptz,
      add column locked_at timestamptz,
      add column locked_by integer references users(id);
    alter table trials drop constraint trials_project_id_name_key;
    create unique index trials_name_unique on trials (project_id, name) where deleted_at is null;

    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor_id integer references users(id),
      entity text not null,
      entity_id bigint not null,
      table_name text not null,
      action text not null check (action in ('create', 'update', 'delete', 'restore', 'lock', 'unlock')),
      before jsonb,
      after jsonb,
      reason text
    );
    create index audit_log_entity on audit_log (entity, entity_id, id);
    create index audit_log_actor on audit_log (actor_id, id);

    -- TG_ARGV: the entity name, the column holding the entity's id, then columns never logged.
    create function audit_changes() returns trigger
    language plpgsql as $fn$
    declare
      v_entity text := TG_ARGV[0];
      v_key text := TG_ARGV[1];
      v_hidden text[] := coalesce(TG_ARGV[2:], '{}');
      v_actor integer := nullif(current_setting('demoplot.actor', true), '')::integer;
      v_reason text := nullif(current_setting('demoplot.reason', true), '');
    begin
      if TG_OP = 'INSERT' then
        insert into audit_log (actor_id, entity, entity_id, table_name, action, after, reason)
        select v_actor, v_entity, (j ->> v_key)::bigint, TG_TABLE_NAME, 'create', j, v_reason
        from (select to_jsonb(n) - v_hidden as j from new_rows n) s;
      elsif TG_OP = 'DELETE' then
        insert into audit_log (actor_id, entity, entity_id, table_name, action, before, reason)
        select v_actor, v_entity, (j ->> v_key)::bigint, TG_TABLE_NAME, 'delete', j, v_reason
        from (select to_jsonb(o) - v_hidden as j from old_rows o) s;
      else
        insert into audit_log (actor_id, entity, entity_id, table_name, action, before, after, reason)
        select v_actor, v_entity, (n.j ->> v_key)::bigint, TG_TABLE_NAME,
          case
            when o.j ->> 'deleted_at' is null and n.j ->> 'deleted_at' is not null then 'delete'
            when o.j ->> 'deleted_at' is not null and n.j ->> 'deleted_at' is null then 'restore'
            when o.j ->> 'locked_at' is null and n.j ->> 'locked_at' is not null then 'lock'
            when o.j ->> 'locked_at' is not null and n.j ->> 'locked_at' is null then 'unlock'
            else 'update'
          end,
          o.j, n.j, v_reason
        from (select to_jsonb(r) - v_hidden as j from old_rows r) o
        join (select to_jsonb(r) - v_hidden as j from new_rows r) n on n.j -> 'id' = o.j -> 'id'
        where o.j - 'updated_at' - 'version' is distinct from n.j - 'updated_at' - 'version';
      end if;
      return null;
    end
    $fn$;

    create function refuse_audit_log_changes() returns trigger
    language plpgsql as $fn$
    begin
      raise exception 'the audit log is append-only';
    end
    $fn$;
    create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function refuse_audit_log_changes();
    create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function refuse_audit_log_changes();

    -- Raises DP423 when any of the trials is locked. Takes a share lock on them first, so a
    -- lock being signed concurrently waits for this write (or this write sees the lock).
    create function refuse_if_locked(p_trials integer[]) returns void
    language plpgsql as $fn$
    declare
      v_locked integer;
    begin
      if p_trials is null or cardinality(p_trials) = 0 then
        return;
      end if;
      perform 1 from trials where id = any(p_trials) for share;
      select min(id) into v_locked from trials where id = any(p_trials) and locked_at is not null;
      if v_locked is not null then
        raise exception 'trial % is locked', v_locked using errcode = 'DP423', detail = v_locked::text;
      end if;
    end
    $fn$;

    -- TG_ARGV[0]: how a row names its trial: 'trial_id' or 'plot_id'.
    create function refuse_locked_trial_changes() returns trigger
    language plpgsql as $fn$
    declare
      v_trials integer[];
    begin
      if TG_ARGV[0] = 'plot_id' then
        if TG_OP in ('INSERT', 'UPDATE') then
          select array_agg(distinct p.trial_id) into v_trials from new_rows r join plots p on p.id = r.plot_id;
        end if;
        if TG_OP in ('DELETE', 'UPDATE') then
          select array_cat(v_trials, array_agg(distinct p.trial_id)) into v_trials from old_rows r join plots p on p.id = r.plot_id;
        end if;
      else
        if TG_OP in ('INSERT', 'UPDATE') then
          select array_agg(distinct trial_id) into v_trials from new_rows;
        end if;
        if TG_OP in ('DELETE', 'UPDATE') then
          select array_cat(v_trials, array_agg(distinct trial_id)) into v_trials from old_rows;
        end if;
      end if;
      perform refuse_if_locked(v_trials);
      return null;
    end
    $fn$;

    -- A locked trial's own row may change only by being unlocked.
    create function refuse_locked_trial_update() returns trigger
    language plpgsql as $fn$
    declare
      v_locked integer;
    begin
      select min(o.id) into v_locked
        from old_rows o join new_rows n on n.id = o.id
        where o.locked_at is not null and n.locked_at is not null;
      if v_locked is not null then
        raise exception 'trial % is locked', v_locked using errcode = 'DP423', detail = v_locked::text;
      end if;
      return null;
    end
    $fn$;
  `.execute(db);

  // Audit triggers: the entity and its id column per table.
  const audited: [table: string, entity: string, key: string, hidden: string[], updates: boolean][] = [
    ['projects', 'project', 'id', [], true],
    ['sites', 'site', 'id', [], true],
    ['trials', 'trial', 'id', [], true],
    ['trial_arms', 'trial', 'trial_id', [], true],
    ['trial_variables', 'trial', 'trial_id', [], false],
    ['plots', 'plot', 'id', [], true],
    ['observations', 'observation', 'id', [], true],
    ['farmers', 'farmer', 'id', [], true],
    ['training_sessions', 'training_session', 'id', [], true],
    ['training_attendees', 'training_session', 'session_id', [], false],
    ['users', 'user', 'id', ['password_hash'], true],
    ['project_members', 'user', 'user_id', [], false],
  ];
  for (const [table, entity, key, hidden, updates] of audited) {
    const args = [entity, key, ...hidden].map((a) => `'${a}'`).join(', ');
    const t = sql.table(table);
    const name = (op: string) => sql.raw(`${table}_audit_${op}`);
    await sql`create trigger ${name('insert')} after insert on ${t} referencing new table as new_rows for each statement execute function audit_changes(${sql.raw(args)})`.execute(db);
    await sql`create trigger ${name('delete')} after delete on ${t} referencing old table as old_rows for each statement execute function audit_changes(${sql.raw(args)})`.execute(db);
    if (updates) {
      await sql`create trigger ${name('update')} after update on ${t} referencing old table as old_rows new table as new_rows for each statement execute function audit_changes(${sql.raw(args)})`.execute(db);
    }
  }

  // Lock triggers, named to fire before the other statement triggers on these tables (which
  // take rows of other tables), so a write first waits for a concurrent lock of its trial.
  const guarded: [table: string, via: string, updates: boolean][] = [
    ['trial_arms', 'trial_id', true],
    ['trial_variables', 'trial_id', false],
    ['plots', 'trial_id', true],
    ['observations', 'plot_id', true],
  ];
  for (const [table, via, updates] of guarded) {
    const t = sql.table(table);
    const name = (op: string) => sql.raw(`${table}_check_lock_${op}`);
    const arg = sql.raw(`'${via}'`);
    await sql`create trigger ${name('insert')} after insert on ${t} referencing new table as new_rows for each statement execute function refuse_locked_trial_changes(${arg})`.execute(db);
    await sql`create trigger ${name('delete')} after delete on ${t} referencing old table as old_rows for each statement execute function refuse_locked_trial_changes(${arg})`.execute(db);
    if (updates) {
      await sql`create trigger ${name('update')} after update on ${t} referencing old table as old_rows new table as new_rows for each statement execute function refuse_locked_trial_changes(${arg})`.execute(db);
    }
  }
  await sql`create trigger trials_check_lock_update after update on trials referencing old table as old_rows new table as new_rows for each statement execute function refuse_locked_trial_update()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const tables = ['projects', 'sites', 'trials', 'trial_arms', 'trial_variables', 'plots', 'observations', 'farmers', 'training_sessions', 'training_attendees', 'users', 'project_members'];
  for (const table of tables) {
    for (const op of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.raw(`${table}_audit_${op}`)} on ${sql.table(table)}`.execute(db);
  }
  for (const table of ['trial_arms', 'trial_variables', 'plots', 'observations']) {
    for (const op of ['insert', 'update', 'delete']) await sql`drop trigger if exists ${sql.raw(`${table}_check_lock_${op}`)} on ${sql.table(table)}`.execute(db);
  }
  await sql`
    drop trigger trials_check_lock_update on trials;
    drop function refuse_locked_trial_update();
    drop function refuse_locked_trial_changes();
    drop function refuse_if_locked(integer[]);
    drop table audit_log;
    drop function refuse_audit_log_changes();
    drop function audit_changes();
    drop index trials_name_unique;
    alter table trials add constraint trials_project_id_name_key unique (project_id, name);
    alter table trials drop column locked_by, drop column locked_at, drop column deleted_at;
    drop table login_failures, api_tokens, sessions, project_members, users;
  `.execute(db);
}
