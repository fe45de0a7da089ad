-- A request row is its own command: Debezium streams the inserts of transfers, bulk batches and
-- withdrawals through this publication, so nothing else is written with a request and nothing is
-- deleted after it is sent. Inserts only: ledger-worker's updates of those rows are not commands.
-- The relay's heartbeat is an insert too (the statement that inserts a beat deletes the one
-- before), so the slot moves on while no request arrives.
create table cdc_beats (
    beat_at  timestamptz not null
);

create publication wallet_requests for table transfers, transfer_batches, withdrawals, cdc_beats
    with (publish = 'insert');

grant select on transfers, transfer_batches, withdrawals, cdc_beats to wallet_cdc;
grant insert, delete on cdc_beats to wallet_cdc;
grant select on cdc_beats to wallet_api;
