-- Money back: Paystack refunds and chargebacks of deposits already credited.
--
--   * A refund debits the wallet and credits its partition's Paystack clearing account: Paystack
--     holds less for us, the customer has the money back.
--   * A dispute holds the disputed amount at once: the wallet is debited into the disputes-held
--     account of its partition. Resolved for us, the hold goes back to the wallet; resolved for
--     the customer, it goes from the disputes-held account to Paystack clearing.
--   * When the money was already spent, these two are the only ways a customer wallet goes below
--     zero ("in debt"); then it sends nothing until it is back above zero. The rule is kept by
--     ledger_entries (below): an entry may leave a customer's balance negative only if it adds
--     money or is a refund or a chargeback hold.
-- All accounts still sum to zero: wallets + clearing + in transit + disputes held = 0.

alter table wallets drop constraint wallets_kind_check;
alter table wallets add constraint wallets_kind_check
    check (kind in ('customer', 'paystack_clearing', 'transfers_in_transit', 'disputes_held'));
-- The balance itself may follow: a customer's balance below zero must be the balance its last
-- entry left (checked at commit, when the batch's entries are there), so nothing but such an
-- entry puts it there.
alter table wallets drop constraint balance_never_negative;
create function balance_never_negative() returns trigger language plpgsql as $$
begin
    if not exists (select 1 from (select balance_after from ledger_entries where wallet_id = new.id
                                  order by sequence desc limit 1) last where last.balance_after = new.balance) then
        raise exception 'balance_never_negative: wallet % would hold %, which no refund or chargeback explains',
            new.id, new.balance using errcode = '23514';
    end if;
    return null;
end $$;
create constraint trigger balance_never_negative
    after insert or update of balance on wallets
    deferrable initially deferred
    for each row when (new.kind = 'customer' and new.balance < 0)
    execute function balance_never_negative();

insert into wallets (id, number, kind)
select ('00000000-0000-0000-0003-' || lpad(to_hex(p), 12, '0'))::uuid, '00003' || lpad(p::text, 8, '0'),
       'disputes_held'
from generate_series(0, 255) p
on conflict do nothing;

alter table ledger_entries drop constraint ledger_entries_entry_type_check;
alter table ledger_entries add constraint ledger_entries_entry_type_check
    check (entry_type in ('deposit', 'deposit_clearing', 'transfer_in', 'transfer_out', 'in_transit',
                          'refund', 'refund_clearing', 'chargeback_hold', 'dispute_held', 'chargeback_released',
                          'chargeback_clearing'));
alter table ledger_entries drop constraint ledger_entries_check;
alter table ledger_entries add constraint ledger_entries_deposit_entries_name_their_deposit
    check ((entry_type in ('deposit', 'deposit_clearing', 'refund', 'refund_clearing', 'chargeback_hold',
                           'dispute_held', 'chargeback_released', 'chargeback_clearing'))
           = (deposit_reference is not null));
-- Below zero only by taking money back: deposit_clearing and in_transit are system accounts that
-- pay out what another took in; refund and chargeback_hold are the two ways a customer's balance
-- may follow money it already spent.
alter table ledger_entries add constraint below_zero_only_by_refund_or_chargeback
    check (balance_after >= 0 or amount > 0
           or entry_type in ('deposit_clearing', 'in_transit', 'refund', 'chargeback_hold'));

-- One row per refund Paystack processed: partial refunds add up, never past the deposit.
create table refunds (
    deposit_reference  text not null references deposits (reference),
    refund_id          text not null check (length(refund_id) between 1 and 100),
    wallet_id          uuid not null references wallets (id),
    amount             bigint not null check (amount > 0),
    created_at         timestamptz not null default now(),
    primary key (deposit_reference, refund_id)
);
create index refunds_by_wallet on refunds (wallet_id, created_at desc);

-- One row per Paystack dispute (its id); the amount held, and how it ended.
create table disputes (
    id                 text primary key check (length(id) between 1 and 100),
    deposit_reference  text not null references deposits (reference),
    wallet_id          uuid not null references wallets (id),
    amount             bigint not null check (amount > 0),
    status             text not null check (status in ('held', 'released', 'charged_back')),
    resolution         text,
    created_at         timestamptz not null default now(),
    resolved_at        timestamptz,
    -- false for a dispute resolved for us before we saw it open: nothing was ever held
    held               boolean not null default true,
    constraint resolved_when_not_held check ((status = 'held') = (resolved_at is null))
);
create index disputes_by_wallet on disputes (wallet_id, created_at desc);

grant select on refunds, disputes to wallet_api, wallet_worker;
grant insert on refunds, disputes to wallet_worker;
grant update (status, resolution, resolved_at) on disputes to wallet_worker;
