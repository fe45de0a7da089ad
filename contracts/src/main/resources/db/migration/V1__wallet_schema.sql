-- The wallet schema. Owned by wallet_owner, which runs these migrations; the services log in as
-- wallet_api and wallet_worker, created outside the schema (local-stack, docker/postgres-init.sql)
-- because roles belong to the cluster, not to one database.
--
-- Money rules that the database itself keeps:
--   * amounts are bigint minor units (kobo); no floating point column exists;
--   * a customer wallet's balance never goes below zero (balance_never_negative);
--   * a deposit is credited at most once, a transfer applied at most once (partial unique indexes);
--   * every posting's entries sum to zero (ledger_entries_balanced, checked per statement);
--   * only wallet_worker may change balances or write ledger entries (grants at the end).

create table users (
    id              uuid primary key,
    email           text not null unique,
    name            text,
    google_subject  text unique,
    created_at      timestamptz not null default now()
);

create table wallets (
    id              uuid primary key,
    user_id         uuid unique references users (id),
    number          char(13) not null unique check (number ~ '^[0-9]{13}$'),
    -- paystack_clearing is the other side of every deposit: money Paystack holds for us. Its
    -- balance is the negative of all deposits credited, which is why it alone may go below zero.
    kind            text not null default 'customer' check (kind in ('customer', 'paystack_clearing')),
    currency        char(3) not null default 'NGN',
    balance         bigint not null default 0,
    last_sequence   bigint not null default 0 check (last_sequence >= 0),
    status          text not null default 'active' check (status in ('active', 'closed')),
    created_at      timestamptz not null default now(),
    constraint balance_never_negative check (kind = 'paystack_clearing' or balance >= 0),
    constraint customer_wallet_has_owner check ((kind = 'customer') = (user_id is not null))
);

insert into wallets (id, number, kind)
values ('00000000-0000-0000-0000-00000000c1ea', '0000000000001', 'paystack_clearing');

create table api_keys (
    id              uuid primary key,
    user_id         uuid not null references users (id),
    name            text not null check (length(name) between 1 and 100),
    prefix          text not null,
    key_hash        bytea not null unique,
    permissions     text[] not null
        check (cardinality(permissions) > 0 and permissions <@ array['deposit', 'transfer', 'read']),
    expires_at      timestamptz not null,
    revoked_at      timestamptz,
    rolled_over_to  uuid unique references api_keys (id),
    last_used_at    timestamptz,
    created_at      timestamptz not null default now()
);
create index api_keys_by_user on api_keys (user_id, created_at desc);

create table deposits (
    reference          text primary key check (reference ~ '^[A-Za-z0-9.=-]{1,100}$'),
    wallet_id          uuid not null references wallets (id),
    amount             bigint not null check (amount between 100 and 100000000),
    currency           char(3) not null default 'NGN',
    status             text not null default 'pending'
        check (status in ('pending', 'success', 'failed', 'abandoned', 'review')),
    idempotency_key    text,
    request_hash       bytea,
    authorization_url  text,
    paystack_id        bigint,
    review_reason      text,
    created_at         timestamptz not null default now(),
    settled_at         timestamptz,
    unique (wallet_id, idempotency_key)
);
create index deposits_pending_by_age on deposits (created_at) where status = 'pending';

create table transfers (
    id               uuid primary key,
    from_wallet_id   uuid not null references wallets (id),
    to_wallet_id     uuid not null references wallets (id),
    amount           bigint not null check (amount between 100 and 100000000),
    currency         char(3) not null default 'NGN',
    status           text not null default 'pending' check (status in ('pending', 'completed', 'rejected')),
    reason           text,
    idempotency_key  text,
    request_hash     bytea,
    created_at       timestamptz not null default now(),
    completed_at     timestamptz,
    constraint not_to_self check (from_wallet_id <> to_wallet_id),
    constraint rejected_has_reason check ((status = 'rejected') = (reason is not null)),
    unique (from_wallet_id, idempotency_key)
);
create index transfers_pending_by_source on transfers (from_wallet_id) where status = 'pending';

