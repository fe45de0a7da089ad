-- Wallet commands leave a request's transaction as transactional logical decoding messages
-- (pg_logical_emit_message, prefix 'wallet-command'), streamed by the same replication slot: no row
-- to insert, delete and vacuum per request. The publication keeps only the heartbeat table.
-- The outbox table stays, unused, for one release: an api-service of the previous release still
-- running during a rolling deploy may insert into it; its rows are no longer streamed, and the
-- relay's sweep sends every transfer and withdrawal still pending after OUTBOX_RESEND_AFTER
-- from its own row. Drop it in the release after this one.
alter publication wallet_outbox drop table outbox;
comment on table outbox is 'unused since V12 (commands are logical decoding messages); drop in the next release';
