-- Bulk transfers: up to 100 transfers from one wallet in one request. Each item is a transfer
-- row of its own, numbered within its batch, its reference the row's idempotency key; the batch
-- says whether its items stand alone or stand and fall together (atomic). ledger-worker decides
-- an atomic batch's pending items in one transaction: all debited, or all rejected.
create table transfer_batches (
    id              uuid primary key,
    from_wallet_id  uuid not null references wallets (id),
    atomic          boolean not null,
    item_count      smallint not null check (item_count between 1 and 100),
    created_at      timestamptz not null default now()
);

alter table transfers add column batch_id uuid references transfer_batches (id);
alter table transfers add column batch_item smallint check (batch_item between 0 and 99);
alter table transfers add constraint batch_item_only_in_a_batch check ((batch_id is null) = (batch_item is null));
-- A batch's items, in order: read by the API (the batch's view) and by ledger-worker (an atomic
-- batch decided whole).
create unique index transfers_of_a_batch on transfers (batch_id, batch_item) where batch_id is not null;

grant select, insert on transfer_batches to wallet_api;
grant select on transfer_batches to wallet_worker;