-- Double entry. A posting is one money movement ('deposit:<reference>', 'transfer:<id>'); its
-- entries sum to zero. balance_after and sequence make each entry a ledger event on its own.
create table ledger_entries (
    id                      bigserial primary key,
    posting_id              text not null,
    wallet_id               uuid not null references wallets (id),
    amount                  bigint not null check (amount <> 0),
    balance_after           bigint not null,
    sequence                bigint not null check (sequence > 0),
    entry_type              text not null
        check (entry_type in ('deposit', 'deposit_clearing', 'transfer_in', 'transfer_out')),
    deposit_reference       text references deposits (reference),
    transfer_id             uuid references transfers (id),
    counterparty_wallet_id  uuid references wallets (id),
    event_id                uuid not null unique,
    created_at              timestamptz not null default now(),
    unique (posting_id, wallet_id),
    unique (wallet_id, sequence),
    check ((entry_type in ('deposit', 'deposit_clearing')) = (deposit_reference is not null)),
    check ((entry_type in ('transfer_in', 'transfer_out')) = (transfer_id is not null))
);
create unique index one_credit_per_deposit on ledger_entries (deposit_reference) where entry_type = 'deposit';
create unique index one_debit_per_transfer on ledger_entries (transfer_id) where entry_type = 'transfer_out';
create unique index one_credit_per_transfer on ledger_entries (transfer_id) where entry_type = 'transfer_in';
create index ledger_entries_by_wallet on ledger_entries (wallet_id, id desc);

create function ledger_entries_balanced() returns trigger language plpgsql as $$
declare
    unbalanced text;
begin
    select e.posting_id into unbalanced
    from ledger_entries e
    where e.posting_id in (select distinct posting_id from inserted)
    group by e.posting_id
    having sum(e.amount) <> 0
    limit 1;
    if unbalanced is not null then
        raise exception 'posting % does not sum to zero', unbalanced using errcode = '23514';
    end if;
    return null;
end $$;

-- Checked per statement: the worker writes all entries of a batch in one insert.
create trigger ledger_entries_balanced
    after insert on ledger_entries
    referencing new table as inserted
    for each statement execute function ledger_entries_balanced();

-- What ledger-worker consumed, by Kafka position, with the events it produced for it: a record
-- redelivered after a crash between the database commit and the Kafka commit re-emits exactly
-- these events (same ids); a different record about the same payment emits nothing new.
create table processed_messages (
    topic            text not null,
    kafka_partition  int not null,
    kafka_offset     bigint not null,
    emitted          jsonb not null default '[]',
    processed_at     timestamptz not null default now(),
    primary key (topic, kafka_partition, kafka_offset)
);

-- Paystack events that moved no money and need a person: unknown references, mismatches.
create table payment_exceptions (
    id           bigserial primary key,
    reference    text not null,
    paystack_id  bigint,
    reason       text not null,
    body         jsonb,
    recorded_at  timestamptz not null default now()
);

-- The transactional outbox, in the column names of Debezium's outbox event router.
create table outbox (
    id             uuid primary key,
    aggregatetype  text not null,
    aggregateid    text not null,
    type           text not null,
    payload        jsonb not null,
    created_at     timestamptz not null default now()
);

-- Least privilege. wallet_api reads everything, records intents, and cannot move money.
grant usage on schema public to wallet_api, wallet_worker;
grant select on all tables in schema public to wallet_api, wallet_worker;
grant insert on users, api_keys, deposits, transfers, outbox to wallet_api;
grant insert (id, user_id, number) on wallets to wallet_api;
grant update (name) on users to wallet_api;
grant update (revoked_at, rolled_over_to, last_used_at) on api_keys to wallet_api;
grant update (status, authorization_url) on deposits to wallet_api;
grant delete on outbox to wallet_api;

-- wallet_worker is the only writer of money.
grant update (balance, last_sequence) on wallets to wallet_worker;
grant insert on ledger_entries, processed_messages, payment_exceptions to wallet_worker;
grant update (status, settled_at, review_reason, paystack_id) on deposits to wallet_worker;
grant update (status, reason, completed_at) on transfers to wallet_worker;
grant usage on all sequences in schema public to wallet_worker;
