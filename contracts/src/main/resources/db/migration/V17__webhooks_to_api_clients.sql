-- Webhooks to API clients (Standard Webhooks). A person registers endpoints; webhook-dispatcher
-- reads wallet.ledger-events, writes one delivery per event and matching endpoint, and sends it,
-- signed, until the endpoint answers 2xx or the retry schedule runs out. Every attempt is kept.
-- webhook-dispatcher logs in as wallet_webhooks: it reads endpoints and the wallets' owners, and
-- writes only deliveries, attempts and an endpoint's health.

create table webhook_endpoints (
    id                      uuid primary key,
    user_id                 uuid not null references users (id),
    url                     text not null check (length(url) between 1 and 2000),
    description             text not null default '' check (length(description) <= 500),
    -- null: every event type
    event_types             text[] check (cardinality(event_types) > 0),
    enabled                 boolean not null default true,
    disabled_reason         text,
    -- The signing secret's bytes (shown once as whsec_ + base64). Kept, not hashed: every
    -- delivery is signed with it.
    secret                  bytea not null check (length(secret) between 24 and 64),
    -- After a rotation, deliveries carry a signature by the previous secret too, until then.
    previous_secret         bytea check (length(previous_secret) between 24 and 64),
    previous_secret_until   timestamptz,
    -- The first failed attempt since the last delivered one: past five days the endpoint is
    -- disabled.
    failing_since           timestamptz,
    created_at              timestamptz not null default now(),
    deleted_at              timestamptz,
    constraint previous_secret_has_an_end check ((previous_secret is null) = (previous_secret_until is null)),
    constraint disabled_says_why check (enabled or disabled_reason is not null)
);

create index webhook_endpoints_by_user on webhook_endpoints (user_id, created_at) where deleted_at is null;

create table webhook_deliveries (
    id                  uuid primary key,
    endpoint_id         uuid not null references webhook_endpoints (id),
    -- webhook-id: the same on every attempt and resend, unique per event
    message_id          text not null,
    event_type          text not null,
    -- Deliveries to one endpoint leave in the order of each wallet's events: a wallet's
    -- delivery waits while an earlier one of the same wallet is pending.
    wallet_id           uuid,
    wallet_sequence     bigint,
    -- The body, fixed when the delivery is made, so every attempt sends the same bytes.
    body                text not null,
    status              text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts            integer not null default 0,
    next_attempt_at     timestamptz not null default now(),
    -- A dispatcher sending it holds it until then; past it, any dispatcher may send it again.
    leased_until        timestamptz,
    last_http_status    integer,
    last_error          text,
    created_at          timestamptz not null default now(),
    delivered_at        timestamptz,
    constraint one_delivery_per_event_and_endpoint unique (endpoint_id, message_id),
    constraint wallet_events_name_their_place check ((wallet_id is null) = (wallet_sequence is null))
);

-- What the dispatcher sends next, and each wallet's queue per endpoint. Only the head of a queue
-- is due; the deliveries behind it wait with next_attempt_at 'infinity' until it is delivered or
-- given up, so that the search for due deliveries never steps over a backlog.
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'pending';
create index webhook_deliveries_wallet_queue on webhook_deliveries (endpoint_id, wallet_id, wallet_sequence)
    where status = 'pending';

-- Makes due now each waiting delivery with nothing pending before it in its queue (of one wallet
-- at one endpoint, of every wallet at one endpoint, or everywhere, as the arguments narrow it; only
-- enabled endpoints): after a head is delivered or given up, an endpoint is enabled again,
-- deliveries are resent, and as webhook-dispatcher's safety net every few seconds.
create function webhook_queue_heads_due(only_endpoint uuid, only_wallet uuid) returns integer
language plpgsql as $$
declare
    made integer;
begin
    if only_endpoint is not null and only_wallet is not null then
        -- One queue, the common case: its first pending delivery, by the queue's index.
        update webhook_deliveries d set next_attempt_at = now()
        where d.id = (select q.id from webhook_deliveries q
                      where q.status = 'pending' and q.endpoint_id = only_endpoint and q.wallet_id = only_wallet
                      order by q.wallet_sequence limit 1)
          and d.next_attempt_at = 'infinity'
          and exists (select 1 from webhook_endpoints e
                      where e.id = only_endpoint and e.enabled and e.deleted_at is null);
    else
        -- Every queue (of one endpoint): the heads read in one pass over the queues' index.
        update webhook_deliveries d set next_attempt_at = now()
        from (select distinct on (q.endpoint_id, q.wallet_id) q.id, q.next_attempt_at
              from webhook_deliveries q
              join webhook_endpoints e on e.id = q.endpoint_id and e.enabled and e.deleted_at is null
              where q.status = 'pending' and q.wallet_id is not null
                and (only_endpoint is null or q.endpoint_id = only_endpoint)
              order by q.endpoint_id, q.wallet_id, q.wallet_sequence) heads
        where d.id = heads.id and heads.next_attempt_at = 'infinity';
    end if;
    get diagnostics made = row_count;
    return made;
end
$$;
-- The delivery log: an endpoint's deliveries, newest first.
create index webhook_deliveries_by_endpoint on webhook_deliveries (endpoint_id, created_at desc, id desc);

create table webhook_attempts (
    delivery_id     uuid not null references webhook_deliveries (id),
    attempt         integer not null,
    attempted_at    timestamptz not null,
    http_status     integer,
    latency_ms      integer not null,
    -- The first 1 KB of the answer, or why there was none (time-out, connection refused).
    response        text,
    error           text,
    primary key (delivery_id, attempt)
);

-- API keys may read deliveries with the webhooks permission.
alter table api_keys drop constraint api_keys_permissions_check;
alter table api_keys add constraint api_keys_permissions_check
    check (cardinality(permissions) > 0 and permissions <@ array['deposit', 'transfer', 'withdraw', 'read', 'webhooks']);

grant select, insert on webhook_endpoints to wallet_api;
grant update (url, description, event_types, enabled, disabled_reason, secret, previous_secret,
              previous_secret_until, failing_since, deleted_at) on webhook_endpoints to wallet_api;
grant select on webhook_deliveries, webhook_attempts to wallet_api;
-- A test event, a resend and a recovery are deliveries made or made due again by the API.
grant insert on webhook_deliveries to wallet_api;
grant update (status, attempts, next_attempt_at, leased_until) on webhook_deliveries to wallet_api;

grant execute on function webhook_queue_heads_due(uuid, uuid) to wallet_api, wallet_webhooks;

grant usage on schema public to wallet_webhooks;
grant select on webhook_endpoints, webhook_deliveries, webhook_attempts to wallet_webhooks;
grant select (id, user_id, number) on wallets to wallet_webhooks;
grant select (id, from_wallet_id, to_wallet_id) on transfers to wallet_webhooks;
grant update (enabled, disabled_reason, failing_since) on webhook_endpoints to wallet_webhooks;
grant insert on webhook_deliveries, webhook_attempts to wallet_webhooks;
grant update (status, attempts, next_attempt_at, leased_until, last_http_status, last_error, delivered_at)
    on webhook_deliveries to wallet_webhooks;
