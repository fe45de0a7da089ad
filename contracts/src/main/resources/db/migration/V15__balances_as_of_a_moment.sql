-- A wallet's balance as of any moment, and its statements, read its entries by time: the last
-- entry at or before an instant, and a period's entries and sums, from one index (the sums from
-- the index alone). That rests on a wallet's entries in time order being its entries in sequence
-- order, which ledger-worker keeps through last_posted_at: an entry is never posted earlier than
-- the wallet's entry before it, whichever worker's clock posted that one. No query read a
-- wallet's entries by id.
alter table wallets add column last_posted_at timestamptz;
update wallets w set last_posted_at = (select max(created_at) from ledger_entries e where e.wallet_id = w.id);
grant update (last_posted_at) on wallets to wallet_worker;

drop index ledger_entries_by_wallet;
create index ledger_entries_by_wallet_time on ledger_entries (wallet_id, created_at, sequence)
    include (amount, balance_after);
