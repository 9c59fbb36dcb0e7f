import { sql, type Kysely } from 'kysely';

/**
 * Idempotency keys: the first response to a POST sent with an `Idempotency-Key` header,
 * kept in the database so every app process behind a load balancer replays the same answer.
 * A row is claimed (`response_status` null) before the request runs and completed after;
 * rows are kept at least 24 hours. Frozen.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table idempotency_keys (
      scope text not null,
      key text not null,
      request_hash text not null,
      response_status integer,
      response_headers jsonb,
      response_body text,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      primary key (scope, key)
    );
    create index idempotency_keys_expiry on idempotency_keys (expires_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists idempotency_keys`.execute(db);
}
