-- The outbox relay's replication slot can be lost (dropped, or invalidated by max_slot_wal_keep_size).
-- The relay then creates a new one and counts a generation here; Debezium's offsets are kept per
-- generation, because offsets of the old slot point before the new one and Debezium refuses them.
-- Rows committed while no slot existed are never streamed: the relay's sweep sends them.
alter table cdc_heartbeat add column slot_generation bigint not null default 1;
