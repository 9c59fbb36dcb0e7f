import { sql, type Kysely } from 'kysely';

/**
 * The audit entry's actor checked once per statement instead of once per entry. Every entry a
 * statement writes names the same actor (the connection's `demoplot.actor`), yet the foreign
 * key of `audit_log.actor_id` looked the user up again for each entry: committing 100,000
 * imported observations took 11.2–13.5 s with it and 7.8–9.1 s without (interleaved, loaded
 * machine). The rule is kept, with the same SQLSTATE (23503):
 * - audit_changes, the one writer of audit entries, checks its actor after writing, when it
 *   wrote any, and takes the user FOR KEY SHARE as the foreign key did;
 * - an entry inserted or changed by anything else is checked row by row (the WHEN clause
 *   passes over entries written by a trigger, which audit_changes has checked);
 * - a user named by an audit entry cannot be deleted, nor given another id.
 * The entries themselves are unchanged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table audit_log drop constraint audit_log_actor_id_fkey;

    -- Raises 23503 unless the user exists; locks it against deletion until the transaction ends.
    create function require_audit_actor(p_actor integer) returns void
    language plpgsql as $fn$
    begin
      if p_actor is null then
        return;
      end if;
      perform 1 from users where id = p_actor for key share;
      if not found then
        raise exception 'insert or update on table "audit_log" violates its reference to users'
          using errcode = 'foreign_key_violation', detail = format('Key (actor_id)=(%s) is not present in table "users".', p_actor);
      end if;
    end
    $fn$;

    -- TG_ARGV: the entity name, the column holding the entity's id, then columns never logged.
    create or replace function audit_changes() returns trigger
    language plpgsql as $fn$
    declare
      v_entity text := TG_ARGV[0];
      v_key text := TG_ARGV[1];
      v_hidden text[] := coalesce(TG_ARGV[2:], '{}');
      v_actor integer := nullif(current_setting('demoplot.actor', true), '')::integer;
      v_reason text := nullif(current_setting('demoplot.reason', true), '');
      v_written bigint;
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
      get diagnostics v_written = row_count;
      if v_written > 0 then
        perform require_audit_actor(v_actor);
      end if;
      return null;
    end
    $fn$;

    create function audit_log_check_actor() returns trigger
    language plpgsql as $fn$
    begin
      perform require_audit_actor(new.actor_id);
      return null;
    end
    $fn$;
    create trigger audit_log_actor_insert after insert on audit_log
      for each row when (new.actor_id is not null and pg_trigger_depth() = 0) execute function audit_log_check_actor();
    create trigger audit_log_actor_update after update of actor_id on audit_log
      for each row when (new.actor_id is not null) execute function audit_log_check_actor();

    create function refuse_deleting_audit_actors() returns trigger
    language plpgsql as $fn$
    begin
      if exists (select 1 from audit_log where actor_id = old.id) then
        raise exception 'update or delete on table "users" violates its reference from table "audit_log"'
          using errcode = 'foreign_key_violation', detail = format('Key (id)=(%s) is still referenced from table "audit_log".', old.id);
      end if;
      return null;
    end
    $fn$;
    create trigger users_audit_actor_delete after delete on users
      for each row execute function refuse_deleting_audit_actors();
    create trigger users_audit_actor_update after update of id on users
      for each row when (new.id is distinct from old.id) execute function refuse_deleting_audit_actors();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger users_audit_actor_update on users;
    drop trigger users_audit_actor_delete on users;
    drop trigger audit_log_actor_update on audit_log;
    drop trigger audit_log_actor_insert on audit_log;
    drop function refuse_deleting_audit_actors();
    drop function audit_log_check_actor();
    create or replace function audit_changes() returns trigger
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
    drop function require_audit_actor(integer);
    alter table audit_log add constraint audit_log_actor_id_fkey foreign key (actor_id) references users(id);
  `.execute(db);
}
