-- One writer per wallet. Every account a ledger-worker batch writes belongs to the
-- consumer that owns one partition of wallet.transfer-commands, so no batch ever waits for another
-- consumer's lock:
--   * a customer wallet belongs to the owner of the partition its id hashes to;
--   * the system accounts are split into one account per partition: the Paystack clearing
--     account of partition p takes the other side of the deposits posted by p's owner, and the
--     in-transit account of p takes the other side of transfer legs posted by p's owner.
-- A transfer is two postings: 'transfer:<id>:debit' (sender -> in transit of the sender's
-- partition) and 'transfer:<id>:credit' (in transit of the recipient's partition -> recipient).
-- Each in-transit account alone may be below zero (it pays out what another partition's account
-- took in); their sum is the money on its way, and wallets + clearing + in transit = 0 always.

alter table wallets drop constraint wallets_kind_check;
alter table wallets add constraint wallets_kind_check
    check (kind in ('customer', 'paystack_clearing', 'transfers_in_transit'));
alter table wallets drop constraint balance_never_negative;
alter table wallets add constraint balance_never_negative check (kind <> 'customer' or balance >= 0);

-- 256 partitions' worth, made here so that no running service needs to create accounts. A topic
-- with more partitions than this needs a migration adding more (the worker says so and retries).
-- A customer wallet number drawn equal to one of these is drawn again (unique number).
insert into wallets (id, number, kind)
select ('00000000-0000-0000-0001-' || lpad(to_hex(p), 12, '0'))::uuid, '00001' || lpad(p::text, 8, '0'),
       'paystack_clearing'
from generate_series(0, 255) p
union all
select ('00000000-0000-0000-0002-' || lpad(to_hex(p), 12, '0'))::uuid, '00002' || lpad(p::text, 8, '0'),
       'transfers_in_transit'
from generate_series(0, 255) p
on conflict do nothing;

-- The debit leg's time. A transfer is 'pending' until its credit lands ('completed'); while it
-- is pending and not yet debited its amount is held out of the sender's available balance, and
-- once debited the balance itself no longer holds it.
alter table transfers add column debited_at timestamptz;
drop index transfers_pending_by_source;
create index transfers_awaiting_debit on transfers (from_wallet_id) where status = 'pending' and debited_at is null;
-- The outbox sweep and the stuck-transfer gauge look for old pending transfers, debited or not.
create index transfers_pending_by_age on transfers (created_at) where status = 'pending';
grant update (debited_at) on transfers to wallet_worker;

alter table ledger_entries drop constraint ledger_entries_entry_type_check;
alter table ledger_entries add constraint ledger_entries_entry_type_check
    check (entry_type in ('deposit', 'deposit_clearing', 'transfer_in', 'transfer_out', 'in_transit'));
alter table ledger_entries drop constraint ledger_entries_check1;
alter table ledger_entries add constraint ledger_entries_transfer_entries_name_their_transfer
    check ((entry_type in ('transfer_in', 'transfer_out', 'in_transit')) = (transfer_id is not null));
