-- Money out: withdrawals to Nigerian bank accounts through Paystack Transfers.
--
-- A withdrawal is held at once: api-service records it with its outbox row, and until
-- ledger-worker debits it, its amount is kept out of the wallet's available balance like a
-- pending transfer's. ledger-worker (the wallet's one writer) debits the wallet into the
-- payouts-in-flight account of its partition ('withdrawal:<id>:debit'); api-service then sends
-- Paystack's POST /transfer with our reference (Paystack dedupes by it, so a resend is safe).
-- Paystack's verdict, proven (its signature, or webhook-ingest's reconciliation signature over
-- Verify Transfer's answer), moves the money on: transfer.success from payouts in flight to
-- Paystack clearing ('withdrawal:<id>:paid'), transfer.failed or transfer.reversed back to the
-- wallet ('withdrawal:<id>:returned'). A reversal after a success takes it back from clearing.
-- All accounts still sum to zero: wallets + clearing + in transit + disputes held + payouts in
-- flight = 0.

alter table wallets drop constraint wallets_kind_check;
alter table wallets add constraint wallets_kind_check
    check (kind in ('customer', 'paystack_clearing', 'transfers_in_transit', 'disputes_held', 'payouts_in_flight'));

insert into wallets (id, number, kind)
select ('00000000-0000-0000-0004-' || lpad(to_hex(p), 12, '0'))::uuid, '00004' || lpad(p::text, 8, '0'),
       'payouts_in_flight'
from generate_series(0, 255) p
on conflict do nothing;

-- Saved bank accounts, each a Paystack transfer recipient. Removing one keeps the row: the
-- withdrawals made to it still name it.
create table withdrawal_accounts (
    id              uuid primary key,
    user_id         uuid not null references users (id),
    account_number  text not null check (account_number ~ '^[0-9]{10}$'),
    bank_code       text not null check (bank_code ~ '^[0-9A-Za-z]{1,20}$'),
    bank_name       text not null,
    account_name    text not null,
    recipient_code  text not null,
    created_at      timestamptz not null default now(),
    deleted_at      timestamptz
);
create unique index one_saved_account_per_number on withdrawal_accounts (user_id, account_number, bank_code)
    where deleted_at is null;

create table withdrawals (
    id               uuid primary key,
    wallet_id        uuid not null references wallets (id),
    account_id       uuid not null references withdrawal_accounts (id),
    recipient_code   text not null,
    amount           bigint not null check (amount > 0),
    currency         char(3) not null default 'NGN',
    -- sent to Paystack as the transfer's reference (the id as text); Paystack's events name it
    reference        text not null unique check (reference = id::text),
    status           text not null default 'pending'
        check (status in ('pending', 'processing', 'completed', 'failed', 'reversed')),
    reason           text,
    idempotency_key  text,
    request_hash     bytea,
    created_at       timestamptz not null default now(),
    debited_at       timestamptz,
    -- api-service's sending: when Paystack took the transfer; each attempt until then; when it
    -- last asked webhook-ingest to verify a transfer whose webhook has not come
    sent_at          timestamptz,
    send_attempts    int not null default 0,
    last_send_at     timestamptz,
    last_send_error  text,
    verified_at      timestamptz,
    transfer_code    text,
    completed_at     timestamptz,
    unique (wallet_id, idempotency_key),
    constraint processing_once_debited check (status in ('pending', 'failed') or debited_at is not null)
);
create index withdrawals_awaiting_debit on withdrawals (wallet_id) where status = 'pending';
create index withdrawals_by_wallet on withdrawals (wallet_id, created_at desc);
create index withdrawals_in_flight on withdrawals (created_at) where status in ('pending', 'processing');

alter table ledger_entries add column withdrawal_id uuid references withdrawals (id);
alter table ledger_entries drop constraint ledger_entries_entry_type_check;
alter table ledger_entries add constraint ledger_entries_entry_type_check
    check (entry_type in ('deposit', 'deposit_clearing', 'transfer_in', 'transfer_out', 'in_transit',
                          'refund', 'refund_clearing', 'chargeback_hold', 'dispute_held', 'chargeback_released',
                          'chargeback_clearing', 'withdrawal', 'payout_in_flight', 'withdrawal_returned',
                          'payout_clearing'));
alter table ledger_entries add constraint withdrawal_entries_name_their_withdrawal
    check ((entry_type in ('withdrawal', 'payout_in_flight', 'withdrawal_returned', 'payout_clearing'))
           = (withdrawal_id is not null));
-- Paystack clearing pays a reversed payout back: like its deposits, it may go below zero.
alter table ledger_entries drop constraint below_zero_only_by_refund_or_chargeback;
alter table ledger_entries add constraint below_zero_only_by_refund_or_chargeback
    check (balance_after >= 0 or amount > 0
           or entry_type in ('deposit_clearing', 'in_transit', 'payout_clearing', 'refund', 'chargeback_hold'));
create unique index one_debit_per_withdrawal on ledger_entries (withdrawal_id) where entry_type = 'withdrawal';
create unique index one_return_per_withdrawal on ledger_entries (withdrawal_id) where entry_type = 'withdrawal_returned';

grant select on withdrawal_accounts, withdrawals to wallet_api, wallet_worker;
grant insert on withdrawal_accounts, withdrawals to wallet_api;
grant update (deleted_at) on withdrawal_accounts to wallet_api;
grant update (sent_at, send_attempts, last_send_at, last_send_error, verified_at, transfer_code) on withdrawals
    to wallet_api;
grant update (status, reason, debited_at, completed_at) on withdrawals to wallet_worker;

-- API keys gain the permission to withdraw; a key with 'transfer' alone cannot.
alter table api_keys drop constraint api_keys_permissions_check;
alter table api_keys add constraint api_keys_permissions_check
    check (cardinality(permissions) > 0 and permissions <@ array['deposit', 'transfer', 'withdraw', 'read']);
