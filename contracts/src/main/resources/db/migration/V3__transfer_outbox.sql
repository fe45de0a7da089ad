-- Debezium reads the outbox through the publication below and the logical replication slot that
-- api-service creates at start (a slot cannot be created inside a migration's transaction).
-- cdc_heartbeat gives the slot something to move past on a quiet database, so it never holds WAL.
create table cdc_heartbeat (
    id       int primary key check (id = 1),
    beat_at  timestamptz not null
);
insert into cdc_heartbeat values (1, now());

create publication wallet_outbox for table outbox, cdc_heartbeat;

grant usage on schema public to wallet_cdc;
grant select on outbox, cdc_heartbeat to wallet_cdc;
grant update on cdc_heartbeat to wallet_cdc;
