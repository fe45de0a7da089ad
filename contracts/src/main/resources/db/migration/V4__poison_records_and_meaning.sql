-- No record stops the ledger, and only verified facts move money.

-- Records that ledger-worker could never apply (unreadable, without valid proof, refused by the
-- database for their values) are kept here for a person, as well as on the topic's .dlt. The
-- payload is bytes and the key is bytes: a poisoned record must be storable whatever it holds,
-- so nothing here is a cast that can fail.
create table dead_letters (
    id               bigserial primary key,
    topic            text not null,
    kafka_partition  int not null,
    kafka_offset     bigint not null,
    record_key       bytea,
    payload          bytea,
    reason           text not null,
    recorded_at      timestamptz not null default now(),
    unique (topic, kafka_partition, kafka_offset)
);
create index dead_letters_by_time on dead_letters (recorded_at desc);

-- The same rule for the exceptions recorded about readable events: the body as bytes. A signed
-- webhook holding the JSON escape \u0000 made the old jsonb cast fail and stopped every deposit.
alter table payment_exceptions alter column body type bytea using convert_to(body::text, 'UTF8');

-- A deposit Paystack reversed is never credited; it ends in a status of its own.
alter table deposits drop constraint deposits_status_check;
alter table deposits add constraint deposits_status_check
    check (status in ('pending', 'success', 'failed', 'abandoned', 'review', 'reversed'));

-- processed_messages remembers what each record meant as well as where it was: a record at a
-- position seen before is a redelivery only if it means the same thing (same transfer, same
-- Paystack event). A recreated topic reuses offsets; its new records are then processed, not
-- mistaken for old ones.
alter table processed_messages add column message_id text not null default '';
alter table processed_messages drop constraint processed_messages_pkey;
alter table processed_messages add primary key (topic, kafka_partition, kafka_offset, message_id);

-- History reads a wallet's incoming transfers by recipient; without this it scans every transfer.
create index transfers_by_recipient on transfers (to_wallet_id, created_at desc);

grant select, insert on dead_letters to wallet_worker;
grant select on dead_letters to wallet_api;
grant usage on all sequences in schema public to wallet_worker;
